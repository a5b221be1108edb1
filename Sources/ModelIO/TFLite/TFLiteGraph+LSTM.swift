import LSTMCore

/// UNIDIRECTIONAL_SEQUENCE_LSTM ops, and two of them merged as Keras's Bidirectional.
///
/// The op's 24 inputs (`lstm_shared.h`): 0 the input, 1–4 input-to-{i, f, c, o} weights
/// (hu, in), 5–8 recurrent-to-{i, f, c, o} (hu, hu), 9–11 peepholes, 12–15 gate biases, 16–17
/// the projection, 18–19 the h and c state tensors, 20–23 layer-norm coefficients. lstmscope reads
/// Keras's LSTM: every gate, no peepholes, projection or layer norm, states starting at zero.
extension TFLiteGraph {
    /// Where one direction's tensors sit among an LSTM op's inputs: from `first`, 4 input
    /// weights, 4 recurrent, 3 peepholes, 4 biases and 2 for the projection; then its h and c.
    struct Slots {
        let first: Int
        let states: [Int]
        let layerNorm: ClosedRange<Int>?

        var inputWeights: Range<Int> { first..<(first + 4) }
        var recurrentWeights: Range<Int> { (first + 4)..<(first + 8) }
        var peepholes: ClosedRange<Int> { (first + 8)...(first + 10) }
        var biases: Range<Int> { (first + 11)..<(first + 15) }
        var projection: ClosedRange<Int> { (first + 15)...(first + 16) }

        static let unidirectional = Slots(first: 1, states: [18, 19], layerNorm: 20...23)
        /// BIDIRECTIONAL_SEQUENCE_LSTM's two directions (inputs 39–47, the aux input, are refused).
        static let forward = Slots(first: 1, states: [35, 36], layerNorm: nil)
        static let backward = Slots(first: 18, states: [37, 38], layerNorm: nil)
    }

    /// What an LSTM op's options say.
    struct Settings {
        let activation: Activation
        let cellClip: Float?
        let asymmetric: Bool
    }

    /// The options of an UNIDIRECTIONAL_SEQUENCE_LSTM (type 71) or BIDIRECTIONAL_SEQUENCE_LSTM (69).
    func lstmSettings(_ index: Int, bidirectional: Bool) throws(LoadError) -> Settings {
        let what = describe(index)
        guard subgraph.operators[index].options != nil else { throw refusal("\(what) has no LSTM options") }
        let o = try options(index, type: bidirectional ? 69 : 71)
        // TANH is what the converter writes for a Keras LSTM; TFLite's kernel treats others its own way.
        let code = try o.int8(0)
        guard code == 4 else {
            throw refusal("\(what) has fused activation \(code); lstmscope replays TFLite's LSTM with TANH (4)")
        }
        let activation = Activation.tanh
        let cellClip = try o.float(1), projectionClip = try o.float(2)
        guard cellClip >= 0, cellClip.isFinite, projectionClip == 0 else {
            throw refusal("\(what) has cell_clip \(cellClip) and proj_clip \(projectionClip)")
        }
        // (time_major's schema default is true for the bidirectional op, false for the other.)
        guard try !o.bool(bidirectional ? 4 : 3, default: bidirectional) else {
            throw refusal("\(what) is time-major, which lstmscope does not read yet")
        }
        if bidirectional {
            guard try o.bool(3) else {
                throw refusal("\(what) gives its directions apart (merge_outputs false), which lstmscope does not read")
            }
        } else {
            guard try !o.bool(5) else { throw refusal("\(what) has diagonal recurrent weights") }
        }
        return Settings(
            activation: activation, cellClip: cellClip > 0 ? cellClip : nil,
            asymmetric: try o.bool(bidirectional ? 5 : 4))
    }

    /// The op's layer, reading forward or (after a REVERSE_V2 of its window) backwards; it
    /// returns its sequence (a STRIDED_SLICE of the last step makes it return its last state).
    mutating func lstm(_ index: Int, inputWidth: Int, backwards: Bool) throws(LoadError) -> LSTMLayer {
        let op = subgraph.operators[index]
        guard op.inputs.count == 24 || op.inputs.count == 20 else {
            throw refusal(
                "\(describe(index)) has \(op.inputs.count) inputs; lstmscope reads the 24 (or 20) of TFLite's op")
        }
        return try lstm(
            index, inputWidth: inputWidth, backwards: backwards, slots: .unidirectional,
            settings: try lstmSettings(index, bidirectional: false), name: name(backwards ? "lstm_backward" : "lstm"))
    }

