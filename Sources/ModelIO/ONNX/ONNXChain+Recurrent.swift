import LSTMCore

/// An ONNX `LSTM`, `GRU` or `RNN` node as the recurrent layer it is in Keras's layout.
extension ONNXChain {
    /// `forward`, `reverse` or `bidirectional`, as the node says (forward when it does not).
    func direction(of node: Onnx_NodeProto) -> String {
        attribute(node, "direction").map { String(decoding: $0.s, as: UTF8.self) } ?? "forward"
    }

    /// 0: X is (T, batch, in), Y (T, directions, batch, hu); 1: batch first, X (batch, T, in),
    /// Y (batch, T, directions, hu), Y_h (batch, directions, hu).
    func layout(of node: Onnx_NodeProto) -> Int64 { attribute(node, "layout")?.i ?? 0 }

    /// The layer of a one-direction node, the output the chain goes on from (Y or Y_h) and that
    /// output's axes. `sequences` forces return_sequences (a Gather of Y's last step); nil reads
    /// it from which output the graph uses.
    mutating func recurrent(_ node: Onnx_NodeProto, inputWidth: Int, sequences: Bool?) throws(LoadError)
        -> (layer: Layer, output: String, axes: [ONNXAxis])
    {
        let what = "\(node.opType) \"\(node.name)\""
        guard direction(of: node) != "bidirectional" else {
            preconditionFailure("a bidirectional node is read by ONNXChain.bidirectional")
        }
        // Which output the graph goes on from.
        let outputs = node.output.enumerated().filter { !$0.element.isEmpty }
        var used: [(Int, String)] = []
        for (k, tensor) in outputs
        where tensor == graph.output[0].name || !(readers[tensor] ?? []).isEmpty {
            used.append((k, tensor))
        }
        guard used.count == 1, used[0].0 < 2 else {
            throw refusal("\(what): lstmscope reads a chain that goes on from Y or from Y_h alone")
        }
        let backwards = direction(of: node) == "reverse"
        let returnSequences = sequences ?? (used[0].0 == 0)
        if returnSequences && backwards {
            throw refusal(
                "\(what) runs in reverse and its Y (in time order) goes on; lstmscope reads a reverse layer's Y_h")
        }
        let half = try halves(node, inputWidth: inputWidth, returnSequences: returnSequences)[0]
        let axes: [ONNXAxis] =
            layout(of: node) == 1
            ? (used[0].0 == 0 ? [.batch, .steps, .one, .features] : [.batch, .one, .features])
            : (used[0].0 == 0 ? [.steps, .one, .batch, .features] : [.one, .batch, .features])
        return (.recurrent(half), used[0].1, axes)
    }

