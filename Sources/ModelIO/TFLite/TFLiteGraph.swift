import LSTMCore

/// The walk of a TFLite subgraph from its input to its output, one consumer at a time.
///
/// TFLite shapes are static, so every tensor on the chain is checked against what the walk
/// knows it holds: a sequence is (1…, T, features), a vector (1…, features), batch 1.
struct TFLiteGraph {
    let file: TFLiteFile
    let subgraph: TFLiteSubgraph
    let path: String
    /// Tensors with data (weights, biases, slice bounds …), read when an op uses them.
    var dataTensors: Set<Int> = []
    /// DEQUANTIZE outputs of constants: the tensor each widens and the op that does it (visited
    /// when the constant is used).
    var dequantized: [Int: (source: Int, op: Int)] = [:]
    /// The constants read so far, by tensor.
    var constants: [Int: TFLiteConstant] = [:]
    /// Values the constants read may still take: tensors may share a buffer (the converter
    /// shares equal biases), so without a bound a small file could stand for any number of copies.
    var valueBudget: Int
    /// The state tensors an LSTM op reads and writes (zeros at the start of a window).
    var variables: Set<Int> = []
    var usedTensors: Set<Int> = []
    var visitedOps: Set<Int> = []
    /// The ops reading each tensor (the DEQUANTIZE ops of constants left out).
    var readers: [Int: [Int]] = [:]
    let inputIndex: Int
    let outputIndex: Int
    let inputFeatures: Int
    let inputSteps: Int
    /// Per layer name, where its arrays came from (Provenance.layerSources).
    var sources: [String: String] = [:]
    /// Per parameter id, how the file stores it (Provenance.storedDTypes).
    var storedTypes: [String: String] = [:]
    /// What each STRIDED_SLICE gives, as checkLastStep computed it.
    var slicedShapes: [Int: [Int]] = [:]
    /// Layer names given so far, by kind prefix (`lstm`, `lstm_1`, …, as Keras names them).
    var names: [String: Int] = [:]

    init(_ file: TFLiteFile, path: String) throws(LoadError) {
        self.file = file
        self.path = path
        let subgraph = file.subgraphs[0]
        self.subgraph = subgraph
        guard subgraph.inputs.count == 1, subgraph.outputs.count == 1 else {
            throw LoadError(
                path, .unsupportedLayer,
                "the model has \(subgraph.inputs.count) inputs and \(subgraph.outputs.count) outputs; lstmscope "
                    + "reads one of each")
        }
        // (The loader has refused any op lstmscope does not read: refuseUnread.)
        valueBudget = 2 * file.bytes.count + (1 << 20)
        for (k, tensor) in subgraph.tensors.enumerated() {
            guard tensor.buffer < file.buffers.count else {
                throw LoadError(
                    path, .invalidArray,
                    "tensor \(k) \"\(tensor.name)\" names buffer \(tensor.buffer) of \(file.buffers.count)")
            }
            guard tensor.count(limit: TFLiteConstant.valueLimit) != nil else {
                throw LoadError(
                    path, .badShape,
                    "tensor \(k) \"\(tensor.name)\" has shape \(tensor.shapeText): an axis that is not positive or "
                        + "more than 2^28 values")
            }
            if tensor.isVariable {
                variables.insert(k)
            } else if !file.buffers[tensor.buffer].isEmpty {
                dataTensors.insert(k)
            }
        }
        inputIndex = Int(subgraph.inputs[0])
        outputIndex = Int(subgraph.outputs[0])
        let input = subgraph.tensors[inputIndex]
        guard input.shape.count == 3, input.shape[0] == 1, input.shape[1] > 0, input.shape[2] > 0 else {
            throw LoadError(
                path, .badShape,
                "input \"\(input.name)\" is \(input.shapeText); lstmscope reads (1, T, xu), batch 1 (convert a model "
                    + "whose keras.Input has batch_size=1)")
        }
        inputSteps = Int(input.shape[1])
        inputFeatures = Int(input.shape[2])
        for k in variables.sorted() where !file.buffers[subgraph.tensors[k].buffer].isEmpty {
            guard try decode(k).values.allSatisfy({ $0 == 0 }) else {
                throw LoadError(
                    path, .unsupportedLayer,
                    "state tensor \(k) \"\(subgraph.tensors[k].name)\" starts nonzero; lstmscope replays from h = c = 0"
                )
            }
        }
        // Ops run in the order the file lists them, each reading only what is known by then:
        // anything else is a cycle (or a damaged file), refused before the walk.
        var known = dataTensors.union(variables).union([inputIndex])
        for (index, op) in subgraph.operators.enumerated() {
            let code = try opcode(op)
            guard !op.hasCustomOptions, op.intermediates.isEmpty else {
                let what = op.hasCustomOptions ? "custom options" : "intermediate tensors (a quantized LSTM's)"
                throw refusal("op \(index) (\(code.name)) has \(what), which lstmscope does not read")
            }
            if let missing = op.inputs.first(where: { $0 != -1 && !known.contains(Int($0)) }) {
                throw refusal(
                    "op \(index) (\(code.name)) reads tensor \(missing) \"\(subgraph.tensors[Int(missing)].name)\" "
                        + "before any op computes it: a cycle in the graph, or ops out of order")
            }
            for output in op.outputs {
                // A state tensor is an op's input, never its output (one would be read in place),
                // except that float16 models set it from a DEQUANTIZE of zeros.
                let initialisesState = variables.contains(Int(output)) && code.builtin == .dequantize
                guard !known.contains(Int(output)) || initialisesState else {
                    throw LoadError(
                        path, .invalidArray,
                        "tensor \(output) \"\(subgraph.tensors[Int(output)].name)\" is written by op \(index) "
                            + "(\(code.name)) but is known before it: computed twice, or read and written in place")
                }
                known.insert(Int(output))
            }
            // A DEQUANTIZE of a float16 or int8 constant (weights widened at load) is a constant.
            if code.builtin == .dequantize, op.inputs.count == 1, op.outputs.count == 1,
                dataTensors.contains(Int(op.inputs[0])),
                [.float16, .int8].contains(subgraph.tensors[Int(op.inputs[0])].type)
            {
                let out = Int(op.outputs[0]), source = subgraph.tensors[Int(op.inputs[0])]
                guard subgraph.tensors[out].type == .float32, subgraph.tensors[out].shape == source.shape else {
                    throw refusal("DEQUANTIZE op \(index) does not widen its constant to float32 of its shape")
                }
                dequantized[out] = (Int(op.inputs[0]), index)
                continue
            }
            for tensor in Set(op.inputs) where tensor != -1 { readers[Int(tensor), default: []].append(index) }
        }
    }

