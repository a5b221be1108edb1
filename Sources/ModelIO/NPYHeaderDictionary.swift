/// The header of a `.npy` file read as NumPy reads it: one Python dictionary literal of strings,
/// booleans and tuples of whole numbers, followed by nothing but spaces and the newline.
///
/// NumPy evaluates the header with `ast.literal_eval` and refuses anything else, so a header
/// length that reaches into the data (the dictionary followed by array bytes), an extra key or
/// `'fortran_order': 'False'` (a string) make it fail; searching the text for keys instead would
/// read such a file shifted or transposed without a word.
struct NPYHeaderDictionary {
    /// A value of the dictionary.
    enum Value: Equatable {
        case text(String)
        case flag(Bool)
        case tuple([Int])
        case number(Int)
    }

    /// The entries; nil from the initialiser when the text is not such a dictionary or names a key twice.
    let values: [String: Value]

    /// Parses `header`; nil when it is not one dictionary literal followed only by whitespace.
    init?(_ header: String) {
        var scanner = Scanner(Array(header.utf8))
        var values: [String: Value] = [:]
        scanner.skipSpace()
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        scanner.skipSpace()
        while !scanner.take(UInt8(ascii: "}")) {
            guard let key = scanner.string() else { return nil }
            scanner.skipSpace()
            guard scanner.take(UInt8(ascii: ":")) else { return nil }
            scanner.skipSpace()
            guard let value = scanner.value(), values.updateValue(value, forKey: key) == nil else { return nil }
            scanner.skipSpace()
            if scanner.take(UInt8(ascii: ",")) {
                scanner.skipSpace()
            } else {
                guard scanner.take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        scanner.skipSpace()
        guard scanner.atEnd else { return nil }
        self.values = values
    }

    private struct Scanner {
        let bytes: [UInt8]
        var at = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { at == bytes.count }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        /// A quoted string without escapes ('<f4', "shape").
        mutating func string() -> String? {
            guard at < bytes.count, bytes[at] == UInt8(ascii: "'") || bytes[at] == UInt8(ascii: "\"") else {
                return nil
            }
            let quote = bytes[at]
            let start = at + 1
            var end = start
            while end < bytes.count, bytes[end] != quote {
                if bytes[end] == UInt8(ascii: "\\") || bytes[end] == 0x0A { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            at = end + 1
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        mutating func value() -> Value? {
            if let text = string() { return .text(text) }
            if word("True") { return .flag(true) }
            if word("False") { return .flag(false) }
            if let number = integer() { return .number(number) }
            guard take(UInt8(ascii: "(")) else { return nil }
            var items: [Int] = []
            skipSpace()
            while !take(UInt8(ascii: ")")) {
                guard let item = integer() else { return nil }
                items.append(item)
                skipSpace()
                let comma = take(UInt8(ascii: ","))
                skipSpace()
                // Python's (5) is the number 5, not a tuple: one item needs its comma.
                if !comma {
                    guard take(UInt8(ascii: ")")), items.count > 1 else { return nil }
                    break
                }
            }
            return .tuple(items)
        }

        private mutating func word(_ text: String) -> Bool {
            let word = Array(text.utf8)
            guard at + word.count <= bytes.count, Array(bytes[at..<(at + word.count)]) == word else { return false }
            let next = at + word.count
            if next < bytes.count,
                bytes[next] == UInt8(ascii: "_") || (bytes[next] | 0x20) >= 0x61 && (bytes[next] | 0x20) <= 0x7A
            {
                return false
            }
            at = next
            return true
        }

        /// A non-negative whole number (Python 2 files may end it with L, which NumPy accepts).
        mutating func integer() -> Int? {
            let start = at
            var value = 0
            while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39 {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(Int(bytes[at] - 0x30))
                guard !o1, !o2 else { return nil }
                value = plus
                at += 1
            }
            guard at > start else { return nil }
            _ = take(UInt8(ascii: "L"))
            return value
        }
    }
}

/// The first characters of file text for a message, with control characters made visible.
func terminalPreview(_ text: String, limit: Int = 80) -> String {
    var out = ""
    for scalar in text.unicodeScalars.prefix(limit) {
        out += scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
    }
    return out + (text.unicodeScalars.count > limit ? "…" : "")
}
