import Foundation
import LSTMCore

/// Builds a model from a PyTorch state dict (`nn.LSTM`, `nn.GRU` or `nn.RNN`, then `nn.Linear`
/// layers), read from `.safetensors` or from an `.npz` that keeps the state dict's key names.
///
/// PyTorch stores `weight_ih_l{k}` (4·hu, in) and `weight_hh_l{k}` (4·hu, hu) with gate rows
/// i | f | g | o, which is Keras's column order i | f | c̃ | o, so the layer is a Keras LSTM with
/// W = weight_ihᵀ, U = weight_hhᵀ and b = bias_ih + bias_hh (PyTorch adds both biases). The
/// head reads the last layer's h at the last step (`out[:, -1]`). Keys may carry a module
/// prefix (`lstm.`, `encoder.`).
enum TorchLoader {
    /// Whether the array names look like a PyTorch recurrent state dict.
    static func isStateDict(_ names: [String]) -> Bool {
        names.contains { $0.contains("weight_ih_l0") }
    }

    /// Builds the model from the state dict's tensors, in the file's order. Every tensor is
    /// used, or the load fails naming those left over; `ignoring` (shell-style patterns, from
    /// `--ignore-tensors`) names tensors to leave out on purpose, which the model's provenance
    /// then lists.
    static func build(
        _ arrays: [(String, NDArray)], path: String, format: Provenance.Format,
        ignoring patterns: [String] = []
    ) throws(LoadError) -> Model {
        let byName = Dictionary(arrays, uniquingKeysWith: { first, _ in first })
        let ignored = Set(arrays.map(\.0).filter { name in patterns.contains { fnmatch($0, name, 0) == 0 } })
        for pattern in patterns where !arrays.contains(where: { fnmatch(pattern, $0.0, 0) == 0 }) {
            throw LoadError(
                path, .badInput,
                "--ignore-tensors '\(pattern)' matches no tensor of the file "
                    + "(it has \(arrays.prefix(8).map(\.0).joined(separator: ", "))\(arrays.count > 8 ? ", …" : ""))")
        }
        let prefixes = Array(
            Set(
                arrays.map(\.0).filter { $0.hasSuffix("weight_ih_l0") && !ignored.contains($0) }
                    .map { String($0.dropLast("weight_ih_l0".count)) })
        ).sorted()
        guard let prefix = prefixes.first else {
            throw LoadError(path, .invalidArray, "no weight_ih_l0: not a PyTorch nn.LSTM, nn.GRU or nn.RNN state dict")
        }
        guard prefixes.count == 1 else {
            throw LoadError(
                path, .unsupportedLayer,
                "the state dict holds \(prefixes.count) recurrent modules "
                    + "(\(prefixes.map { $0.isEmpty ? "(no prefix)" : $0 }.joined(separator: ", "))); "
                    + "lstmscope replays one nn.LSTM, nn.GRU or nn.RNN followed by nn.Linear layers "
                    + "(--ignore-tensors '\(prefixes[1])*' leaves one out)")
        }
        var used: Set<String> = []
        var layers: [Layer] = []
        var features = 0
        var folded = 0
        var k = 0
        while let ih = byName["\(prefix)weight_ih_l\(k)"], !ignored.contains("\(prefix)weight_ih_l\(k)") {
            let next = byName["\(prefix)weight_ih_l\(k + 1)"] != nil
            let forward = try direction(
                byName, prefix: prefix, layer: k, suffix: "", backwards: false, sequences: next,
                used: &used, folded: &folded, path: path)
            if byName["\(prefix)weight_ih_l\(k)_reverse"] != nil {
                // bidirectional=True: the _reverse weights read the window backwards, and the two
                // outputs are concatenated, as Keras's Bidirectional(merge_mode="concat").
                let backward = try direction(
                    byName, prefix: prefix, layer: k, suffix: "_reverse", backwards: true,
                    sequences: next, used: &used, folded: &folded, path: path)
                layers.append(
                    .bidirectional(
                        try LoadError.building(path) {
                            try BidirectionalLayer(
                                name: "\(prefix)l\(k)", forward: forward, backward: backward, merge: .concat)
                        }))
            } else {
                layers.append(forward)
            }
            if k == 0 { features = ih.shape[1] }
            k += 1
        }
        let width = layers.last?.outputWidth ?? 0
        let heads = try linearHeads(arrays, after: width, skipping: used.union(ignored), path: path)
        for head in heads {
            used.insert(head.weight)
            if let bias = head.bias { used.insert(bias) }
            layers.append(.dense(head.layer))
        }
        let leftOver = arrays.filter { !used.contains($0.0) && !ignored.contains($0.0) }
        if !leftOver.isEmpty {
            var patterns: [String] = []
            for name in leftOver.map({ pattern(for: $0.0) }) where !patterns.contains(name) { patterns.append(name) }
            let flags = patterns.map { "--ignore-tensors '\($0)'" }.joined(separator: " ")
            let listed = leftOver.prefix(10).map { "\($0.0) \(formatShape($0.1.shape))" }.joined(separator: ", ")
            throw LoadError(
                path, .unsupportedLayer,
                "tensors the replay would not use: "
                    + "\(listed)\(leftOver.count > 10 ? ", …" : ""); lstmscope replays one nn.LSTM, nn.GRU or nn.RNN "
                    + "followed by nn.Linear layers on out[:, -1], and a model with more gives other numbers "
                    + "(\(flags) loads without \(leftOver.count == 1 ? "it" : "them"), at your own risk; "
                    + "a learned initial state such as h0 is replayed from the model's ONNX export)")
        }
        var provenance = Provenance(path: path, format: format)
        provenance.foldedParameterCount = folded
        provenance.ignoredTensors = arrays.filter { ignored.contains($0.0) }
            .map { "\($0.0) \(formatShape($0.1.shape))" }
        return try LoadError.building(path) {
            try Model(
                name: prefix.isEmpty ? "pytorch" : String(prefix.dropLast()), layers: layers, inputSize: features,
                provenance: provenance)
        }
    }

