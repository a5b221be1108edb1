/// Plain decimal numbers (`-0.125`, `3e-5`, `42`) to the nearest Float without strtof, which
/// takes most of a CSV window's reading time.
///
/// Clinger's fast path: when the digits make an integer m of at most 2^53 it is an exact Double,
/// and 10^e for |e| ≤ 22 is an exact Double, so one multiplication or division gives the
/// correctly rounded Double of the decimal. Rounding that Double to Float is the
/// correctly rounded Float unless the Double sits exactly halfway between two Floats (a
/// second rounding could then go the wrong way): that case, subnormals, and anything else
/// (more digits, larger exponents, hex, inf, nan) return nil, and the caller asks strtof.
enum DecimalFastPath {
    private static let powers: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { acc, _ in acc * 10 } }

    static func float(_ bytes: UnsafeBufferPointer<UInt8>, _ cell: Range<Int>) -> Float? {
        guard let (value, next) = prefix(bytes, from: cell.lowerBound, to: cell.upperBound), next == cell.upperBound
        else { return nil }
        return value
    }

    /// Appends the run of decimal digits at `at` to `mantissa` (wrapping: the caller bounds the
    /// count), moves `at` past them and returns how many there were.
    @inline(__always)
    private static func digits(
        _ bytes: UnsafeBufferPointer<UInt8>, _ at: inout Int, _ end: Int, into mantissa: inout UInt64
    ) -> Int {
        let start = at
        while at < end {
            let digit = bytes[at] &- 0x30
            if digit >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            at += 1
        }
        return at - start
    }

    /// The number that starts at `start` and where it ends (at `end` or at the first byte that
    /// cannot continue it), or nil when no number starts there or it is not a plain decimal.
    static func prefix(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (Float, Int)? {
        var at = start
        guard at < end else { return nil }
        var negative = false
        if bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "+") {
            negative = bytes[at] == UInt8(ascii: "-")
            at += 1
        }
        var mantissa: UInt64 = 0
        var digitCount = digits(bytes, &at, end, into: &mantissa)
        var exponent = 0  // power of ten to apply to the mantissa
        if at < end, bytes[at] == UInt8(ascii: ".") {
            at += 1
            let fraction = digits(bytes, &at, end, into: &mantissa)
            digitCount += fraction
            exponent = -fraction
        }
        // Up to 19 digits cannot overflow 64 bits; below 2^53 the mantissa is an exact Double
        // (leading zeros count as digits here, but not against that bound).
        guard digitCount > 0, digitCount <= 19, mantissa <= 1 << 53 else { return nil }
        if at < end, bytes[at] | 0x20 == UInt8(ascii: "e") {
            at += 1
            var exponentNegative = false
            if at < end, bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "+") {
                exponentNegative = bytes[at] == UInt8(ascii: "-")
                at += 1
            }
            var written = 0
            var exponentDigits = 0
            while at < end, bytes[at] &- 0x30 < 10, exponentDigits < 4 {
                written = written * 10 + Int(bytes[at] &- 0x30)
                exponentDigits += 1
                at += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -written : written
        }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, at) }
        guard exponent >= -22, exponent <= 22 else { return nil }
        let m = Double(mantissa)
        let value = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
        let magnitude = abs(value)
        guard magnitude >= Double(Float.leastNormalMagnitude), magnitude <= Double(Float.greatestFiniteMagnitude) else {
            return nil
        }
        // A Double exactly halfway between two Floats: its low 29 mantissa bits are 1 then zeros.
        guard value.bitPattern & 0x1FFF_FFFF != 0x1000_0000 else { return nil }
        let result = Float(value)
        return (negative ? -result : result, at)
    }
}