    /// One direction of an LSTM op, its tensors at `slots`.
    mutating func lstm(
        _ index: Int, inputWidth: Int, backwards: Bool, slots: Slots, settings: Settings, name: String
    ) throws(LoadError) -> LSTMLayer {
        let op = subgraph.operators[index]
        let what = describe(index)
        let present = { (k: Int) in k < op.inputs.count && op.inputs[k] != -1 }
        if !present(slots.inputWeights.lowerBound) && !present(slots.recurrentWeights.lowerBound) {
            throw refusal("\(what) couples its input and forget gates (CIFG), which lstmscope does not replay")
        }
        if let missing = (Array(slots.inputWeights) + Array(slots.recurrentWeights) + Array(slots.biases))
            .first(where: { !present($0) })
        {
            throw refusal("\(what) leaves out input \(missing), one of its gates' weights or biases")
        }
        let unread =
            [(slots.peepholes, "peephole weights"), (slots.projection, "a projection")]
            + (slots.layerNorm.map { [($0, "layer normalization")] } ?? [])
        for (range, role) in unread where range.contains(where: present) {
            throw refusal("\(what) has \(role), which a Keras LSTM has not and lstmscope does not replay")
        }
        let activation = settings.activation, asymmetric = settings.asymmetric
        var inputs: [TFLiteConstant] = [], recurrent: [TFLiteConstant] = [], biases: [TFLiteConstant] = []
        for k in slots.inputWeights { if let c = try weights(k, of: index) { inputs.append(c) } }
        for k in slots.recurrentWeights { if let c = try weights(k, of: index) { recurrent.append(c) } }
        for k in slots.biases { if let c = try constant(k, of: index) { biases.append(c) } }
        guard inputs.count == 4, recurrent.count == 4, biases.count == 4 else {
            throw refusal("\(what) lacks some of its twelve weight and bias tensors")
        }
        let hu = recurrent[0].shape.first ?? 0
        guard hu > 0, inputs.allSatisfy({ $0.shape == [hu, inputWidth] }),
            recurrent.allSatisfy({ $0.shape == [hu, hu] }),
            biases.allSatisfy({ $0.shape == [hu] && ($0.stored == .float32 || $0.source != nil) })
        else {
            throw LoadError(
                path, .badShape,
                "\(what): the weights are \(inputs.map(\.shape)), \(recurrent.map(\.shape)), biases "
                    + "\(biases.map(\.shape)); they must be (hu, \(inputWidth)), (hu, hu) and (hu,) float")
        }
        // The h and c states: variable tensors, or (in float16 models) DEQUANTIZE'd constants, of
        // zeros; each its own (TFLite writes the state back: a shared one carries over to the next op).
        for k in slots.states {
            let tensor = Int(op.inputs[k])
            guard op.inputs[k] != -1, shape(tensor).reduce(1, *) == hu else {
                throw refusal("\(what): input \(k) is not a state of \(hu) values")
            }
            guard !usedTensors.contains(tensor), slots.states.filter({ op.inputs[$0] == Int32(tensor) }).count == 1
            else {
                throw refusal(
                    "\(what): state tensor \(tensor) is also another state, or another op's: TFLite would carry "
                        + "the state from one to the other, which lstmscope does not replay")
            }
            if !isConstant(tensor), variables.contains(tensor) {
                usedTensors.insert(tensor)
            } else if let state = try constant(k, of: index), state.values.contains(where: { $0 != 0 }) {
                throw refusal("\(what): its initial state (input \(k)) is not zero; lstmscope replays from h = c = 0")
            }
        }
        let quantized = (inputs + recurrent).filter { $0.int8 != nil }.count
        guard quantized == 0 || quantized == 8 else {
            throw refusal("\(what) has \(quantized) of its 8 weight matrices in int8; lstmscope reads all or none")
        }
        // TFLite's hybrid LSTM reads one scale per matrix (params.scale), whatever else the file holds.
        guard !(inputs + recurrent).contains(where: \.perRow) else {
            throw refusal("\(what) has int8 weights with a scale per row; TFLite's hybrid LSTM takes one per matrix")
        }
        let w = Self.sideBySide(inputs.map(\.transposed)), u = Self.sideBySide(recurrent.map(\.transposed))
        var hybrid: HybridWeights?
        if quantized == 8 {
            func blocks(_ c: [TFLiteConstant], rows: Int) throws(LoadError) -> Int8Matrix {
                let parts = try c.map { m throws(LoadError) in
                    try int8Matrix(m.int8!, scales: m.scales, rows: hu, columns: rows)
                }
                let values = TFLiteLayout.sideBySide(parts.map(\.values), rows: rows, width: hu)
                return try LoadError.building(path) {
                    try Int8Matrix(rows: rows, columns: 4 * hu, values: values, scales: parts.flatMap(\.scales))
                }
            }
            hybrid = HybridWeights(
                kernel: try blocks(inputs, rows: inputWidth), recurrentKernel: try blocks(recurrent, rows: hu),
                inputs: asymmetric ? .asymmetric : .symmetric)
        }
        storedTypes["\(name)/kernel"] = inputs[0].stored.name
        storedTypes["\(name)/recurrent_kernel"] = recurrent[0].stored.name
        storedTypes["\(name)/bias"] = biases[0].stored.name
        let t = { (slots: Range<Int>) in slots.map { String(op.inputs[$0]) }.joined(separator: " | ") }
        let direction = slots.layerNorm == nil ? (backwards ? ", backward" : ", forward") : ""
        sources[name] =
            "TFLite \(what)\(direction): W = [\(t(slots.inputWeights))]ᵀ, U = [\(t(slots.recurrentWeights))]ᵀ, "
            + "b = \(t(slots.biases).replacingOccurrences(of: "|", with: "‖")) (tensors, gates i, f, c, o)"
            + (backwards && slots.layerNorm != nil ? ", reading the REVERSE_V2'd window" : "")
            + (hybrid.map { "; \($0.summary)" } ?? "")
        return try LoadError.building(path) {
            try LSTMLayer(
                name: name, kernel: w, recurrentKernel: u, bias: biases.flatMap(\.values), activation: activation,
                recurrentActivation: .sigmoid, returnSequences: true, goBackwards: backwards, hybrid: hybrid,
                cellClip: settings.cellClip)
        }
    }

