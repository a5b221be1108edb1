import LSTMCore

extension TFLiteGraph {
    /// What the tensor the walk is at holds: a sequence (1…, T, features) or a vector (1…, features).
    struct Position {
        var tensor: Int
        var sequence: Bool
        var features: Int
    }

    /// The layers from the input to the output.
    mutating func layers() throws(LoadError) -> [Layer] {
        var at = Position(tensor: inputIndex, sequence: true, features: inputFeatures)
        var layers: [Layer] = []
        var reversed = false
        while at.tensor != outputIndex {
            let readers = consumers(of: at.tensor)
            if readers.count == 2, !reversed, let (layer, next) = try bidirectional(readers, at: at) {
                layers.append(layer)
                at = next
                continue
            }
            guard readers.count == 1 else {
                throw refusal(
                    readers.isEmpty
                        ? "tensor \(at.tensor) \"\(subgraph.tensors[at.tensor].name)\" never reaches the output"
                        : "tensor \(at.tensor) \"\(subgraph.tensors[at.tensor].name)\" is read by "
                            + "\(readers.map(describe)); lstmscope reads a chain (or a Bidirectional's two halves)")
            }
            let index = readers[0]
            let op = subgraph.operators[index]
            guard !visitedOps.contains(index) else { throw refusal("\(describe(index)) is reached twice: a cycle") }
            visitedOps.insert(index)
            guard op.inputs.first == Int32(at.tensor) else {
                throw refusal("\(describe(index)) reads the chain as other than its first input")
            }
            let out = try output(of: index)
            if reversed, builtin(index) != .unidirectionalSequenceLSTM {
                throw refusal("REVERSE_V2 of the window is read by \(describe(index)), not by an LSTM")
            }
            switch builtin(index) {
            case .unidirectionalSequenceLSTM:
                guard at.sequence else { throw refusal("\(describe(index)) reads a vector, not a sequence") }
                layers.append(.lstm(try lstm(index, inputWidth: at.features, backwards: reversed)))
                reversed = false
                at = Position(tensor: out, sequence: true, features: (layers.last!.outputWidth)!)
            case .reverseV2:
                try checkReverse(index, of: at.tensor, sequence: at.sequence)
                reversed = true
                at.tensor = out
            case .stridedSlice:
                guard case .recurrent(let r as LSTMLayer) = layers.last, r.returnSequences, at.sequence else {
                    throw refusal("\(describe(index)) slices other than an LSTM's output sequence")
                }
                try checkLastStep(index, shape: shape(at.tensor))
                layers[layers.count - 1] = .lstm(try r.returningLastState())
                at = Position(tensor: out, sequence: false, features: at.features)
            case .fullyConnected:
                let dense = try fullyConnected(index, inputWidth: at.features)
                layers.append(.dense(dense))
                at = Position(tensor: out, sequence: at.sequence, features: dense.units)
            case .logistic, .tanh, .relu, .softmax:
                layers.append(.activation(name: name("activation"), try activation(index)))
                at.tensor = out
            case .reshape, .squeeze, .expandDims:
                try checkReshape(index, from: at.tensor, to: out)
                at.tensor = out
            case .bidirectionalSequenceLSTM:
                guard at.sequence else { throw refusal("\(describe(index)) reads a vector, not a sequence") }
                let layer = try fusedBidirectional(index, inputWidth: at.features)
                layers.append(layer)
                at = Position(tensor: out, sequence: true, features: layer.outputWidth!)
            case .dequantize, .add, .mul, .concatenation:
                throw refusal(
                    "\(describe(index)) reads the chain where lstmscope reads it only as a Bidirectional's merge "
                        + "(or, for DEQUANTIZE, as the widening of a constant)")
            }
            try checkShape(at, after: index)
        }
        if reversed { throw refusal("the model's output is a REVERSE_V2 of the window") }
        if !consumers(of: outputIndex).isEmpty { throw refusal("the model's output is read by another op") }
        try checkEverythingUsed()
        return layers
    }

