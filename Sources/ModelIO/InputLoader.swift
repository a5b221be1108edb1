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
        try window(from: parseArray(FileBytes.read(path), path: path, columns: columns), path: path, columns: columns)
    }

    /// Reads a window from bytes already in memory (`.npy`, `.csv` or `.json`, told by content
    /// and by `path`'s extension); `path` names it in errors.
    public static func loadWindow(data: Data, path: String, columns: Int? = nil) throws(LoadError) -> Matrix {
        try window(from: parseArray(data, path: path, columns: columns), path: path, columns: columns)
    }

    private static func window(from array: NDArray, path: String, columns: Int?) throws(LoadError) -> Matrix {
        var shape = array.shape
        if shape.count == 3, shape[0] == 1 { shape.removeFirst() }
        if shape.count == 1, let columns, columns == 1 { shape = [shape[0], 1] }
        guard shape.count == 2 else {
            throw LoadError(
                path, .badInput,
                "the input must be a (T, xu) table or (1, T, xu); this one has shape \(formatShape(array.shape))")
        }
        guard shape[0] > 0 else { throw LoadError(path, .badInput, "the input window has no rows") }
        if let columns, shape[1] != columns {
            throw LoadError(
                path, .badInput,
                "the input has \(shape[1]) columns but the model expects \(columns) features per step (xu = \(columns))"
            )
        }
        return Matrix(rows: shape[0], columns: shape[1], values: array.values)
    }

    /// Loads any numeric array and flattens it (for `--expect`: Keras's `predict` output).
    ///
    /// A JSON object with an `"output"` list is read for that list, so lstmscope's own trace JSON
    /// and an `expected.json` of `{"output": […]}` serve as well as a plain list.
    public static func loadFlat(_ path: String) throws(LoadError) -> [Float] {
        try loadFlat(data: FileBytes.read(path), path: path)
    }

    /// ``loadFlat(_:)`` from bytes already in memory; `path` names them in errors.
    public static func loadFlat(data: Data, path: String) throws(LoadError) -> [Float] {
        try parseArray(data, path: path, outputObject: true).values
    }

    static func loadArray(_ path: String) throws(LoadError) -> NDArray {
        try parseArray(FileBytes.read(path), path: path)
    }

    static func parseArray(
        _ data: Data, path: String, columns: Int? = nil,
        outputObject: Bool = false
    ) throws(LoadError) -> NDArray {
        if data.prefix(6) == NPYReader.magic { return try NPYReader.parse(data, path: path) }
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") { return try NPYReader.parse(data, path: path) }
        let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if lower.hasSuffix(".json") || first == UInt8(ascii: "[") || outputObject && first == UInt8(ascii: "{") {
            return try parseJSON(data, path: path, outputObject: outputObject)
        }
        return try parseCSV(data, path: path, columns: columns)
    }

    static func parseJSON(_ data: Data, path: String, outputObject: Bool = false) throws(LoadError) -> NDArray {
        var root: Any
        do {
            try JSONBounds.check(data, path: path, kind: .badInput)
            root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch let error as LoadError {
            throw error
        } catch {
            // lstmscope's own trace JSON writes NaN for NaN, which JSON itself has no word for.
            let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
            let hint =
                text.contains("NaN") || text.contains("Infinity")
                ? " (NaN and Infinity are not JSON numbers; give such a window as .npy or .csv)" : ""
            throw LoadError(path, .badInput, "not valid JSON" + hint)
        }
        if outputObject, let object = root as? [String: Any] {
            guard let output = object["output"] else {
                throw LoadError(
                    path, .badInput,
                    "a JSON object without an \"output\" list; "
                        + "give the output as [y0, y1, …] or {\"output\": [y0, y1, …]}")
            }
            root = output
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
                guard let number = JSONValue.number(node) else {
                    let found =
                        node is [Any] || node is [String: Any]
                        ? String("\(node)".prefix(20)) : JSONValue.describe(node)
                    throw LoadError(path, .badInput, "expected a number at \(at), found \(found)")
                }
                values.append(Float(number))
                return
            }
            guard let list = node as? [Any] else {
                throw LoadError(path, .badInput, "ragged nesting: expected a list at \(at.isEmpty ? "the top" : at)")
            }
            guard list.count == shape[depth] else {
                throw LoadError(
                    path, .badInput,
                    "ragged rows: the list at \(at.isEmpty ? "the top" : at) has \(list.count) "
                        + "value\(list.count == 1 ? "" : "s") where \(shape[depth]) were expected"
                )
            }
            for (k, item) in list.enumerated() { try walk(item, depth: depth + 1, at: at + "[\(k)]") }
        }
        guard !shape.isEmpty else { throw LoadError(path, .badInput, "expected a list of rows like [[0.1, 0.2], …]") }
        try walk(root, depth: 0, at: "")
        return NDArray(shape: shape, values: values, dtype: "float32")
    }

    static func parseCSV(_ data: Data, path: String, columns: Int? = nil) throws(LoadError) -> NDArray {
        try CSVWindowParser.parse(data, path: path, columns: columns, maximumValues: maximumValues)
    }
}