    /// A BIDIRECTIONAL_SEQUENCE_LSTM with merged outputs: Keras's Bidirectional (concat) returning
    /// its sequence, the backward half's outputs in time order.
    mutating func fusedBidirectional(_ index: Int, inputWidth: Int) throws(LoadError) -> Layer {
        let op = subgraph.operators[index]
        guard op.inputs.count == 48, op.outputs.count == 1 else {
            throw refusal(
                "\(describe(index)) has \(op.inputs.count) inputs and \(op.outputs.count) outputs; lstmscope reads "
                    + "the 48 inputs and one merged output of TFLite's op")
        }
        guard op.inputs[39...].allSatisfy({ $0 == -1 }) else {
            throw refusal("\(describe(index)) has an auxiliary input, which lstmscope does not replay")
        }
        let settings = try lstmSettings(index, bidirectional: true)
        let layerName = name("bidirectional")
        let forward = try lstm(
            index, inputWidth: inputWidth, backwards: false, slots: .forward, settings: settings,
            name: "\(layerName)/forward")
        let backward = try lstm(
            index, inputWidth: inputWidth, backwards: true, slots: .backward, settings: settings,
            name: "\(layerName)/backward")
        sources[layerName] = [forward.name, backward.name].compactMap { sources[$0] }.joined(separator: "; ")
        return try LoadError.building(path) {
            .bidirectional(
                try BidirectionalLayer(
                    name: layerName, forward: .lstm(forward), backward: .lstm(backward), merge: .concat))
        }
    }

    /// Matrices of the same rows side by side: the four gates' (in, hu) blocks as (in, 4·hu).
    static func sideBySide(_ blocks: [Matrix]) -> Matrix {
        let rows = blocks[0].rows, width = blocks[0].columns
        return Matrix(
            rows: rows, columns: width * blocks.count,
            values: TFLiteLayout.sideBySide(blocks.map(\.values), rows: rows, width: width))
    }

