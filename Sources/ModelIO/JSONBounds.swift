import Foundation

/// Checks JSON text against bounds before Foundation parses it: nesting depth, string length,
/// and no object naming a key twice.
///
/// A hostile `config.json` of a million `[` would otherwise recurse as deep as the parser goes,
/// and one huge string would be copied around as a layer name. Real Keras configs nest about
/// ten deep and their longest strings are docstrings of a few kilobytes. A key given twice
/// (`"go_backwards": false, "go_backwards": true`) is read as the last by Python and may be read
/// as the first elsewhere: the file means two things, so it is refused.
enum JSONBounds {
    static let maximumDepth = 64
    static let maximumStringBytes = 1 << 20

    /// Throws a ``LoadError`` naming `path` when `data` breaks a bound; one pass over the bytes.
    static func check(_ data: Data, path: String, kind: LoadError.Kind = .invalidConfig) throws(LoadError) {
        let result: String? = data.withUnsafeBytes { firstProblem(in: $0) }
        if let problem = result { throw LoadError(path, kind, "JSON with \(problem)") }
    }

    /// One open object or list: for objects, the keys seen so far and whether a key comes next.
    private struct Container {
        var isObject: Bool
        var expectsKey: Bool
        var keys: Set<[UInt8]> = []
    }

    private static func firstProblem(in raw: UnsafeRawBufferPointer) -> String? {
        var stack: [Container] = []
        var inString = false, escaped = false, hasEscape = false
        var stringStart = 0
        for (index, byte) in raw.enumerated() {
            if inString {
                if escaped { escaped = false; continue }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    hasEscape = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if index - stringStart > maximumStringBytes {
                        return "a string of \(index - stringStart) bytes (at most \(maximumStringBytes))"
                    }
                    if let top = stack.last, top.isObject, top.expectsKey {
                        let key = keyBytes(raw, from: stringStart, to: index, escaped: hasEscape)
                        stack[stack.count - 1].expectsKey = false
                        guard stack[stack.count - 1].keys.insert(key).inserted else {
                            return "the key \"\(terminalPreview(String(decoding: key, as: UTF8.self), limit: 40))\" "
                                + "given twice in one object (ambiguous: readers disagree on which counts)"
                        }
                    }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                hasEscape = false
                stringStart = index
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                stack.append(Container(isObject: byte == UInt8(ascii: "{"), expectsKey: byte == UInt8(ascii: "{")))
                if stack.count > maximumDepth { return "nesting deeper than \(maximumDepth) levels" }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if let top = stack.last, top.isObject { stack[stack.count - 1].expectsKey = true }
            default:
                break
            }
        }
        if inString, raw.count - stringStart > maximumStringBytes {
            return "a string of more than \(maximumStringBytes) bytes"
        }
        return nil
    }

    /// A key's bytes, with JSON escapes decoded when it has any (`"\u0061"` is the key `"a"`).
    private static func keyBytes(
        _ raw: UnsafeRawBufferPointer, from start: Int, to end: Int,
        escaped: Bool
    ) -> [UInt8] {
        let quoted = Array(raw[start...end])
        guard escaped else { return Array(quoted.dropFirst().dropLast()) }
        guard let text = try? JSONSerialization.jsonObject(with: Data(quoted), options: [.fragmentsAllowed]) as? String
        else { return quoted }
        return Array(text.utf8)
    }
}