    /// The node's layers in Keras's layout: one, or a bidirectional node's forward and backward
    /// halves (direction 0 and 1 of its weights).
    mutating func halves(_ node: Onnx_NodeProto, inputWidth: Int, returnSequences: Bool) throws(LoadError)
        -> [any RecurrentLayer]
    {
        let name = node.name.isEmpty ? node.opType.lowercased() : node.name
        let gates = node.opType == "LSTM" ? 4 : node.opType == "GRU" ? 3 : 1
        let what = "\(node.opType) \"\(name)\""
        let direction = direction(of: node)
        guard ["forward", "reverse", "bidirectional"].contains(direction) else {
            throw refusal("\(what) has direction \(direction)")
        }
        let dirs = direction == "bidirectional" ? 2 : 1
        // clip and an LSTM's input_forget are replayed as onnxruntime computes them (every
        // pre-activation clamped; f = 1 − i); activation_alpha/beta where they name an activation
        // lstmscope has (see below).
        guard [0, 1].contains(layout(of: node)) else {
            throw refusal("\(what) has layout=\(layout(of: node)); ONNX's layouts are 0 and 1")
        }
        if node.opType != "LSTM", (attribute(node, "input_forget")?.i ?? 0) != 0 {
            throw refusal("\(what) sets input_forget, which only an LSTM has")
        }
        if let clip = attribute(node, "clip")?.f, !(clip > 0 && clip.isFinite) {
            throw refusal("\(what) has clip \(clip); ONNX's clip is a positive threshold")
        }
        let input = { (k: Int) in k < node.input.count && !node.input[k].isEmpty ? node.input[k] : nil }
        guard let wName = input(1), let rName = input(2) else { throw refusal("\(what) has no W or R") }
        let w = try weights(wName, in: node), r = try weights(rName, in: node)
        guard r.shape.count == 3, r.shape[0] == dirs, r.shape[2] > 0, r.shape[1] == gates * r.shape[2] else {
            throw LoadError(
                path, .badShape, "\(what): R has shape \(r.shape); it must be (\(dirs), \(gates)·hu, hu)")
        }
        let hu = r.shape[2]
        if let size = attribute(node, "hidden_size")?.i, size != Int64(hu) {
            throw LoadError(path, .badShape, "\(what): hidden_size is \(size) but R is for \(hu) units")
        }
        guard w.shape == [dirs, gates * hu, inputWidth] else {
            throw LoadError(
                path, .badShape,
                "\(what): W has shape \(w.shape); it must be (\(dirs), \(gates * hu), \(inputWidth))")
        }
        var b: ONNXConstant?
        if let bName = input(3) {
            b = try weights(bName, in: node)
            guard b!.shape == [dirs, 2 * gates * hu] else {
                throw LoadError(
                    path, .badShape, "\(what): B has shape \(b!.shape); it must be (\(dirs), \(2 * gates * hu))")
            }
        }
        // sequence_lens: read when it is the whole window (as exporters write it), a no-op then.
        if let lens = input(4) {
            let given = try constant(lens, in: node).integers
            guard let steps = inputSteps, given == [Int64(steps)] else {
                throw refusal(
                    "\(what) has sequence_lens \(given.map { "\($0)" } ?? "(not integers)"), not the window's length "
                        + "\(inputSteps.map(String.init) ?? "(not fixed)"): lstmscope replays whole windows")
            }
        }
        // Peepholes are read only when they are zeros: what Keras and PyTorch have.
        if let tensor = input(7), try !constant(tensor, in: node).values.allSatisfy({ $0 == 0 }) {
            throw refusal("\(what) has nonzero peepholes (P), which lstmscope does not replay")
        }
        let starts = try initialStates(node, what: what, directions: dirs, units: hu)
        let activations = attribute(node, "activations")?.strings.map { String(decoding: $0, as: UTF8.self) }
        let one =
            node.opType == "LSTM"
            ? ["Sigmoid", "Tanh", "Tanh"] : node.opType == "GRU" ? ["Sigmoid", "Tanh"] : ["Tanh"]
        let names = activations ?? Array(repeating: one, count: dirs).flatMap { $0 }
        guard names.count == one.count * dirs else {
            throw refusal("\(what) names \(names.count) activations; it needs \(one.count * dirs)")
        }
        // activation_alpha and activation_beta hold the parameters of the activations that take
        // them, in order (onnxruntime's reading); one left out is ONNX's default.
        var alphas = attribute(node, "activation_alpha")?.floats[...] ?? []
        var betas = attribute(node, "activation_beta")?.floats[...] ?? []
        let named = try names.map { (n: String) throws(LoadError) -> Activation in
            let defaults: [String: (alpha: Float, beta: Float?)] = [
                "HardSigmoid": (0.2, 0.5), "Elu": (1, nil), "LeakyRelu": (0.01, nil), "ThresholdedRelu": (1, nil),
                "ScaledTanh": (1, 1), "Affine": (1, 0),
            ]
            var alpha: Float?, beta: Float?
            if let d = defaults[n] {
                alpha = alphas.popFirst() ?? d.alpha
                if let b = d.beta { beta = betas.popFirst() ?? b }
            }
            switch (n, alpha, beta) {
            case ("Sigmoid", _, _): return .sigmoid
            case ("Tanh", _, _): return .tanh
            case ("Relu", _, _): return .relu
            case ("Softsign", _, _): return .softsign
            case ("Softplus", _, _): return .softplus
            case ("HardSigmoid", 0.2?, 0.5?): return .hardSigmoid(.keras2)  // max(0, min(1, 0.2·x + 0.5))
            case ("HardSigmoid", let a?, 0.5?) where abs(a - 1 / 6) < 1e-7: return .hardSigmoid(.keras3)  // x/6 + 0.5
            case ("Elu", 1?, _): return .elu
            case ("LeakyRelu", 0.2?, _): return .leakyRelu  // Keras's negative slope
            default:
                let parameters = [alpha.map { "alpha \($0)" }, beta.map { "beta \($0)" }].compactMap { $0 }
                let with = parameters.isEmpty ? "" : " with " + parameters.joined(separator: ", ")
                throw refusal("\(what) uses activation \(n)\(with), which lstmscope does not replay")
            }
        }
        guard alphas.isEmpty, betas.isEmpty else {
            throw refusal("\(what) gives more activation_alpha or activation_beta values than its activations take")
        }
        var out: [any RecurrentLayer] = []
        for d in 0..<dirs {
            let acts = Array(named[(d * one.count)..<((d + 1) * one.count)])
            if gates == 4 && acts[1] != acts[2] {
                throw refusal("\(what) uses \(acts[1]) for the candidate and \(acts[2]) on the cell")
            }
            let size = gates * hu
            let wd = Array(w.values[(d * size * inputWidth)..<((d + 1) * size * inputWidth)])
            let rd = Array(r.values[(d * size * hu)..<((d + 1) * size * hu)])
            let bias = b.map { b in
                (
                    Array(b.values[(2 * d * size)..<(2 * d * size + size)]),
                    Array(b.values[(2 * d * size + size)..<(2 * (d + 1) * size)])
                )
            }
            let backwards = direction == "reverse" || d == 1
            let halfName = dirs == 2 ? name + (d == 0 ? "/forward" : "/backward") : name
            var built = try layer(
                node.opType, name: halfName, node: node,
                kernel: Self.kerasMatrix(wd, gates: gates, units: hu, columns: inputWidth),
                recurrentKernel: Self.kerasMatrix(rd, gates: gates, units: hu, columns: hu),
                bias: bias, activations: acts, returnSequences: returnSequences, backwards: backwards)
            built.initialState = starts?[d]
            out.append(built)
        }
        return out
    }

