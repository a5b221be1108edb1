import LSTMCore

/// An ONNX `LSTM`, `GRU` or `RNN` node as the recurrent layer it is in Keras's layout.
extension ONNXChain {
    /// The layer, the output the chain goes on from (Y or Y_h) and that output's axes.
    /// `sequences` forces return_sequences (a Gather of Y's last step); nil reads it from which
    /// output the graph uses.
    mutating func recurrent(_ node: Onnx_NodeProto, inputWidth: Int, sequences: Bool?) throws(LoadError)
        -> (layer: Layer, output: String, axes: [ONNXAxis])
    {
        let name = node.name.isEmpty ? node.opType.lowercased() : node.name
        let gates = node.opType == "LSTM" ? 4 : node.opType == "GRU" ? 3 : 1
        let what = "\(node.opType) \"\(name)\""
        let direction = attribute(node, "direction").map { String(decoding: $0.s, as: UTF8.self) } ?? "forward"
        guard direction == "forward" || direction == "reverse" else {
            throw refusal("\(what) runs \(direction); lstmscope reads forward and reverse ONNX layers so far")
        }
        for unsupported in ["clip", "activation_alpha", "activation_beta"] where attribute(node, unsupported) != nil {
            throw refusal("\(what) sets \(unsupported), which lstmscope does not replay")
        }
        if (attribute(node, "layout")?.i ?? 0) != 0 {
            throw refusal("\(what) has layout=1 (batch first), which lstmscope does not read yet")
        }
        if (attribute(node, "input_forget")?.i ?? 0) != 0 {
            throw refusal(
                "\(what) couples its input and forget gates (input_forget=1), which lstmscope does not replay")
        }
        let input = { (k: Int) in k < node.input.count && !node.input[k].isEmpty ? node.input[k] : nil }
        guard let wName = input(1), let rName = input(2) else { throw refusal("\(what) has no W or R") }
        let w = try constant(wName, in: node), r = try constant(rName, in: node)
        guard r.shape.count == 3, r.shape[0] == 1, r.shape[2] > 0, r.shape[1] == gates * r.shape[2] else {
            throw LoadError(path, .badShape, "\(what): R has shape \(r.shape); it must be (1, \(gates)·hu, hu)")
        }
        let hu = r.shape[2]
        if let size = attribute(node, "hidden_size")?.i, size != Int64(hu) {
            throw LoadError(path, .badShape, "\(what): hidden_size is \(size) but R is for \(hu) units")
        }
        guard w.shape == [1, gates * hu, inputWidth] else {
            throw LoadError(
                path, .badShape, "\(what): W has shape \(w.shape); it must be (1, \(gates * hu), \(inputWidth))")
        }
        var bias: (input: [Float], recurrent: [Float])?
        if let bName = input(3) {
            let b = try constant(bName, in: node)
            guard b.shape == [1, 2 * gates * hu] else {
                throw LoadError(path, .badShape, "\(what): B has shape \(b.shape); it must be (1, \(2 * gates * hu))")
            }
            bias = (Array(b.values[0..<gates * hu]), Array(b.values[(gates * hu)...]))
        }
        if input(4) != nil { throw refusal("\(what) has sequence_lens, which lstmscope does not replay") }
        // Initial states and peepholes are read only when they are zeros: what Keras has.
        for (k, role) in [(5, "initial_h"), (6, "initial_c"), (7, "P (peepholes)")] {
            guard let tensor = input(k) else { continue }
            guard try constant(tensor, in: node).values.allSatisfy({ $0 == 0 }) else {
                throw refusal("\(what) has a nonzero \(role), which lstmscope does not replay")
            }
        }
        let activations = attribute(node, "activations")?.strings.map { String(decoding: $0, as: UTF8.self) }
        let defaults =
            node.opType == "LSTM"
            ? ["Sigmoid", "Tanh", "Tanh"]
            : node.opType == "GRU"
                ? ["Sigmoid", "Tanh"] : ["Tanh"]
        let named = try (activations ?? defaults).map { (n: String) throws(LoadError) -> Activation in
            switch n {
            case "Sigmoid": return .sigmoid
            case "Tanh": return .tanh
            case "Relu": return .relu
            case "HardSigmoid": return .hardSigmoid(.keras2)  // ONNX's default alpha 0.2, beta 0.5
            default: throw refusal("\(what) uses activation \(n), which lstmscope does not replay")
            }
        }
        guard named.count == defaults.count else {
            throw refusal("\(what) names \(named.count) activations; a forward \(node.opType) has \(defaults.count)")
        }
        if node.opType == "LSTM" && named[1] != named[2] {
            throw refusal("\(what) uses \(activations![1]) for the candidate and \(activations![2]) on the cell")
        }
        // Which output the graph goes on from.
        let outputs = node.output.enumerated().filter { !$0.element.isEmpty }
        var used: [(Int, String)] = []
        for (k, tensor) in outputs
        where tensor == graph.output[0].name
            || graph.node.contains(where: {
                $0.input.contains(tensor)
            })
        {
            used.append((k, tensor))
        }
        guard used.count == 1, used[0].0 < 2 else {
            throw refusal("\(what): lstmscope reads a chain that goes on from Y or from Y_h alone")
        }
        let backwards = direction == "reverse"
        let returnSequences = sequences ?? (used[0].0 == 0)
        if returnSequences && backwards {
            throw refusal(
                "\(what) runs in reverse and its Y (in time order) goes on; lstmscope reads a reverse layer's Y_h")
        }
        let kernel = Self.kerasMatrix(w.values, gates: gates, units: hu, columns: inputWidth)
        let recurrentKernel = Self.kerasMatrix(r.values, gates: gates, units: hu, columns: hu)
        let order = gates == 4 ? [0, 2, 3, 1] : Array(0..<gates)  // ONNX i, o, f, c → Keras i, f, c, o
        let reorder = { (v: [Float]) in order.flatMap { v[$0 * hu..<($0 + 1) * hu] } }
        let layer: Layer = try LoadError.building(path) {
            switch gates {
            case 4:
                if bias != nil { folded += 4 * hu }
                return .lstm(
                    try LSTMLayer(
                        name: name, kernel: kernel.reordered(order, units: hu),
                        recurrentKernel: recurrentKernel.reordered(order, units: hu),
                        bias: bias.map { reorder(zip($0.input, $0.recurrent).map(+)) }, activation: named[1],
                        recurrentActivation: named[0], returnSequences: returnSequences, goBackwards: backwards))
            case 3:
                let after = (attribute(node, "linear_before_reset")?.i ?? 0) != 0
                if bias != nil && !after { folded += 3 * hu }
                return .gru(
                    try GRULayer(
                        name: name, kernel: kernel, recurrentKernel: recurrentKernel,
                        inputBias: bias.map { after ? $0.input : zip($0.input, $0.recurrent).map(+) },
                        recurrentBias: after ? bias?.recurrent : nil, resetAfter: after, activation: named[1],
                        recurrentActivation: named[0], returnSequences: returnSequences, goBackwards: backwards))
            default:
                if bias != nil { folded += hu }
                return .simpleRNN(
                    try SimpleRNNLayer(
                        name: name, kernel: kernel, recurrentKernel: recurrentKernel,
                        bias: bias.map { zip($0.input, $0.recurrent).map(+) }, activation: named[0],
                        returnSequences: returnSequences, goBackwards: backwards))
            }
        }
        let axes: [ONNXAxis] = used[0].0 == 0 ? [.steps, .one, .batch, .features] : [.one, .batch, .features]
        return (layer, used[0].1, axes)
    }

    /// ONNX's (1, gates·hu, columns) weight as Keras's (columns, gates·hu) matrix.
    private static func kerasMatrix(_ values: [Float], gates: Int, units: Int, columns: Int) -> Matrix {
        let rows = gates * units
        var out = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns { out[c * rows + r] = values[r * columns + c] }
        }
        return Matrix(rows: columns, columns: rows, values: out)
    }
}

extension Matrix {
    /// The gate blocks of the columns in `order` (block k of the result is block order[k]).
    fileprivate func reordered(_ order: [Int], units: Int) -> Matrix {
        var out = [Float](repeating: 0, count: count)
        for row in 0..<rows {
            for (k, block) in order.enumerated() {
                for j in 0..<units { out[row * columns + k * units + j] = self[row, block * units + j] }
            }
        }
        return Matrix(rows: rows, columns: columns, values: out)
    }
}
