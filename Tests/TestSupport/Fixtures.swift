import Foundation
import LSTMCore

/// Paths to the committed fixtures and samples, found from this source file so tests run from any directory.
public enum Fixtures {
    /// The repository root.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/<relative>`.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    /// `sample-weights/<name>`.
    public static func sample(_ name: String) -> String {
        root.appendingPathComponent("sample-weights").appendingPathComponent(name).path
    }

    /// Files in `Tests/Fixtures/<folder>` whose names end with `suffix`, sorted.
    public static func files(in folder: String, suffix: String) -> [String] {
        let dir = root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { dir.appendingPathComponent($0).path }
    }

    /// Keras's `count_params()` for each fixture and sample model, keyed by repository-relative path.
    public static func parameterCounts() throws -> [String: Int] {
        let data = try Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/param-counts.json"))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (object["counts"] as! [String: NSNumber]).mapValues(\.intValue)
    }
}

/// What Keras itself computed for one window: written by `scripts/make_fixtures.py`.
public struct KerasTrace: Sendable {
    /// One recurrent layer's hidden (and, for LSTM, cell) states at every step, from Keras or PyTorch.
    public struct Layer: Sendable {
        public var name: String
        public var h: [[Float]]
        public var c: [[Float]]
    }

    public var kerasVersion: String
    public var input: Matrix
    public var output: [Float]
    public var layers: [Layer]

    /// Reads `NAME-trace.json`.
    public init(path: String) throws {
        let object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        func floats(_ any: Any?) -> [Float] { (any as! [NSNumber]).map(\.floatValue) }
        func rows(_ any: Any?) -> [[Float]] { (any as! [Any]).map(floats) }
        kerasVersion = (object["keras_version"] ?? object["torch_version"]) as? String ?? ""
        input = Matrix(rowArrays: rows(object["input"]))
        output = floats(object["output"])
        layers = (object["layers"] as! [[String: Any]]).map {
            Layer(name: $0["name"] as! String, h: rows($0["h"]), c: $0["c"].map(rows) ?? [])
        }
    }
}

/// Largest |a − b| by the rule `trace --expect` and the explorer use (``OutputComparison``:
/// NaN against NaN and equal infinities match, NaN against a number wins), ∞ when lengths differ.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    OutputComparison(output: a, expected: b).largestDifference ?? .infinity
}

/// Largest |a − b| / max(1, |b|): absolute for small values, relative for large ones.
public func maxScaledDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}