    /// A pattern for the module a tensor belongs to: `norm.weight` → `norm.*`.
    private static func pattern(for name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot]) + ".*"
    }

    /// The nn.Linear layers: every 2-D `….weight` (out, in) not yet used, with its `….bias`,
    /// chained so that each reads what the one before gives. When several orders fit (square
    /// layers), the file's order decides, so one file always gives one model.
    private static func linearHeads(
        _ arrays: [(String, NDArray)], after width: Int, skipping taken: Set<String>,
        path: String
    ) throws(LoadError)
        -> [(weight: String, bias: String?, layer: DenseLayer)]
    {
        let byName = Dictionary(arrays, uniquingKeysWith: { first, _ in first })
        var heads: [(weight: String, bias: String?, array: NDArray)] = []
        for (name, array) in arrays where !taken.contains(name) && name.hasSuffix("weight") && array.shape.count == 2 {
            let biasName = String(name.dropLast("weight".count)) + "bias"
            let bias = byName[biasName] != nil && !taken.contains(biasName) ? biasName : nil
            if let bias, byName[bias]!.shape != [array.shape[0]] {
                throw LoadError(
                    path, .badShape,
                    "\(bias) has shape \(formatShape(byName[bias]!.shape)) "
                        + "but \(name) \(formatShape(array.shape)) needs (\(array.shape[0]),)")
            }
            heads.append((name, bias, array))
        }
        // Depth first, trying the heads in file order; the budget bounds a search that cannot succeed.
        var budget = 100_000
        func chain(from width: Int, remaining: [Int]) -> [Int]? {
            if remaining.isEmpty { return [] }
            for i in remaining where heads[i].array.shape[1] == width {
                budget -= 1
                guard budget > 0 else { return nil }
                if let rest = chain(from: heads[i].array.shape[0], remaining: remaining.filter { $0 != i }) {
                    return [i] + rest
                }
            }
            return nil
        }
        guard let order = chain(from: width, remaining: Array(heads.indices)) else {
            throw LoadError(
                path, .badShape,
                "the Linear weights "
                    + "\(heads.map { "\($0.weight) \(formatShape($0.array.shape))" }.joined(separator: ", ")) "
                    + "do not chain after the recurrent layers' \(width) values "
                    + "(each weight is (out, in), and the first must read \(width))")
        }
        var out: [(weight: String, bias: String?, layer: DenseLayer)] = []
        for i in order {
            let head = heads[i]
            let layer = try LoadError.building(path) {
                try DenseLayer(
                    name: String(head.weight.dropLast("weight".count)).trimmingSuffix("."),
                    kernel: transposed(head.array), bias: head.bias.map { byName[$0]!.values })
            }
            out.append((head.weight, head.bias, layer))
        }
        return out
    }

    /// One direction of recurrent layer `layer` (`weight_ih_l{layer}{suffix}` …) in Keras layout.
    private static func direction(
        _ byName: [String: NDArray], prefix: String, layer k: Int, suffix: String, backwards: Bool,
        sequences: Bool, used: inout Set<String>, folded: inout Int,
        path: String
    ) throws(LoadError) -> Layer {
        let key = { (name: String) in "\(prefix)\(name)_l\(k)\(suffix)" }
        for name in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] where byName[key(name)] != nil {
            used.insert(key(name))
        }
        guard let ih = byName[key("weight_ih")], let hh = byName[key("weight_hh")], hh.shape.count == 2,
            ih.shape.count == 2
        else {
            throw LoadError(
                path, .missingWeights, "\(key("weight_hh")) or \(key("weight_ih")) is missing or not a matrix")
        }
        let hu = hh.shape[1]
        guard hu > 0, hh.shape[0] % hu == 0 else {
            throw LoadError(
                path, .badShape, "\(key("weight_hh")) has shape \(formatShape(hh.shape)); it must be (gates·hu, hu)")
        }
        let gates = hh.shape[0] / hu
        guard [1, 3, 4].contains(gates), ih.shape[0] == gates * hu else {
            throw LoadError(
                path, .badShape,
                "\(key("weight_ih")) \(formatShape(ih.shape)) and \(key("weight_hh")) \(formatShape(hh.shape)) are not "
                    + "(g·hu, in) and (g·hu, hu) for an LSTM (g = 4), GRU (3) or RNN (1)"
            )
        }
        let biasIH = byName[key("bias_ih")], biasHH = byName[key("bias_hh")]
        let name = "\(prefix)l\(k)\(suffix)"
        return try LoadError.building(path) {
            switch gates {
            case 4:
                let bias = try summedBias(biasIH, biasHH, count: 4 * hu, layer: k, path: path)
                if biasIH != nil, biasHH != nil { folded += 4 * hu }
                return .lstm(
                    try LSTMLayer(
                        name: name, kernel: transposed(ih), recurrentKernel: transposed(hh), bias: bias,
                        returnSequences: sequences, goBackwards: backwards))
            case 3:
                for bias in [biasIH, biasHH].compactMap({ $0 }) where bias.shape != [3 * hu] {
                    throw LoadError(
                        path, .badShape,
                        "a bias of layer \(k) has shape \(formatShape(bias.shape)) "
                            + "but a GRU of \(hu) units needs (\(3 * hu),)")
                }
                // PyTorch's rows r | z | n are Keras's z | r | h̃ with the first two swapped; its
                // n = tanh(W_in·x + b_in + r∗(W_hn·h + b_hn)) is Keras's reset_after=True.
                let order = [1, 0, 2]
                return .gru(
                    try GRULayer(
                        name: name, kernel: transposed(reordered(ih, order)),
                        recurrentKernel: transposed(reordered(hh, order)),
                        inputBias: biasIH.map { reordered($0, order).values },
                        recurrentBias: biasHH.map { reordered($0, order).values }, resetAfter: true,
                        returnSequences: sequences, goBackwards: backwards))
            default:
                let bias = try summedBias(biasIH, biasHH, count: hu, layer: k, path: path)
                if biasIH != nil, biasHH != nil { folded += hu }
                return .simpleRNN(
                    try SimpleRNNLayer(
                        name: name, kernel: transposed(ih), recurrentKernel: transposed(hh),
                        bias: bias, returnSequences: sequences, goBackwards: backwards))
            }
        }
    }

    /// The gate blocks of a (g·hu, …) weight or (g·hu,) bias put in `order` (block k of the
    /// result is block order[k] of the input).
    private static func reordered(_ array: NDArray, _ order: [Int]) -> NDArray {
        let block = array.values.count / order.count
        var out = array
        out.values = order.flatMap { array.values[$0 * block..<($0 + 1) * block] }
        return out
    }

    /// bias_ih + bias_hh, either of which may be absent (`bias=False` drops both).
    private static func summedBias(_ ih: NDArray?, _ hh: NDArray?, count: Int, layer: Int, path: String)
        throws(LoadError) -> [Float]?
    {
        for array in [ih, hh].compactMap({ $0 }) where array.shape != [count] {
            throw LoadError(
                path, .badShape, "a bias of layer \(layer) has \(array.values.count) values but must have \(count)")
        }
        switch (ih, hh) {
        case (nil, nil): return nil
        case (let a?, nil), (nil, let a?): return a.values
        case (let a?, let b?): return zip(a.values, b.values).map(+)
        }
    }

    /// A (rows, columns) PyTorch weight as the (columns, rows) Keras matrix.
    private static func transposed(_ array: NDArray) -> Matrix {
        let rows = array.shape[0], columns = array.shape[1]
        var out = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns { out[c * rows + r] = array.values[r * columns + c] }
        }
        return Matrix(rows: columns, columns: rows, values: out)
    }
}

extension String {
    /// The string without one trailing `suffix`, when it ends with it.
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
