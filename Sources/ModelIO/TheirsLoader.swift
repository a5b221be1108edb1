import Foundation
import LSTMCore

/// Reads what a second implementation of a model computed ("theirs", for `compare`), told by
/// its content: lstmscope's trace JSON or CSV (any subset), a (T, hu) matrix of h, an output
/// vector, or another model file to replay.
public enum TheirsLoader {
    /// What the file held.
    public enum Content: Sendable {
        /// Values to compare; `description` says what they are, for a person.
        case values(TheirValues, description: String)
        /// A trace (JSON or CSV) read as a stream, possibly gigabytes.
        case stream(TheirsFile, description: String)
        /// A model file, to be loaded (as every model is, under the caller's watchdog) and
        /// replayed on the same window.
        case modelFile
    }

    /// Theirs does not fit the model or the window (a usage problem, not a damaged file).
    public struct Mismatch: Error, Sendable {
        public let message: String

        /// A mismatch said in `message`.
        public init(message: String) { self.message = message }
    }

    /// Loads theirs from `path` for `model` on a window of `steps` rows; a bare matrix is h of
    /// traced layer `layer`. Throws ``LoadError`` for a damaged file, ``Mismatch`` for one that
    /// does not fit the model or the window.
    public static func load(_ path: String, model: Model, steps: Int, layer: Int) throws -> Content {
        try load(data: try FileBytes.read(path), path: path, model: model, steps: steps, layer: layer)
    }

    /// ``load(_:model:steps:layer:)`` from bytes already in memory; `path` names them in errors.
    public static func load(data: Data, path: String, model: Model, steps: Int, layer: Int) throws -> Content {
        let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if first == UInt8(ascii: "{"), isTraceJSON(data) {
            return .stream(
                TheirsFile(path: path, data: data, format: .json, model: model, steps: steps),
                description: "a trace JSON")
        }
        if data.starts(with: Array("layer,t,vector,unit,value".utf8)) {
            return .stream(
                TheirsFile(path: path, data: data, format: .csv, model: model, steps: steps), description: "a trace CSV"
            )
        }
        if first == UInt8(ascii: "{") {
            try JSONBounds.check(data, path: path, kind: .badInput)
            let root: Any
            do {
                root = try JSONSerialization.jsonObject(with: data)
            } catch {
                let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
                let hint = text.contains("NaN") || text.contains("Infinity") ? " (JSON has no NaN or Infinity)" : ""
                throw LoadError(path, .badInput, "not valid JSON" + hint)
            }
            _ = root
            var theirs = TheirValues()
            theirs.output = try InputLoader.loadFlat(data: data, path: path)
            return try outputOnly(theirs, path: path, model: model, steps: steps)
        }
        let isArray =
            data.prefix(6) == NPYReader.magic || first == UInt8(ascii: "[") || path.lowercased().hasSuffix(".csv")
            || path.lowercased().hasSuffix(".npy")
        if !isArray { return .modelFile }
        let array = try InputLoader.parseArray(data, path: path)
        return try matrixOrOutput(array, path: path, model: model, steps: steps, layer: layer)
    }

    /// Theirs held whole, whatever its form (for the explorer, which looks values up at random):
    /// a stream is read into memory. Nil for a model file.
    public static func values(_ path: String, model: Model, steps: Int, layer: Int) throws
        -> (TheirValues, description: String)?
    {
        switch try load(path, model: model, steps: steps, layer: layer) {
        case .values(let values, let description): return (values, description)
        case .modelFile: return nil
        case .stream(let file, let description):
            var values = TheirValues()
            try file.forEach { key, vector in
                values.setAll(key, vector)
            } output: {
                values.output = $0
            }
            return (values, description + ": " + summary(values))
        }
    }

    /// Whether a JSON object is a trace: its first key is `input` or `layers`, as `trace` writes them.
    static func isTraceJSON(_ data: Data) -> Bool {
        let head = data.prefix(256)
        guard let open = head.firstIndex(of: UInt8(ascii: "{")) else { return false }
        let rest = String(decoding: head[(open + 1)...], as: UTF8.self).drop {
            $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t"
        }
        return rest.hasPrefix("\"input\"") || rest.hasPrefix("\"layers\"")
    }

    /// `3 layers, 12 steps, vectors h c, and the output`.
    static func summary(_ theirs: TheirValues) -> String {
        let keys = theirs.vectors.keys
        let layers = Set(keys.map(\.layer)).count, steps = Set(keys.map(\.t)).count
        let vectors = VectorName.allCases.filter { v in keys.contains { $0.vector == v } }.map(\.rawValue)
        var parts: [String] = []
        if !keys.isEmpty {
            parts.append(
                "\(layers) layer\(layers == 1 ? "" : "s"), \(steps) step\(steps == 1 ? "" : "s"), vectors "
                    + vectors.joined(separator: " "))
        }
        if theirs.output != nil { parts.append("the output") }
        return parts.joined(separator: ", and ")
    }