    /// The state each direction starts from: nil when the node gives none or only zeros (what
    /// Keras has), else per direction [h] or an LSTM's [h, c] (one given alone leaves the other
    /// zeros, as onnxruntime does). initial_h and initial_c must be float32 constants of shape
    /// (directions, 1, hu), with layout=1 (1, directions, hu): one window, batch 1.
    private mutating func initialStates(_ node: Onnx_NodeProto, what: String, directions: Int, units: Int)
        throws(LoadError) -> [[[Float]]]?
    {
        let input = { (k: Int) in k < node.input.count && !node.input[k].isEmpty ? node.input[k] : nil }
        let roles = node.opType == "LSTM" ? [(5, "initial_h"), (6, "initial_c")] : [(5, "initial_h")]
        let batchFirst = layout(of: node) == 1
        let shape = batchFirst ? [1, directions, units] : [directions, 1, units]
        let axes = batchFirst ? "(batch 1, directions, hu)" : "(directions, batch 1, hu)"
        var given: [[Float]?] = []
        for (k, role) in roles {
            guard let tensor = input(k) else {
                given.append(nil)
                continue
            }
            let c = try weights(tensor, in: node)
            guard c.shape == shape else {
                throw LoadError(
                    path, .badShape,
                    "\(what): \(role) has shape \(c.shape); it must be \(shape) \(axes)")
            }
            given.append(c.values.allSatisfy { $0 == 0 } ? nil : c.values)
        }
        guard given.contains(where: { $0 != nil }) else { return nil }
        let zeros = [Float](repeating: 0, count: directions * units)
        return (0..<directions).map { d in
            given.map { values in Array((values ?? zeros)[(d * units)..<((d + 1) * units)]) }
        }
    }