    /// Refuses a model with an op lstmscope does not read, before anything else is said of it.
    static func refuseUnread(
        _ file: TFLiteFile, _ subgraph: TFLiteSubgraph, input: TFLiteTensor, path: String
    ) throws(LoadError) {
        let quantizes = subgraph.operators.contains {
            $0.opcodeIndex < file.operatorCodes.count && file.operatorCodes[$0.opcodeIndex].code == 114
        }
        if input.type != .float32 || quantizes {
            throw LoadError(
                path, .unsupportedLayer,
                "a full-integer quantized model (input of type \(input.type?.name ?? "\(input.typeCode)")"
                    + "\(quantizes ? ", QUANTIZE ops" : "")): int8 activations and an int16 cell state, which "
                    + "lstmscope does not replay yet; convert without a representative_dataset (float32, float16 or "
                    + "the hybrid int8 of Optimize.DEFAULT)")
        }
        for (index, op) in subgraph.operators.enumerated() {
            guard op.opcodeIndex < file.operatorCodes.count else {
                throw LoadError(path, .invalidArray, "op \(index) names operator code \(op.opcodeIndex)")
            }
            let code = file.operatorCodes[op.opcodeIndex]
            guard code.builtin != nil else {
                let hint =
                    code.code == 119
                    ? ": a recurrent layer unrolled into a loop (the converter writes a Keras 3 LSTM, a GRU, a "
                        + "SimpleRNN or an LSTM with other activations so); lstmscope reads the fused "
                        + "UNIDIRECTIONAL_SEQUENCE_LSTM that a tf_keras LSTM converts to"
                    : ", which lstmscope does not read in TFLite yet"
                throw LoadError(path, .unsupportedLayer, "op \(index) is \(code.name)\(hint)")
            }
        }
    }

    func opcode(_ op: TFLiteOperator) throws(LoadError) -> TFLiteOperatorCode {
        guard op.opcodeIndex < file.operatorCodes.count else {
            throw LoadError(path, .invalidArray, "an op names operator code \(op.opcodeIndex)")
        }
        return file.operatorCodes[op.opcodeIndex]
    }

