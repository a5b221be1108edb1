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

    static func build(_ arrays: [(String, NDArray)], path: String, format: String) throws(LoadError) -> Model {
        let byName = Dictionary(arrays, uniquingKeysWith: { first, _ in first })
        guard let first = byName.keys.sorted().first(where: { $0.hasSuffix("weight_ih_l0") }) else {
            throw LoadError(path, .invalidArray, "no weight_ih_l0: not a PyTorch nn.LSTM state dict")
        }
        let prefix = String(first.dropLast("weight_ih_l0".count))
        var layers: [Layer] = []
        var features = 0
        var folded = 0
        var k = 0
        while let ih = byName["\(prefix)weight_ih_l\(k)"] {
            let next = byName["\(prefix)weight_ih_l\(k + 1)"] != nil
            let forward = try direction(byName, prefix: prefix, layer: k, suffix: "", backwards: false, sequences: next, folded: &folded, path: path)
            if byName["\(prefix)weight_ih_l\(k)_reverse"] != nil {
                // bidirectional=True: the _reverse weights read the window backwards, and the two
                // outputs are concatenated, as Keras's Bidirectional(merge_mode="concat").
                let backward = try direction(byName, prefix: prefix, layer: k, suffix: "_reverse", backwards: true, sequences: next,
                                             folded: &folded, path: path)
                layers.append(.bidirectional(try LoadError.building(path) {
                    try BidirectionalLayer(name: "\(prefix)l\(k)", forward: forward, backward: backward, merge: .concat)
                }))
            } else {
                layers.append(forward)
            }
            if k == 0 { features = ih.shape[1] }
            k += 1
        }
        // The Linear layers: 2-D weights outside the recurrent module, chained by their shapes.
        var width = layers.last?.recurrentInfo?.units ?? 0
        var heads = byName.filter { !$0.key.hasPrefix(prefix) && $0.key.hasSuffix("weight") && $0.value.shape.count == 2 }
        while let (name, weight) = heads.first(where: { $0.value.shape[1] == width }) {
            heads[name] = nil
            let biasName = String(name.dropLast("weight".count)) + "bias"
            layers.append(.dense(try LoadError.building(path) {
                try DenseLayer(name: String(name.dropLast(".weight".count)), kernel: transposed(weight), bias: byName[biasName]?.values)
            }))
            width = weight.shape[0]
        }
        if let (name, weight) = heads.first {
            throw LoadError(path, .badShape, "\(name) has shape \(formatShape(weight.shape)) and does not follow the layers before it (\(width) values)")
        }
        var provenance = Provenance(path: path, format: format)
        provenance.foldedParameterCount = folded
        return try LoadError.building(path) {
            try Model(name: prefix.isEmpty ? "pytorch" : String(prefix.dropLast()), layers: layers, inputSize: features, provenance: provenance)
        }
    }

    /// One direction of recurrent layer `layer` (`weight_ih_l{layer}{suffix}` …) in Keras layout.
    private static func direction(_ byName: [String: NDArray], prefix: String, layer k: Int, suffix: String, backwards: Bool,
                                  sequences: Bool, folded: inout Int, path: String) throws(LoadError) -> Layer {
        let key = { (name: String) in "\(prefix)\(name)_l\(k)\(suffix)" }
        guard let ih = byName[key("weight_ih")], let hh = byName[key("weight_hh")], hh.shape.count == 2, ih.shape.count == 2 else {
            throw LoadError(path, .missingWeights, "\(key("weight_hh")) or \(key("weight_ih")) is missing or not a matrix")
        }
        let hu = hh.shape[1]
        guard hu > 0, hh.shape[0] % hu == 0 else {
            throw LoadError(path, .badShape, "\(key("weight_hh")) has shape \(formatShape(hh.shape)); it must be (gates·hu, hu)")
        }
        let gates = hh.shape[0] / hu
        guard [1, 3, 4].contains(gates), ih.shape[0] == gates * hu else {
            throw LoadError(path, .badShape, "\(key("weight_ih")) \(formatShape(ih.shape)) and \(key("weight_hh")) \(formatShape(hh.shape)) are not (g·hu, in) and (g·hu, hu) for an LSTM (g = 4), GRU (3) or RNN (1)")
        }
        let biasIH = byName[key("bias_ih")], biasHH = byName[key("bias_hh")]
        let name = "\(prefix)l\(k)\(suffix)"
        return try LoadError.building(path) {
            switch gates {
            case 4:
                let bias = try summedBias(biasIH, biasHH, count: 4 * hu, layer: k, path: path)
                if biasIH != nil, biasHH != nil { folded += 4 * hu }
                return .lstm(try LSTMLayer(name: name, kernel: transposed(ih), recurrentKernel: transposed(hh), bias: bias,
                                           returnSequences: sequences, goBackwards: backwards))
            case 3:
                // PyTorch's rows r | z | n are Keras's z | r | h̃ with the first two swapped; its
                // n = tanh(W_in·x + b_in + r∗(W_hn·h + b_hn)) is Keras's reset_after=True.
                let order = [1, 0, 2]
                return .gru(try GRULayer(name: name, kernel: transposed(reordered(ih, order)),
                                         recurrentKernel: transposed(reordered(hh, order)),
                                         inputBias: biasIH.map { reordered($0, order).values },
                                         recurrentBias: biasHH.map { reordered($0, order).values }, resetAfter: true,
                                         returnSequences: sequences, goBackwards: backwards))
            default:
                let bias = try summedBias(biasIH, biasHH, count: hu, layer: k, path: path)
                if biasIH != nil, biasHH != nil { folded += hu }
                return .simpleRNN(try SimpleRNNLayer(name: name, kernel: transposed(ih), recurrentKernel: transposed(hh),
                                                     bias: bias, returnSequences: sequences, goBackwards: backwards))
            }
        }
    }

    /// The gate blocks of a (g·hu, …) weight or (g·hu,) bias put in `order` (block k of the
    /// result is block order[k] of the input).
    private static func reordered(_ array: NDArray, _ order: [Int]) -> NDArray {
        let block = array.values.count / order.count
        var out = array
        out.values = order.flatMap { array.values[$0 * block ..< ($0 + 1) * block] }
        return out
    }

    /// bias_ih + bias_hh, either of which may be absent (`bias=False` drops both).
    private static func summedBias(_ ih: NDArray?, _ hh: NDArray?, count: Int, layer: Int, path: String) throws(LoadError) -> [Float]? {
        for array in [ih, hh].compactMap({ $0 }) where array.values.count != count {
            throw LoadError(path, .badShape, "a bias of layer \(layer) has \(array.values.count) values but must have \(count)")
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
