/// The parts of a `.tflite` file (TFLite's `schema.fbs`, version 3) lstmscope reads, decoded
/// from a ``FlatBuffer`` into plain values with every index checked against its table.
struct TFLiteFile {
    /// Builtin operator codes, by operator-code index (nil for a custom op, with its name).
    let operatorCodes: [TFLiteOperatorCode]
    let subgraphs: [TFLiteSubgraph]
    /// Each buffer's bytes, as a range of the file.
    let buffers: [Range<Int>]
    /// External buffers (weights kept in other files): lstmscope never opens them.
    let externalBufferCount: Int
    let bytes: [UInt8]

    /// Limits against hostile files: far above what a converter writes for an LSTM model.
    static let tableLimit = 1 << 20

    init(_ bytes: [UInt8]) throws(FlatBufferError) {
        let buffer = FlatBuffer(bytes)
        guard bytes.count >= 8 else { throw FlatBufferError("the file has \(bytes.count) bytes") }
        let model = try buffer.root()
        self.bytes = bytes
        var codes: [TFLiteOperatorCode] = []
        for code in try model.tables(1) {
            // Codes above 127 live in builtin_code; deprecated_builtin_code says 127 for them.
            let deprecated = Int32(try code.int8(0))
            let builtin = try code.int32(3)
            codes.append(TFLiteOperatorCode(code: max(deprecated, builtin), customName: try code.string(1)))
        }
        operatorCodes = codes
        var subgraphs: [TFLiteSubgraph] = []
        for table in try model.tables(2) { subgraphs.append(try TFLiteSubgraph(table)) }
        self.subgraphs = subgraphs
        var buffers: [Range<Int>] = []
        for b in try model.tables(4) {
            let offset = try b.uint64(1), size = try b.uint64(2)
            // Models over 2 GB keep data after the FlatBuffer, at a file offset (1 means "none").
            if offset > 1 {
                guard offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset else {
                    throw FlatBufferError(
                        "a buffer's data at byte \(offset) (\(size) bytes) lies past the end of the file "
                            + "(\(bytes.count) bytes)")
                }
                buffers.append(Int(offset)..<Int(offset + size))
            } else {
                buffers.append(try b.byteRange(0) ?? 0..<0)
            }
        }
        self.buffers = buffers
        externalBufferCount = try model.vector(9, elementSize: 4)?.count ?? 0
        let tensors = self.subgraphs.reduce(0) { $0 + $1.tensors.count }
        guard tensors <= Self.tableLimit else { throw FlatBufferError("the file declares \(tensors) tensors") }
    }
}

/// An operator code: a builtin operator's number, or a custom op's name.
struct TFLiteOperatorCode {
    let code: Int32
    let customName: String?

    var builtin: TFLiteBuiltin? { customName == nil || code != 32 ? TFLiteBuiltin(rawValue: code) : nil }

    /// The operator as TFLite names it.
    var name: String {
        if code == 32, let customName { return "custom op \"\(customName)\"" }
        return TFLiteBuiltin(rawValue: code)?.name ?? TFLiteBuiltin.otherNames[code] ?? "builtin operator \(code)"
    }
}

struct TFLiteSubgraph {
    let tensors: [TFLiteTensor]
    let inputs: [Int32]
    let outputs: [Int32]
    let operators: [TFLiteOperator]

    init(_ table: FlatTable) throws(FlatBufferError) {
        var tensors: [TFLiteTensor] = []
        for t in try table.tables(0) { tensors.append(try TFLiteTensor(t)) }
        self.tensors = tensors
        inputs = try table.int32s(1)
        outputs = try table.int32s(2)
        var operators: [TFLiteOperator] = []
        for o in try table.tables(3) { operators.append(try TFLiteOperator(o)) }
        self.operators = operators
        // -1 marks an op's optional input left out; nowhere else does it mean anything.
        let optional = operators.flatMap(\.inputs).filter { $0 != -1 }
        for index in inputs + outputs + optional + operators.flatMap(\.outputs) {
            guard index >= 0, Int(index) < tensors.count else {
                throw FlatBufferError("tensor index \(index) is out of range (the subgraph has \(tensors.count))")
            }
        }
    }
}

struct TFLiteTensor {
    let name: String
    let shape: [Int32]
    let type: TFLiteTensorType?
    let typeCode: Int8
    let buffer: Int
    let quantization: TFLiteQuantization?
    let isVariable: Bool
    let hasSparsity: Bool
    let externalBuffer: UInt32

    init(_ table: FlatTable) throws(FlatBufferError) {
        shape = try table.int32s(0)
        typeCode = try table.int8(1)
        type = TFLiteTensorType(rawValue: typeCode)
        buffer = Int(try table.uint32(2))
        name = try table.string(3) ?? ""
        if let q = try table.table(4) { quantization = try TFLiteQuantization(q) } else { quantization = nil }
        isVariable = try table.bool(5)
        hasSparsity = try table.table(6) != nil
        externalBuffer = try table.uint32(10)
    }

    /// The element count, or nil when an axis is not positive or the count passes `limit`.
    func count(limit: Int) -> Int? {
        var n = 1
        for d in shape {
            guard d > 0 else { return nil }
            let (product, overflow) = n.multipliedReportingOverflow(by: Int(d))
            guard !overflow, product <= limit else { return nil }
            n = product
        }
        return n
    }