    /// A (T, hu) matrix is h of `layer` at every step; anything of the output's size is the output.
    private static func matrixOrOutput(_ array: NDArray, path: String, model: Model, steps: Int, layer: Int) throws
        -> Content
    {
        let traced = model.traced[layer]
        var shape = array.shape
        if shape.count == 3, shape[0] == 1 { shape.removeFirst() }
        if shape == [steps, traced.units] {
            var theirs = TheirValues()
            let times = model.windowTimes(steps: steps)[layer]
            for (s, t) in times.enumerated() {
                _ = theirs.set(
                    TheirValues.Key(layer: layer, t: t, vector: .h),
                    to: Array(array.values[s * traced.units..<(s + 1) * traced.units]))
            }
            return .values(
                theirs,
                description: "h of layer \(describe(traced)) at every step, a \(formatShape(shape)) matrix "
                    + "(row s is the layer's step s, in the order it reads the window)")
        }
        var theirs = TheirValues()
        theirs.output = array.values
        let expected = try outputCount(model, steps: steps)
        guard array.values.count == expected, shape.count <= 2,
            shape.count < 2 || shape[0] == 1 || shape[1] == 1
                || shape == model.outputShape(steps: steps)
        else {
            throw Mismatch(
                message:
                    "\(path): theirs has shape \(formatShape(array.shape)), which is neither h of layer "
                    + "\(describe(traced)) at every step, \(formatShape([steps, traced.units])), nor the output "
                    + "(\(expected) value\(expected == 1 ? "" : "s"))")
        }
        return try outputOnly(theirs, path: path, model: model, steps: steps)
    }

    private static func outputOnly(_ theirs: TheirValues, path: String, model: Model, steps: Int) throws -> Content {
        let expected = try outputCount(model, steps: steps)
        guard theirs.output?.count == expected else {
            throw Mismatch(
                message:
                    "\(path): theirs gives \(theirs.output?.count ?? 0) output values but the model's output on this "
                    + "window has \(expected)")
        }
        return .values(theirs, description: "the output only (\(expected) value\(expected == 1 ? "" : "s"))")
    }

    static func outputCount(_ model: Model, steps: Int) throws -> Int {
        model.outputShape(steps: steps).reduce(1, *)
    }

    /// `lstm`, or `bi (backward half)`.
    static func describe(_ layer: TracedLayer) -> String {
        "\"\(layer.name)\"" + (layer.direction.map { " (\($0.rawValue) half)" } ?? "")
    }

    /// The traced layer named `name` (with `direction` for a Bidirectional's halves).
    static func tracedIndex(_ model: Model, name: String, direction: String?, path: String) throws -> Int {
        let traced = model.traced
        if let index = traced.firstIndex(where: { $0.name == name && $0.direction?.rawValue == direction }) {
            return index
        }
        let known = traced.map { $0.name + ($0.direction.map { "/" + $0.rawValue } ?? "") }
        throw Mismatch(
            message:
                "\(path): theirs names layer \"\(name)\(direction.map { "/" + $0 } ?? "")\", which the model does not "
                + "have; its recurrent layers are \(known.joined(separator: ", "))")
    }

    /// The vector `name` of traced layer `layer`, or a mismatch naming what the kind has.
    static func vectorName(_ name: String, _ model: Model, layer: Int, path: String) throws -> VectorName {
        let traced = model.traced[layer]
        guard let vector = VectorName(rawValue: name), traced.vectorNames.contains(vector) else {
            throw Mismatch(
                message:
                    "\(path): theirs gives vector \"\(name)\" for layer \(describe(traced)) (\(traced.kind)), whose "
                    + "steps have \(traced.vectorNames.map(\.rawValue).joined(separator: " "))")
        }
        return vector
    }
}

extension Model {
    /// The output's shape on a window of `steps` rows, without running it.
    func outputShape(steps: Int) -> [Int] {
        var rows = steps, features = inputSize, sequence = true
        for layer in layers {
            switch layer {
            case .recurrent, .bidirectional:
                features = layer.outputWidth!
                sequence = layer.returnsSequences
                if !sequence { rows = 1 }
            case .dense(let d): features = d.units
            case .flatten:
                if sequence {
                    features *= rows
                    rows = 1
                    sequence = false
                }
            default: break
            }
        }
        return rows == 1 && !sequence ? [features] : [rows, features]
    }
}

extension TheirValues {
    /// Everything `trace` of another model (a converted or re-implemented one) gives: each traced
    /// layer's vectors that `model`'s layer at the same place has, and the output.
    public static func replay(_ trace: ModelTrace, of other: Model, against model: Model, path: String) throws
        -> TheirValues
    {
        let ours = model.traced, theirs = other.traced
        guard ours.count == theirs.count else {
            throw TheirsLoader.Mismatch(
                message:
                    "\(path): theirs has \(theirs.count) recurrent layer\(theirs.count == 1 ? "" : "s") (halves "
                    + "counted apart), the model \(ours.count)")
        }
        for (a, b) in zip(ours, theirs) where a.units != b.units {
            throw TheirsLoader.Mismatch(
                message:
                    "\(path): theirs's layer \"\(b.name)\" has \(b.units) units where the model's "
                    + "\"\(a.name)\" has \(a.units)"
            )
        }
        var values = TheirValues()
        let times = other.windowTimes(steps: trace.input.rows)
        for (l, layer) in trace.layers.enumerated() {
            for vector in layer.vectorNames where ours[l].vectorNames.contains(vector) {
                for (s, t) in times[l].enumerated() {
                    _ = values.set(Key(layer: l, t: t, vector: vector), to: layer.vector(vector, at: s)!)
                }
            }
        }
        values.output = trace.output
        return values
    }
}
