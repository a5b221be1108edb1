import LSTMCore

/// The walk of a TFLite subgraph from its input to its output, one consumer at a time.
///
/// TFLite shapes are static, so every tensor on the chain is checked against what the walk
/// knows it holds: a sequence is (1…, T, features), a vector (1…, features), batch 1.
struct TFLiteGraph {
    let file: TFLiteFile
    let subgraph: TFLiteSubgraph
    let path: String
    /// Constant tensors by index: those with data, and DEQUANTIZE outputs of constants.
    var constants: [Int: TFLiteConstant] = [:]
    /// For a DEQUANTIZE'd constant, the op that widened it (visited when the constant is used).
    var dequantizedBy: [Int: Int] = [:]
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
        try Self.refuseUnread(file, subgraph, input: subgraph.tensors[Int(subgraph.inputs[0])], path: path)
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
                var zeros = true
                if !file.buffers[tensor.buffer].isEmpty {
                    zeros = try TFLiteConstant(tensor, index: k, file: file, path: path).values.allSatisfy { $0 == 0 }
                }
                guard zeros else {
                    throw LoadError(
                        path, .unsupportedLayer,
                        "state tensor \(k) \"\(tensor.name)\" starts nonzero; lstmscope replays from h = c = 0")
                }
            } else if !file.buffers[tensor.buffer].isEmpty {
                constants[k] = try TFLiteConstant(tensor, index: k, file: file, path: path)
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
        // Ops run in the order the file lists them, each reading only what is known by then:
        // anything else is a cycle (or a damaged file), refused before the walk.
        var known = Set(constants.keys).union(variables).union([inputIndex])
        for (index, op) in subgraph.operators.enumerated() {
            let code = try opcode(op)
            if let missing = op.inputs.first(where: { $0 != -1 && !known.contains(Int($0)) }) {
                throw refusal(
                    "op \(index) (\(code.name)) reads tensor \(missing) \"\(subgraph.tensors[Int(missing)].name)\" "
                        + "before any op computes it: a cycle in the graph, or ops out of order")
            }
            for output in op.outputs where output != -1 {
                guard !known.contains(Int(output)) || variables.contains(Int(output)) else {
                    throw LoadError(path, .invalidArray, "tensor \(output) is computed twice in the graph")
                }
                known.insert(Int(output))
            }
            // A DEQUANTIZE of a constant (float16 or int8 weights widened at load) is a constant.
            if code.builtin == .dequantize, op.inputs.count == 1, op.outputs.count == 1,
                let source = constants[Int(op.inputs[0])], source.stored != .float32
            {
                let out = Int(op.outputs[0])
                guard subgraph.tensors[out].type == .float32, subgraph.tensors[out].shape.map(Int.init) == source.shape
                else { throw refusal("DEQUANTIZE op \(index) does not widen its constant to float32 of its shape") }
                var widened = TFLiteConstant(dequantizing: source)
                widened.source = Int(op.inputs[0])
                constants[out] = widened
                dequantizedBy[out] = index
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

    /// The constant input `k` of op `index`, marked used; nil when the op leaves it out (-1).
    mutating func constant(_ k: Int, of index: Int) throws(LoadError) -> TFLiteConstant? {
        let op = subgraph.operators[index]
        guard k < op.inputs.count, op.inputs[k] != -1 else { return nil }
        let tensor = Int(op.inputs[k])
        guard let c = constants[tensor] else {
            throw refusal("\(describe(index)) needs input \(k) (\"\(subgraph.tensors[tensor].name)\") to be a constant")
        }
        usedTensors.insert(tensor)
        if let source = c.source { usedTensors.insert(source) }
        if let widen = dequantizedBy[tensor] { visitedOps.insert(widen) }
        return c
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