    /// Two readers of one sequence: an LSTM op, and a REVERSE_V2 feeding another (Keras's
    /// Bidirectional, as the converter writes it), each optionally sliced to its last step (the
    /// backward half's sequence REVERSE_V2'd back to time order), merged by CONCATENATION
    /// (forward first, on the features) or ADD. Nil when the two readers are not that.
    mutating func bidirectional(_ readers: [Int], at: Position) throws(LoadError) -> (Layer, Position)? {
        let kinds = readers.map(builtin)
        guard at.sequence, Set(kinds) == [.unidirectionalSequenceLSTM, .reverseV2] else { return nil }
        let forwardOp = readers[kinds.firstIndex(of: .unidirectionalSequenceLSTM)!]
        let reverseOp = readers[kinds.firstIndex(of: .reverseV2)!]
        guard [forwardOp, reverseOp].allSatisfy({ subgraph.operators[$0].inputs.first == Int32(at.tensor) }) else {
            throw refusal("\(describe(forwardOp)) and \(describe(reverseOp)) do not both read the sequence as data")
        }
        visitedOps.formUnion([forwardOp, reverseOp])
        try checkReverse(reverseOp, of: at.tensor, sequence: true)
        let reversed = try output(of: reverseOp)
        try checkShape(Position(tensor: reversed, sequence: true, features: at.features), after: reverseOp)
        guard consumers(of: reversed).count == 1, let backwardOp = consumers(of: reversed).first,
            builtin(backwardOp) == .unidirectionalSequenceLSTM, subgraph.operators[backwardOp].inputs[0] == reversed
        else { throw refusal("the REVERSE_V2'd window (\(describe(reverseOp))) is not read by one LSTM") }
        visitedOps.insert(backwardOp)
        var forward = try lstm(forwardOp, inputWidth: at.features, backwards: false)
        var backward = try lstm(backwardOp, inputWidth: at.features, backwards: true)
        for (op, half) in [(forwardOp, forward), (backwardOp, backward)] {
            try checkShape(Position(tensor: try output(of: op), sequence: true, features: half.units), after: op)
        }
        // Follow each half to the merge: a STRIDED_SLICE of the last step, or (the backward
        // sequence) a REVERSE_V2 back to time order; each tensor on the way is what it must be.
        func follow(_ op: Int, units: Int) throws(LoadError) -> (tensor: Int, last: Bool, flipped: Bool) {
            let out = try output(of: op)
            guard consumers(of: out).count == 1, let next = consumers(of: out).first else {
                throw refusal("the output of \(describe(op)) is not read by one op")
            }
            switch builtin(next) {
            case .stridedSlice:
                visitedOps.insert(next)
                try checkLastStep(next, shape: shape(out))
                let sliced = try output(of: next)
                try checkShape(Position(tensor: sliced, sequence: false, features: units), after: next)
                return (sliced, true, false)
            case .reverseV2:
                visitedOps.insert(next)
                try checkReverse(next, of: out, sequence: true)
                let flipped = try output(of: next)
                try checkShape(Position(tensor: flipped, sequence: true, features: units), after: next)
                return (flipped, false, true)
            default:
                return (out, false, false)
            }
        }
        let f = try follow(forwardOp, units: forward.units), b = try follow(backwardOp, units: backward.units)
        // Keras's Bidirectional: both halves' last states, or both sequences with the backward
        // half's flipped back into time order (and the forward half's not flipped).
        guard f.last == b.last, f.last || (b.flipped && !f.flipped), consumers(of: f.tensor) == consumers(of: b.tensor),
            consumers(of: f.tensor).count == 1
        else {
            throw refusal(
                "\(describe(forwardOp)) and \(describe(backwardOp)) are not merged as Keras's Bidirectional merges "
                    + "(both last states, or both sequences with the backward one REVERSE_V2'd back to time order)")
        }
        let merge = consumers(of: f.tensor)[0]
        visitedOps.insert(merge)
        let mergeInputs = subgraph.operators[merge].inputs.map(Int.init)
        let mode: BidirectionalLayer.Merge
        switch builtin(merge) {
        case .concatenation where mergeInputs == [f.tensor, b.tensor]:
            let o = try options(merge, type: 10)
            let axis = Int(try o.int32(0))
            let rank = shape(f.tensor).count
            guard axis == -1 || axis == rank - 1, try o.int8(1) == 0 else {
                throw refusal("\(describe(merge)) joins the halves on axis \(axis), not the features")
            }
            mode = .concat
        case .add where Set(mergeInputs) == [f.tensor, b.tensor] && mergeInputs.count == 2:
            guard try options(merge, type: 11).int8(0) == 0 else {
                throw refusal("\(describe(merge)) has a fused activation")
            }
            mode = .sum
        default:
            throw refusal(
                "\(describe(merge)) joins \(describe(forwardOp)) and \(describe(backwardOp)) in a way Keras's "
                    + "Bidirectional does not (CONCATENATION forward first, or ADD)")
        }
        if f.last {
            forward = try forward.returningLastState()
            backward = try backward.returningLastState()
        }
        let layerName = name("bidirectional")
        sources[layerName] = [forward.name, backward.name].compactMap { sources[$0] }.joined(separator: "; ")
        let layer: Layer = try LoadError.building(path) {
            .bidirectional(
                try BidirectionalLayer(name: layerName, forward: .lstm(forward), backward: .lstm(backward), merge: mode)
            )
        }
        let next = Position(tensor: try output(of: merge), sequence: !f.last, features: layer.outputWidth!)
        try checkShape(next, after: merge)
        return (layer, next)
    }
}

extension LSTMLayer {
    /// The same layer returning only its last state (what a slice of its sequence's last step leaves).
    func returningLastState() throws(LoadError) -> LSTMLayer {
        try LoadError.building(name) {
            try LSTMLayer(
                name: name, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias, activation: activation,
                recurrentActivation: recurrentActivation, returnSequences: false, goBackwards: goBackwards,
                hybrid: hybrid, cellClip: cellClip)
        }
    }
}
