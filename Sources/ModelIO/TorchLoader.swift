import LSTMCore

/// Builds a model from a PyTorch state dict (`nn.LSTM` then `nn.Linear` layers), read from
/// `.safetensors` or from an `.npz` that keeps the state dict's key names.
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
        if byName.keys.contains(where: { $0.hasPrefix(prefix) && $0.hasSuffix("_reverse") }) {
            throw LoadError(path, .unsupportedLayer, "unsupported layer: bidirectional PyTorch \(prefix.isEmpty ? "RNN" : String(prefix.dropLast())) (keys ending _reverse); lstmscope replays one-directional nn.LSTM so far")
        }
        var layers: [Layer] = []
        var features = 0
        var folded = 0
        var k = 0
        while let ih = byName["\(prefix)weight_ih_l\(k)"] {
            guard let hh = byName["\(prefix)weight_hh_l\(k)"], hh.shape.count == 2, ih.shape.count == 2 else {
                throw LoadError(path, .missingWeights, "\(prefix)weight_hh_l\(k) is missing or not a matrix")
            }
            let hu = hh.shape[1]
            guard hu > 0, hh.shape[0] % hu == 0 else {
                throw LoadError(path, .badShape, "\(prefix)weight_hh_l\(k) has shape \(formatShape(hh.shape)); it must be (gates·hu, hu)")
            }
            switch hh.shape[0] / hu {
            case 4: break
            case 3: throw LoadError(path, .unsupportedLayer, "unsupported layer: PyTorch nn.GRU (3 gate blocks r | z | n); lstmscope replays nn.LSTM so far")
            case 1: throw LoadError(path, .unsupportedLayer, "unsupported layer: PyTorch nn.RNN (1 gate block); lstmscope replays nn.LSTM so far")
            default: throw LoadError(path, .badShape, "\(prefix)weight_hh_l\(k) has \(hh.shape[0]) rows: not 4·hu (LSTM) for hu = \(hu)")
            }
            guard ih.shape[0] == 4 * hu else {
                throw LoadError(path, .badShape, "\(prefix)weight_ih_l\(k) has shape \(formatShape(ih.shape)) but must be (4·hu, in) = (\(4 * hu), in)")
            }
            let bias = try summedBias(byName["\(prefix)bias_ih_l\(k)"], byName["\(prefix)bias_hh_l\(k)"], count: 4 * hu, layer: k, path: path)
            if byName["\(prefix)bias_ih_l\(k)"] != nil, byName["\(prefix)bias_hh_l\(k)"] != nil { folded += 4 * hu }
            let next = byName["\(prefix)weight_ih_l\(k + 1)"] != nil
            do {
                let lstm = try LSTMLayer(name: "\(prefix)l\(k)", kernel: transposed(ih), recurrentKernel: transposed(hh), bias: bias,
                                         returnSequences: next)
                layers.append(.lstm(lstm))
            } catch {
                throw LoadError(path, .badShape, error.message)
            }
            if k == 0 { features = ih.shape[1] }
            k += 1
        }
        // The Linear layers: 2-D weights outside the recurrent module, chained by their shapes.
        var width = (layers.last.map { if case .lstm(let l) = $0 { l.units } else { 0 } }) ?? 0
        var heads = byName.filter { !$0.key.hasPrefix(prefix) && $0.key.hasSuffix("weight") && $0.value.shape.count == 2 }
        while let (name, weight) = heads.first(where: { $0.value.shape[1] == width }) {
            heads[name] = nil
            let biasName = String(name.dropLast("weight".count)) + "bias"
            do {
                let dense = try DenseLayer(name: String(name.dropLast(".weight".count)), kernel: transposed(weight),
                                           bias: byName[biasName]?.values)
                layers.append(.dense(dense))
            } catch {
                throw LoadError(path, .badShape, error.message)
            }
            width = weight.shape[0]
        }
        if let (name, weight) = heads.first {
            throw LoadError(path, .badShape, "\(name) has shape \(formatShape(weight.shape)) and does not follow the layers before it (\(width) values)")
        }
        do {
            var provenance = Provenance(path: path, format: format)
            provenance.foldedParameterCount = folded
            return try Model(name: prefix.isEmpty ? "pytorch" : String(prefix.dropLast()), layers: layers, inputSize: features,
                             provenance: provenance)
        } catch {
            throw LoadError(path, .badShape, error.message)
        }
    }

    /// bias_ih + bias_hh, either of which may be absent (`bias=False` drops both).
    private static func summedBias(_ ih: NDArray?, _ hh: NDArray?, count: Int, layer: Int, path: String) throws(LoadError) -> [Float]? {
        for array in [ih, hh].compactMap({ $0 }) where array.values.count != count {
            throw LoadError(path, .badShape, "a bias of layer \(layer) has \(array.values.count) values but must have 4·hu = \(count)")
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
