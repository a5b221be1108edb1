/// Small helpers to write JSON text by hand, so key order is fixed and numbers keep full
/// float32 precision (Swift prints the shortest text that reads back as the same Float).
public enum JSONText {
    /// A JSON string literal with escapes.
    public static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // Invisible formatting is escaped too: the JSON reads back the same, and printed
            // on a terminal it cannot reorder the line (see `isInvisibleFormatting`).
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isInvisibleFormatting(scalar):
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A number; NaN and ±∞ as Python's json module writes and reads them.
    public static func number(_ x: Float) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        return x.description
    }

    /// `[1.5, 2.0]`.
    public static func array<C: Collection>(_ values: C) -> String where C.Element == Float {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 13 + 2)
        append(values, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `[1.5, 2.0]` as UTF-8 to `out`: the trace's hot path, where millions of numbers
    /// go straight into one byte buffer instead of through growing strings.
    public static func append<C: Collection>(_ values: C, to out: inout [UInt8]) where C.Element == Float {
        out.append(UInt8(ascii: "["))
        var first = true
        for v in values {
            if !first { out.append(UInt8(ascii: ",")); out.append(UInt8(ascii: " ")) }
            first = false
            out.append(contentsOf: number(v).utf8)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `[[…], […]]` for a matrix.
    public static func rows(_ rows: [[Float]]) -> String {
        "[" + rows.map { array($0) }.joined(separator: ", ") + "]"
    }

    /// `[3, 20]`.
    public static func ints(_ values: [Int]) -> String {
        "[" + values.map(String.init).joined(separator: ", ") + "]"
    }

    /// An optional string or `null`.
    public static func optional(_ s: String?) -> String { s.map(string) ?? "null" }
}