    /// `(1, 7, 3)`, for messages.
    var shapeText: String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }
}

/// A tensor's quantization: real = scale · (q − zero_point), per tensor or per channel.
struct TFLiteQuantization {
    let scales: [Float]
    let zeroPoints: [Int64]
    let quantizedDimension: Int32
    /// A custom or blockwise scheme (quantization `details`), which lstmscope does not read.
    let hasDetails: Bool

    init(_ table: FlatTable) throws(FlatBufferError) {
        scales = try table.floats(2)
        zeroPoints = try table.int64s(3)
        hasDetails = try table.uint8(4) != 0
        quantizedDimension = try table.int32(6)
    }
}

/// An op's builtin options table, its fields read with their schema defaults when the table
/// or the field is left out; a damaged table is a load error for `path`.
struct TFLiteOptions {
    let table: FlatTable?
    let path: String

    private func read<T>(_ body: (FlatTable) throws(FlatBufferError) -> T, _ value: T) throws(LoadError) -> T {
        guard let table else { return value }
        do {
            return try body(table)
        } catch {
            throw LoadError(path, .invalidArray, "an op's options: \(error.message)")
        }
    }

    func int8(_ id: Int) throws(LoadError) -> Int8 { try read({ t throws(FlatBufferError) in try t.int8(id) }, 0) }
    func int32(_ id: Int) throws(LoadError) -> Int32 { try read({ t throws(FlatBufferError) in try t.int32(id) }, 0) }
    func bool(_ id: Int, default value: Bool = false) throws(LoadError) -> Bool {
        try read({ t throws(FlatBufferError) in try t.uint8(id, default: value ? 1 : 0) != 0 }, value)
    }
    func float(_ id: Int, default value: Float = 0) throws(LoadError) -> Float {
        try read({ t throws(FlatBufferError) in try t.float(id, default: value) }, value)
    }
}

struct TFLiteOperator {
    let opcodeIndex: Int
    let inputs: [Int32]
    let outputs: [Int32]
    let optionsType: UInt8
    let options: FlatTable?
    let intermediates: [Int32]
    let hasCustomOptions: Bool

    init(_ table: FlatTable) throws(FlatBufferError) {
        opcodeIndex = Int(try table.uint32(0))
        inputs = try table.int32s(1)
        outputs = try table.int32s(2)
        optionsType = try table.uint8(3)
        options = try table.table(4)
        hasCustomOptions = try table.vector(5, elementSize: 1) != nil
        intermediates = try table.int32s(8)
    }
}

/// TFLite tensor types (schema.fbs `TensorType`).
enum TFLiteTensorType: Int8 {
    case float32 = 0, float16 = 1, int32 = 2, uint8 = 3, int64 = 4, string = 5, bool = 6, int16 = 7
    case int8 = 9, float64 = 10

    var name: String { "\(self)" }
}

/// The builtin operators lstmscope reads (schema.fbs `BuiltinOperator`).
enum TFLiteBuiltin: Int32 {
    case add = 0
    case concatenation = 2
    case dequantize = 6
    case fullyConnected = 9
    case logistic = 14
    case mul = 18
    case relu = 19
    case reshape = 22
    case softmax = 25
    case tanh = 28
    case squeeze = 43
    case unidirectionalSequenceLSTM = 44
    case stridedSlice = 45
    case bidirectionalSequenceLSTM = 52
    case expandDims = 70
    case reverseV2 = 105

    /// TFLite's name (`UNIDIRECTIONAL_SEQUENCE_LSTM`).
    var name: String {
        switch self {
        case .add: "ADD"
        case .concatenation: "CONCATENATION"
        case .dequantize: "DEQUANTIZE"
        case .fullyConnected: "FULLY_CONNECTED"
        case .logistic: "LOGISTIC"
        case .mul: "MUL"
        case .relu: "RELU"
        case .reshape: "RESHAPE"
        case .softmax: "SOFTMAX"
        case .tanh: "TANH"
        case .squeeze: "SQUEEZE"
        case .unidirectionalSequenceLSTM: "UNIDIRECTIONAL_SEQUENCE_LSTM"
        case .stridedSlice: "STRIDED_SLICE"
        case .bidirectionalSequenceLSTM: "BIDIRECTIONAL_SEQUENCE_LSTM"
        case .expandDims: "EXPAND_DIMS"
        case .reverseV2: "REVERSE_V2"
        }
    }

    /// Names of operators lstmscope refuses that converters often write, for the message.
    static let otherNames: [Int32: String] = [
        3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 21: "RELU6", 26: "SPACE_TO_DEPTH", 32: "CUSTOM", 36: "GATHER",
        39: "TRANSPOSE", 41: "SUB", 49: "SPLIT", 83: "PACK", 88: "UNPACK", 111: "ELU", 114: "QUANTIZE",
        126: "BATCH_MATMUL", 118: "IF", 119: "WHILE", 150: "GELU", 35: "UNIDIRECTIONAL_SEQUENCE_RNN",
        46: "BIDIRECTIONAL_SEQUENCE_RNN", 16: "LSTM", 27: "SVDF",
    ]
}
