import Foundation
import LSTMCore

/// Reads an input window (T × xu) or an expected output from `.npy`, `.csv` or `.json`.
///
/// - `.npy`: shape (T, xu) or (1, T, xu); float16/32/64 or integers.
/// - `.csv`: T lines of xu numbers separated by commas (or semicolons/whitespace); one header line allowed.
/// - `.json`: `[[…], …]` (or `[[[…]]]` with a batch axis of 1).
public enum InputLoader {
    /// Largest window accepted from text files, in values, to bound memory on hostile input.
    static let maximumValues = 1 << 28

    /// Loads a window and checks its width against `columns` when given.
    public static func loadWindow(_ path: String, columns: Int? = nil) throws(LoadError) -> Matrix {
        try window(from: loadArray(path), path: path, columns: columns)
    }

    /// Reads a window from bytes already in memory (`.npy`, `.csv` or `.json`, told by content
    /// and by `path`'s extension); `path` names it in errors.
    public static func loadWindow(data: Data, path: String, columns: Int? = nil) throws(LoadError) -> Matrix {
        try window(from: parseArray(data, path: path), path: path, columns: columns)
    }

    private static func window(from array: NDArray, path: String, columns: Int?) throws(LoadError) -> Matrix {
        var shape = array.shape
        if shape.count == 3, shape[0] == 1 { shape.removeFirst() }
        if shape.count == 1, let columns, columns == 1 { shape = [shape[0], 1] }
        guard shape.count == 2 else {
            throw LoadError(path, .badInput, "the input must be a (T, xu) table or (1, T, xu); this one has shape \(formatShape(array.shape))")
        }
        guard shape[0] > 0 else { throw LoadError(path, .badInput, "the input window has no rows") }
        if let columns, shape[1] != columns {
            throw LoadError(path, .badInput, "the input has \(shape[1]) columns but the model expects \(columns) features per step (xu = \(columns))")
        }
        return Matrix(rows: shape[0], columns: shape[1], values: array.values)
    }

    /// Loads any numeric array and flattens it (for `--expect`: Keras's `predict` output).
    public static func loadFlat(_ path: String) throws(LoadError) -> [Float] {
        try loadArray(path).values
    }

    static func loadArray(_ path: String) throws(LoadError) -> NDArray {
        try parseArray(FileBytes.read(path), path: path)
    }

    static func parseArray(_ data: Data, path: String) throws(LoadError) -> NDArray {
        if data.prefix(6) == NPYReader.magic { return try NPYReader.parse(data, path: path) }
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") { return try NPYReader.parse(data, path: path) }
        let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if lower.hasSuffix(".json") || first == UInt8(ascii: "[") { return try parseJSON(data, path: path) }
        return try parseCSV(data, path: path)
    }

    static func parseJSON(_ data: Data, path: String) throws(LoadError) -> NDArray {
        let root: Any
        do {
            try JSONBounds.check(data, path: path, kind: .badInput)
            root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch let error as LoadError {
            throw error
        } catch {
            // lstmscope's own trace JSON writes NaN for NaN, which JSON itself has no word for.
            let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
            let hint = text.contains("NaN") || text.contains("Infinity") ? " (NaN and Infinity are not JSON numbers; give such a window as .npy or .csv)" : ""
            throw LoadError(path, .badInput, "not valid JSON" + hint)
        }
        var shape: [Int] = []
        var level: Any = root
        while let list = level as? [Any] {
            shape.append(list.count)
            guard let first = list.first else { break }
            level = first
            guard shape.count <= 4 else { break }
        }
        var values: [Float] = []
        // `at` is where a node sits, as indexes from the outside in: "[3][1]".
        func walk(_ node: Any, depth: Int, at: String) throws(LoadError) {
            if depth == shape.count {
                // `is Bool` is true for any NSNumber on Linux; only a real Bool is refused here.
                guard let number = node as? NSNumber, type(of: node) != Bool.self else {
                    let found = if type(of: node) == NSNull.self { "null" } else if let text = node as? String { "the string \"\(text.prefix(20))\"" } else { String("\(node)".prefix(20)) }
                    throw LoadError(path, .badInput, "expected a number at \(at), found \(found)")
                }
                values.append(number.floatValue)
                return
            }
            guard let list = node as? [Any] else { throw LoadError(path, .badInput, "ragged nesting: expected a list at \(at.isEmpty ? "the top" : at)") }
            guard list.count == shape[depth] else {
                throw LoadError(path, .badInput, "ragged rows: the list at \(at.isEmpty ? "the top" : at) has \(list.count) value\(list.count == 1 ? "" : "s") where \(shape[depth]) were expected")
            }
            for (k, item) in list.enumerated() { try walk(item, depth: depth + 1, at: at + "[\(k)]") }
        }
        guard !shape.isEmpty else { throw LoadError(path, .badInput, "expected a list of rows like [[0.1, 0.2], …]") }
        try walk(root, depth: 0, at: "")
        return NDArray(shape: shape, values: values, dtype: "float32")
    }

    static func parseCSV(_ data: Data, path: String) throws(LoadError) -> NDArray {
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(path, .badInput, "not a text file (expected CSV, JSON or .npy)")
        }
        var rows: [[Float]] = []
        var width: Int? = nil
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let cells = trimmed.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" || $0 == " " })
            let numbers = cells.map { Float($0.trimmingCharacters(in: .whitespaces)) }
            if rows.isEmpty, width == nil, numbers.contains(where: { $0 == nil }) {
                width = cells.count   // a header line: remember its width, skip it
                continue
            }
            if let bad = numbers.firstIndex(where: { $0 == nil }) {
                throw LoadError(path, .badInput, "line \(lineNumber), column \(bad + 1): \"\(cells[bad].prefix(30))\" is not a number")
            }
            let row = numbers.map { $0! }
            if let w = rows.first?.count ?? width, row.count != w {
                throw LoadError(path, .badInput, "line \(lineNumber) has \(row.count) values but the rows before it have \(w) (ragged rows)")
            }
            rows.append(row)
            guard rows.count * row.count <= maximumValues else { throw LoadError(path, .tooLarge, "more than \(maximumValues) values") }
        }
        guard let w = rows.first?.count else { throw LoadError(path, .badInput, "no rows of numbers") }
        return NDArray(shape: [rows.count, w], values: rows.flatMap { $0 }, dtype: "float32")
    }
}
