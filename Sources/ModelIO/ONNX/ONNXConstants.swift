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
        let typed = t.floatData.count + t.int32Data.count + t.int64Data.count + t.doubleData.count
        guard raw.isEmpty || typed == 0 else {
            throw LoadError(
                path, .invalidArray, "tensor \"\(t.name)\" holds both raw_data and typed data: which one is meant?")
        }
        func rawCount(_ size: Int) throws(LoadError) {
            guard raw.count == count * size else {
                throw LoadError(
                    path, .invalidArray,
                    "tensor \"\(t.name)\" of shape \(dims) needs \(count * size) bytes of data but has \(raw.count)")
            }
        }
        func typedCount(_ n: Int) throws(LoadError) {
            guard n == count else {
                throw LoadError(
                    path, .invalidArray, "tensor \"\(t.name)\" of shape \(dims) needs \(count) values but has \(n)")
            }
        }
        switch Onnx_TensorProto.DataType(rawValue: Int(t.dataType)) {
        case .float?:
            if raw.isEmpty && count > 0 {
                try typedCount(t.floatData.count)
                values = t.floatData
            } else {
                try rawCount(4)
                values = raw.withUnsafeBytes { b in
                    (0..<count).map {
                        Float(bitPattern: b.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian)
                    }
                }
            }
            integers = nil
        case .float16?:
            if raw.isEmpty && count > 0 {
                // float16 values sit in int32_data, one per element, in the low 16 bits.
                try typedCount(t.int32Data.count)
                values = t.int32Data.map { Float(Float16(bitPattern: UInt16(truncatingIfNeeded: $0))) }
            } else {
                try rawCount(2)
                values = raw.withUnsafeBytes { b in
                    (0..<count).map {
                        Float(
                            Float16(bitPattern: b.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian))
                    }
                }
            }
            integers = nil
        case .double?:
            let doubles: [Double]
            if raw.isEmpty && count > 0 {
                try typedCount(t.doubleData.count)
                doubles = t.doubleData
            } else {
                try rawCount(8)
                doubles = raw.withUnsafeBytes { b in
                    (0..<count).map {
                        Double(bitPattern: b.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self).littleEndian)
                    }
                }
            }
            values = doubles.map(Float.init)
            integers = nil
        case .int64?:
            var ints: [Int64]
            if raw.isEmpty && count > 0 {
                try typedCount(t.int64Data.count)
                ints = t.int64Data
            } else {
                try rawCount(8)
                ints = raw.withUnsafeBytes { b in
                    (0..<count).map { Int64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
                }
            }
            integers = ints
            values = ints.map(Float.init)
        case .int32?:
            var ints: [Int64]
            if raw.isEmpty && count > 0 {
                try typedCount(t.int32Data.count)
                ints = t.int32Data.map(Int64.init)
            } else {
                try rawCount(4)
                ints = raw.withUnsafeBytes { b in
                    (0..<count).map {
                        Int64(Int32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)))
                    }
                }
            }
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