    func builtin(_ index: Int) -> TFLiteBuiltin {
        file.operatorCodes[subgraph.operators[index].opcodeIndex].builtin!  // checked in refuseUnread
    }

    func refusal(_ message: String) -> LoadError { LoadError(path, .unsupportedLayer, message) }

    /// `FULLY_CONNECTED op 3`, for messages.
    func describe(_ index: Int) -> String { "\(builtin(index).name) op \(index)" }

    /// Op `index`'s builtin options, when they are of type `type` (schema.fbs `BuiltinOptions`).
    func options(_ index: Int, type: UInt8) throws(LoadError) -> TFLiteOptions {
        let op = subgraph.operators[index]
        guard op.options == nil || op.optionsType == type else {
            throw LoadError(path, .invalidArray, "\(describe(index)) has options of type \(op.optionsType)")
        }
        return TFLiteOptions(table: op.options, path: path)
    }

    /// The ops that read `tensor`.
    func consumers(of tensor: Int) -> [Int] { readers[tensor] ?? [] }

    /// Whether tensor `index` is a constant (data in the file, or a DEQUANTIZE of such).
    func isConstant(_ index: Int) -> Bool { dataTensors.contains(index) || dequantized[index] != nil }

    /// Tensor `index`'s data, read once, within the file's value budget.
    mutating func decode(_ index: Int) throws(LoadError) -> TFLiteConstant {
        if let c = constants[index] { return c }
        let tensor = subgraph.tensors[index]
        valueBudget -= tensor.count(limit: TFLiteConstant.valueLimit) ?? 0
        guard valueBudget >= 0 else {
            throw LoadError(
                path, .invalidArray,
                "its tensors share buffers over and over: reading them would make more than twice as many values "
                    + "as the file has bytes (\(file.bytes.count))")
        }
        let c: TFLiteConstant
        if let (source, _) = dequantized[index] {
            var widened = TFLiteConstant(dequantizing: try decode(source))
            widened.source = source
            c = widened
        } else {
            c = try TFLiteConstant(tensor, index: index, file: file, path: path)
        }
        constants[index] = c
        return c
    }

    /// The constant input `k` of op `index`, marked used; nil when the op leaves it out (-1).
    mutating func constant(_ k: Int, of index: Int) throws(LoadError) -> TFLiteConstant? {
        let op = subgraph.operators[index]
        guard k < op.inputs.count, op.inputs[k] != -1 else { return nil }
        let tensor = Int(op.inputs[k])
        guard isConstant(tensor) else {
            throw refusal("\(describe(index)) needs input \(k) (\"\(subgraph.tensors[tensor].name)\") to be a constant")
        }
        let c = try decode(tensor)
        usedTensors.insert(tensor)
        if let (source, widen) = dequantized[tensor] {
            usedTensors.insert(source)
            visitedOps.insert(widen)
        }
        return c
    }

    /// Weights input `k` of op `index`: float32 as stored, float16 widened by a DEQUANTIZE, or int8
    /// with scales (hybrid); TFLite's kernels take no other type there (nor float16 read directly).
    mutating func weights(_ k: Int, of index: Int) throws(LoadError) -> TFLiteConstant? {
        guard let c = try constant(k, of: index) else { return nil }
        let widened = c.source != nil
        guard c.stored == .float32 || (c.stored == .float16 && widened) || (c.stored == .int8 && !widened) else {
            throw refusal(
                "\(describe(index)) reads input \(k) as \(c.stored.name)\(widened ? " through a DEQUANTIZE" : ""); "
                    + "TFLite's kernels take float32 or int8 weights there (float16 only through a DEQUANTIZE)")
        }
        return c
    }

    /// The one tensor op `index` writes.
    func output(of index: Int) throws(LoadError) -> Int {
        let op = subgraph.operators[index]
        guard op.outputs.count == 1 else { throw refusal("\(describe(index)) has \(op.outputs.count) outputs") }
        return Int(op.outputs[0])
    }

    /// The declared shape of tensor `index`.
    func shape(_ index: Int) -> [Int] { subgraph.tensors[index].shape.map(Int.init) }

    /// A new layer name for `prefix`: `lstm`, then `lstm_1`, … (Keras's way; a .tflite keeps none).
    mutating func name(_ prefix: String) -> String {
        let n = names[prefix, default: 0]
        names[prefix] = n + 1
        return n == 0 ? prefix : "\(prefix)_\(n)"
    }
}
