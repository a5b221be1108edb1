import Foundation

/// A constant of an ONNX graph (an initializer or a `Constant` node's value), checked against
/// the file before anything is allocated: its declared size, its data's length, its type.
struct ONNXConstant {
    let name: String
    let shape: [Int]
    /// The values as float32 (from float32, float16 or float64 data, or from integers).
    let values: [Float]
    /// The values as integers, for int32 and int64 tensors (axes, shapes, indices).
    let integers: [Int64]?
    /// Whether the file stores it as float32 (the type weights must have beside a float32 input).
    let isFloat32: Bool

    /// The most values one tensor may hold (as for every other reader).
    static let valueLimit = 1 << 28

    init(_ t: Onnx_TensorProto, path: String) throws(LoadError) {
        name = t.name
        if !t.externalData.isEmpty || t.dataLocation == .external {
            throw LoadError(
                path, .refused,
                "tensor \"\(t.name)\" keeps its data in another file (external_data); lstmscope never opens a file "
                    + "a model points to: save the model with its weights inside (onnx.save(model, path, "
                    + "save_as_external_data=False))")
        }
        guard t.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Self.valueLimit) }) else {
            throw LoadError(path, .badShape, "tensor \"\(t.name)\" has a dimension out of range: \(t.dims)")
        }
        let dims = t.dims.map(Int.init)
        var count = 1
        for d in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= Self.valueLimit else {
                throw LoadError(path, .badShape, "tensor \"\(t.name)\" declares more than 2^28 values: \(dims)")
            }
            count = product
        }
        shape = dims
        isFloat32 = t.dataType == Int32(Onnx_TensorProto.DataType.float.rawValue)
        let raw = t.rawData
        let typedValues = t.floatData.count + t.int32Data.count + t.int64Data.count + t.doubleData.count
        guard raw.isEmpty || typedValues == 0 else {
            throw LoadError(
                path, .invalidArray, "tensor \"\(t.name)\" holds both raw_data and typed data: which one is meant?")
        }
        /// The raw data as `count` little-endian `I`s, after checking its length.
        func rawValues<I: FixedWidthInteger>(_: I.Type) throws(LoadError) -> [I] {
            let size = MemoryLayout<I>.size
            guard raw.count == count * size else {
                throw LoadError(
                    path, .invalidArray,
                    "tensor \"\(t.name)\" of shape \(dims) needs \(count * size) bytes of data but has \(raw.count)")
            }
            return raw.withUnsafeBytes { b in
                (0..<count).map { I(littleEndian: b.loadUnaligned(fromByteOffset: size * $0, as: I.self)) }
            }
        }
        /// The typed field's values, after checking their count (raw data is empty).
        func typed<V>(_ values: [V]) throws(LoadError) -> [V] {
            guard values.count == count else {
                throw LoadError(
                    path, .invalidArray,
                    "tensor \"\(t.name)\" of shape \(dims) needs \(count) values but has \(values.count)")
            }
            return values
        }
        let typedData = raw.isEmpty && count > 0
        switch Onnx_TensorProto.DataType(rawValue: Int(t.dataType)) {
        case .float?:
            values = try typedData ? typed(t.floatData) : rawValues(UInt32.self).map(Float.init(bitPattern:))
            integers = nil
        case .float16?:
            // Typed float16 values sit in int32_data, one per element, in the low 16 bits.
            let bits =
                try typedData ? typed(t.int32Data).map { UInt16(truncatingIfNeeded: $0) } : rawValues(UInt16.self)
            values = bits.map { Float(Float16(bitPattern: $0)) }
            integers = nil
        case .double?:
            let doubles = try typedData ? typed(t.doubleData) : rawValues(UInt64.self).map(Double.init(bitPattern:))
            values = doubles.map(Float.init)
            integers = nil
        case .int64?:
            let ints = try typedData ? typed(t.int64Data) : rawValues(Int64.self)
            integers = ints
            values = ints.map(Float.init)
        case .int32?:
            let ints = try typedData ? typed(t.int32Data).map(Int64.init) : rawValues(Int32.self).map(Int64.init)
            integers = ints
            values = ints.map(Float.init)
        default:
            throw LoadError(
                path, .unsupportedLayer,
                "tensor \"\(t.name)\" has ONNX data type \(t.dataType); lstmscope reads float32, float16, float64, "
                    + "int32 and int64 tensors")
        }
    }
}
