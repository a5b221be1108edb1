import Foundation

/// Checks JSON text against bounds before Foundation parses it: nesting depth and string length.
///
/// A hostile `config.json` of a million `[` would otherwise recurse as deep as the parser goes,
/// and one huge string would be copied around as a layer name. Real Keras configs nest about
/// ten deep and their longest strings are docstrings of a few kilobytes.
enum JSONBounds {
    static let maximumDepth = 64
    static let maximumStringBytes = 1 << 20

    /// Throws a ``LoadError`` naming `path` when `data` nests deeper or holds a longer string
    /// than the bounds; a single pass over the bytes, no allocation.
    static func check(_ data: Data, path: String, kind: LoadError.Kind = .invalidConfig) throws(LoadError) {
        let result: String? = data.withUnsafeBytes { raw in
            var depth = 0
            var inString = false, escaped = false
            var stringStart = 0
            for (index, byte) in raw.enumerated() {
                if inString {
                    if escaped { escaped = false; continue }
                    if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                        inString = false
                        if index - stringStart > maximumStringBytes { return "a string of \(index - stringStart) bytes (at most \(maximumStringBytes))" }
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    stringStart = index
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    if depth > maximumDepth { return "nesting deeper than \(maximumDepth) levels" }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                default:
                    break
                }
            }
            if inString, raw.count - stringStart > maximumStringBytes { return "a string of more than \(maximumStringBytes) bytes" }
            return nil
        }
        if let problem = result { throw LoadError(path, kind, "JSON with \(problem)") }
    }
}