    /// One direction as lstmscope's layer of that kind, biases as Keras holds them.
    private mutating func layer(
        _ op: String, name: String, node: Onnx_NodeProto, kernel: Matrix, recurrentKernel: Matrix,
        bias: (input: [Float], recurrent: [Float])?, activations: [Activation], returnSequences: Bool,
        backwards: Bool
    ) throws(LoadError) -> any RecurrentLayer {
        let hu = recurrentKernel.rows
        let order = op == "LSTM" ? [0, 2, 3, 1] : Array(0..<(kernel.columns / hu))  // ONNX i, o, f, c → i, f, c, o
        let reorder = { (v: [Float]) in order.flatMap { v[$0 * hu..<($0 + 1) * hu] } }
        let sum = bias.map { zip($0.input, $0.recurrent).map(+) }
        var folded = 0
        let built: any RecurrentLayer = try LoadError.building(path) {
            switch op {
            case "LSTM":
                if bias != nil { folded = 4 * hu }
                return try LSTMLayer(
                    name: name, kernel: kernel.reordered(order, units: hu),
                    recurrentKernel: recurrentKernel.reordered(order, units: hu), bias: sum.map(reorder),
                    activation: activations[1], recurrentActivation: activations[0],
                    returnSequences: returnSequences, goBackwards: backwards,
                    preactivationClip: attribute(node, "clip")?.f,
                    couplesForgetGate: (attribute(node, "input_forget")?.i ?? 0) != 0)
            case "GRU":
                let after = (attribute(node, "linear_before_reset")?.i ?? 0) != 0
                if bias != nil && !after { folded = 3 * hu }
                return try GRULayer(
                    name: name, kernel: kernel, recurrentKernel: recurrentKernel,
                    inputBias: after ? bias?.input : sum, recurrentBias: after ? bias?.recurrent : nil,
                    resetAfter: after, activation: activations[1], recurrentActivation: activations[0],
                    returnSequences: returnSequences, goBackwards: backwards,
                    preactivationClip: attribute(node, "clip")?.f)
            default:
                if bias != nil { folded = hu }
                var rnn = try SimpleRNNLayer(
                    name: name, kernel: kernel, recurrentKernel: recurrentKernel, bias: sum,
                    activation: activations[0], returnSequences: returnSequences, goBackwards: backwards)
                rnn.preactivationClip = attribute(node, "clip")?.f
                return rnn
            }
        }
        self.folded += folded
        let d = name.hasSuffix("/backward") ? 1 : 0
        let wd = "W[\(d)]ᵀ, U = R[\(d)]ᵀ"
        sources[name] =
            switch op {
            case "LSTM":
                "ONNX LSTM node \"\(node.name)\": W = \(wd), gate rows i|o|f|c reordered to i|f|c|o, b = Wb + Rb"
            case "GRU":
                (attribute(node, "linear_before_reset")?.i ?? 0) != 0
                    ? "ONNX GRU node \"\(node.name)\": W = \(wd), z|r|h as here, linear_before_reset=1: b = Wb, "
                        + "b_rec = Rb (reset_after=True)"
                    : "ONNX GRU node \"\(node.name)\": W = \(wd), z|r|h as here, linear_before_reset=0: b = Wb + Rb "
                        + "(reset_after=False)"
            default: "ONNX RNN node \"\(node.name)\": W = \(wd), b = Wb + Rb"
            }
        return built
    }

    /// ONNX's (1, gates·hu, columns) weight as Keras's (columns, gates·hu) matrix.
    static func kerasMatrix(_ values: [Float], gates: Int, units: Int, columns: Int) -> Matrix {
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