    /// The shape TFLite gives op `index`'s output from its inputs' shapes (it computes them at
    /// run time; a file's declared shapes are not what runs). Nil for an op whose output the walk
    /// checks otherwise (the reshapes against their parameters).
    func computedShape(of index: Int) throws(LoadError) -> [Int]? {
        let op = subgraph.operators[index]
        let input = shape(Int(op.inputs[0]))
        func operand(_ k: Int) -> [Int] { k < op.inputs.count && op.inputs[k] >= 0 ? shape(Int(op.inputs[k])) : [] }
        switch builtin(index) {
        case .unidirectionalSequenceLSTM, .bidirectionalSequenceLSTM:
            let hu = operand(5).first ?? 0
            guard input.count == 3 else { throw refusal("\(describe(index)) reads a rank-\(input.count) tensor") }
            return [input[0], input[1], builtin(index) == .bidirectionalSequenceLSTM ? 2 * hu : hu]
        case .fullyConnected:
            let out = operand(1).first ?? 0
            let keep = try options(index, type: 8).bool(2)
            return keep ? input.dropLast() + [out] : [input.dropLast().reduce(1, *), out]
        case .concatenation:
            return input.dropLast() + [op.inputs.map { shape(Int($0)).last ?? 0 }.reduce(0, +)]
        case .add:
            guard operand(1) == input else { throw refusal("\(describe(index)) adds tensors of other shapes") }
            return input
        case .stridedSlice:
            return slicedShapes[index]
        case .reverseV2, .logistic, .tanh, .relu, .softmax:
            return input
        case .reshape, .squeeze, .expandDims, .dequantize, .mul:
            return nil
        }
    }

    /// The tensor an op wrote is what the walk says it is: (1…, T, features) or (1…, features),
    /// and what TFLite computes from the op's inputs.
    func checkShape(_ at: Position, after index: Int) throws(LoadError) {
        let s = shape(at.tensor)
        if let computed = try computedShape(of: index), computed != s {
            throw LoadError(
                path, .badShape,
                "\(describe(index)) declares its output \(subgraph.tensors[at.tensor].shapeText), but TFLite computes "
                    + "(\(computed.map(String.init).joined(separator: ", "))) from its inputs")
        }
        let expected = at.sequence ? [inputSteps, at.features] : [at.features]
        let leading = s.dropLast(expected.count)
        guard s.count >= expected.count, Array(s.suffix(expected.count)) == expected, leading.allSatisfy({ $0 == 1 })
        else {
            throw LoadError(
                path, .badShape,
                "\(describe(index)) writes tensor \(at.tensor) \"\(subgraph.tensors[at.tensor].name)\" of shape "
                    + "\(subgraph.tensors[at.tensor].shapeText) where lstmscope computes "
                    + "(1, \(expected.map(String.init).joined(separator: ", ")))")
        }
    }

    /// Every op and every tensor with data took part: nothing in the file is left unread.
    func checkEverythingUsed() throws(LoadError) {
        let ops = Set(subgraph.operators.indices)
        if let stray = ops.subtracting(visitedOps).min() {
            throw refusal("\(describe(stray)) is off the chain from the input to the output")
        }
        let strays = dataTensors.union(variables).filter { !usedTensors.contains($0) }.sorted()
        guard strays.isEmpty else {
            let names = strays.map { "\($0) \"\(subgraph.tensors[$0].name)\"" }.joined(separator: ", ")
            throw refusal("tensors the chain does not use: \(names)")
        }
    }

    /// A REVERSE_V2 over the time axis of a sequence.
    mutating func checkReverse(_ index: Int, of input: Int, sequence: Bool) throws(LoadError) {
        let rank = shape(input).count
        let axes = try constant(1, of: index)?.integers ?? []
        guard sequence, axes.count == 1, axes[0] == rank - 2 || axes[0] == -2 else {
            throw refusal("\(describe(index)) reverses axes \(axes), not the steps of a sequence")
        }
    }

    /// A STRIDED_SLICE that keeps the last step of a (1…, T, features) sequence: x[…, -1, :].
    mutating func checkLastStep(_ index: Int, shape s: [Int]) throws(LoadError) {
        let o = try options(index, type: 32)
        let beginMask = try o.int32(0), endMask = try o.int32(1), ellipsis = try o.int32(2)
        let newAxis = try o.int32(3), shrink = try o.int32(4), offset = try o.bool(5)
        guard let begin = try constant(1, of: index)?.integers, let end = try constant(2, of: index)?.integers,
            let strides = try constant(3, of: index)?.integers, begin.count == s.count, end.count == s.count,
            strides.count == s.count, ellipsis == 0, newAxis == 0, !offset
        else { throw refusal("\(describe(index)) is not a plain slice of its input's axes") }
        let time = s.count - 2
        var out: [Int] = []
        defer { slicedShapes[index] = out }
        for axis in 0..<s.count {
            let bit = Int32(1) << Int32(axis)
            guard strides[axis] == 1 else { throw refusal("\(describe(index)) has stride \(strides[axis])") }
            func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + s[axis] : v, 0), s[axis]) }
            let start = beginMask & bit != 0 ? 0 : clamp(begin[axis])
            let stop = shrink & bit != 0 ? start + 1 : endMask & bit != 0 ? s[axis] : clamp(end[axis])
            let wanted = axis == time ? (s[axis] - 1)..<s[axis] : 0..<s[axis]
            if shrink & bit == 0 { out.append(max(0, stop - start)) }
            guard start..<max(start, stop) == wanted, axis == time || shrink & bit == 0 || s[axis] == 1 else {
                throw refusal(
                    "\(describe(index)) takes \(start)..<\(stop) of axis \(axis) of \(s); lstmscope reads a slice of "
                        + "the last step")
            }
        }
    }

    /// RESHAPE, SQUEEZE, EXPAND_DIMS that only add or drop axes of one (the data unchanged), and
    /// whose parameters give the shape the file declares for their output (TFLite computes the
    /// output from the parameters: a declared shape alone is not what runs).
    mutating func checkReshape(_ index: Int, from tensor: Int, to out: Int) throws(LoadError) {
        let input = shape(tensor), declared = shape(out)
        let computed: [Int]?
        switch builtin(index) {
        case .reshape:
            let given: [Int]
            if let shapeInput = try constant(1, of: index) {
                given = shapeInput.integers ?? []
            } else {
                guard let option = try optionIntegers(index, type: 17) else {
                    throw refusal("\(describe(index)) gives no shape")
                }
                given = option
            }
            let known = given.filter { $0 != -1 }.reduce(1, *), total = input.reduce(1, *)
            let free = given.filter { $0 == -1 }.count
            let valid = free <= 1 && given.allSatisfy { $0 == -1 || $0 > 0 } && known > 0
            computed = valid ? given.map { $0 == -1 ? total / known : $0 } : nil
        case .squeeze:
            let dims = (try optionIntegers(index, type: 30) ?? []).map { $0 < 0 ? $0 + input.count : $0 }
            let valid = dims.allSatisfy { $0 >= 0 && $0 < input.count && input[$0] == 1 }
            let kept = input.enumerated().filter { dims.isEmpty ? $0.element != 1 : !dims.contains($0.offset) }
            computed = valid ? kept.map(\.element) : nil
        default:
            let axis = try constant(1, of: index)?.integers ?? []
            let a = axis.count == 1 ? (axis[0] < 0 ? axis[0] + input.count + 1 : axis[0]) : -1
            computed = a >= 0 && a <= input.count ? Array(input[..<a]) + [1] + Array(input[a...]) : nil
        }
        guard computed == declared, input.filter({ $0 != 1 }) == declared.filter({ $0 != 1 }) else {
            let shown = computed.map { "(" + $0.map(String.init).joined(separator: ", ") + ")" } ?? "an invalid shape"
            throw refusal(
                "\(describe(index)) makes \(subgraph.tensors[tensor].shapeText) into \(shown) (declared "
                    + "\(subgraph.tensors[out].shapeText)); lstmscope reads reshapes of axes of one")
        }
    }

    /// The integer vector that is field 0 of op `index`'s options of `type` (RESHAPE's
    /// `new_shape`, SQUEEZE's `squeeze_dims`); nil when the op has no such options.
    func optionIntegers(_ index: Int, type: UInt8) throws(LoadError) -> [Int]? {
        let op = subgraph.operators[index]
        guard let table = op.options, op.optionsType == type else { return nil }
        do {
            return try table.int32s(0).map(Int.init)
        } catch {
            throw LoadError(path, .invalidArray, "\(describe(index))'s options: \(error.message)")
        }
    }

    /// LOGISTIC, TANH, RELU, or SOFTMAX with beta 1.
    func activation(_ index: Int) throws(LoadError) -> Activation {
        switch builtin(index) {
        case .logistic: return .sigmoid
        case .tanh: return .tanh
        case .relu: return .relu
        default:
            // The schema's default beta is 0 (a uniform output), and the interpreter takes it so.
            let beta = try options(index, type: 9).float(0, default: 0)
            guard beta == 1 else { throw refusal("\(describe(index)) has beta \(beta); lstmscope replays beta 1") }
            return .softmax
        }
    }

    /// A FULLY_CONNECTED's fused activation (TFLite's ActivationFunctionType): the ones its float
    /// and hybrid kernels both take.
    func fused(_ code: Int8, in index: Int) throws(LoadError) -> Activation {
        switch code {
        case 0: return .linear
        case 1: return .relu
        case 3: return .relu6
        default: throw refusal("\(describe(index)) has fused activation \(code), which lstmscope does not replay")
        }
    }

    /// FULLY_CONNECTED: y = x·Wᵀ + b with W (out, in) as stored, float or int8 (hybrid).
    mutating func fullyConnected(_ index: Int, inputWidth: Int) throws(LoadError) -> DenseLayer {
        let op = subgraph.operators[index]
        guard let w = try weights(1, of: index), w.shape.count == 2, w.shape[1] == inputWidth else {
            throw LoadError(
                path, .badShape, "\(describe(index)): the weights are not an (out, \(inputWidth)) constant")
        }
        let bias = try constant(2, of: index)
        if let bias,
            bias.shape != [w.shape[0]] || ![.float32, .float16].contains(bias.stored)
                || (bias.stored == .float16 && bias.source == nil)
        {
            throw LoadError(path, .badShape, "\(describe(index)): the bias is not (\(w.shape[0]),) floats")
        }
        let o = try options(index, type: 8)
        let act = try fused(try o.int8(0), in: index)
        let format = try o.int8(1)
        guard format == 0 else { throw refusal("\(describe(index)) has weights_format \(format)") }
        let name = name(denseName(weights: Int(op.inputs[1])))
        let kernel = w.transposed
        var hybrid: HybridWeights?
        if let q = w.int8 {
            let asymmetric = try o.bool(3)
            hybrid = HybridWeights(
                kernel: try int8Matrix(q, scales: w.scales, rows: w.shape[0], columns: w.shape[1]),
                inputs: asymmetric ? .asymmetric : .symmetric)
        }
        storedTypes["\(name)/kernel"] = w.stored.name
        if let bias { storedTypes["\(name)/bias"] = bias.stored.name }
        let b = bias == nil ? "" : ", b = tensor \(op.inputs[2])"
        sources[name] =
            "TFLite \(describe(index)): W = weightsᵀ of tensor \(op.inputs[1])\(b)"
            + (hybrid.map { "; \($0.summary)" } ?? "")
        return try LoadError.building(path) {
            try DenseLayer(name: name, kernel: kernel, bias: bias?.values, activation: act, hybrid: hybrid)
        }
    }

    /// Keras's layer name from a weight tensor's name (`model/dense/MatMul` → `dense`), else `dense`.
    func denseName(weights: Int) -> String {
        let parts = subgraph.tensors[weights].name.split(separator: "/")
        guard parts.count >= 3, parts[0] == "model" || parts[0] == "sequential" else { return "dense" }
        let name = String(parts[1])
        return name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? name : "dense"
    }

    /// An (out, in) int8 matrix as stored, laid out (in, out) with a scale per column.
    func int8Matrix(_ q: [Int8], scales: [Float], rows: Int, columns: Int) throws(LoadError) -> Int8Matrix {
        let out = TFLiteLayout.transposed(q, rows: rows, columns: columns)
        return try LoadError.building(path) {
            try Int8Matrix(rows: columns, columns: rows, values: out, scales: scales)
        }
    }
}
