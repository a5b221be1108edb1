import LSTMCore

/// A constant tensor of a `.tflite` file, read as float32: float32 as stored, float16 widened
/// (a DEQUANTIZE op of a float16 buffer, as the converter writes float16 models), int8 kept
/// with its scales for the hybrid kernels (and dequantized for display).
struct TFLiteConstant {
    let shape: [Int]
    /// The values as float32 (int8 ones dequantized: scale · q).
    let values: [Float]
    /// How the file stores them.
    let stored: TFLiteTensorType
    /// For int8: the stored values and one scale per row of a (out, in) matrix (or one in all).
    let int8: [Int8]?
    let scales: [Float]
    /// For int32 and int64 (shapes, axes, slice bounds): the whole numbers.
    let integers: [Int]?
    /// For a DEQUANTIZE'd constant: the tensor it was widened from.
    var source: Int?
    /// For int8: whether each row has its own scale (else one scale for the tensor).
    var perRow = false

    /// Values lstmscope holds at most in one tensor (2^28 floats = 1 GiB).
    static let valueLimit = 1 << 28

    init(_ tensor: TFLiteTensor, index: Int, file: TFLiteFile, path: String) throws(LoadError) {
        let what = "tensor \(index) \"\(tensor.name)\""
        guard let count = tensor.count(limit: Self.valueLimit) else {
            throw LoadError(
                path, .badShape,
                "\(what) has shape \(tensor.shapeText): an axis that is not positive or more than "
                    + "2^28 values")
        }
        guard let type = tensor.type, [.float32, .float16, .int8, .int32, .int64].contains(type) else {
            throw LoadError(path, .unsupportedLayer, "\(what) is of TFLite type \(tensor.typeCode)")
        }
        guard !tensor.hasSparsity else {
            throw LoadError(path, .unsupportedLayer, "\(what) is stored sparse, which lstmscope does not read")
        }
        let size = [.float32: 4, .float16: 2, .int8: 1, .int32: 4, .int64: 8][type]!
        let range = file.buffers[tensor.buffer]
        guard range.count == count * size else {
            throw LoadError(
                path, .invalidArray,
                "\(what) has shape \(tensor.shapeText) of \(type.name), so it needs \(count * size) bytes of data, "
                    + "but its buffer has \(range.count)")
        }
        shape = tensor.shape.map(Int.init)
        stored = type
        // Little-endian loads straight from the (bounds-checked above) range: a million weights
        // in milliseconds even in a debug build.
        let (floats, integers): ([Float], [Int]?) = file.bytes.withUnsafeBytes { raw in
            let base = range.lowerBound
            func load<T: FixedWidthInteger>(_ k: Int, _: T.Type) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: base + k * MemoryLayout<T>.size, as: T.self))
            }
            switch type {
            case .float32: return ((0..<count).map { Float(bitPattern: load($0, UInt32.self)) }, nil)
            case .float16: return ((0..<count).map { Float(Float16(bitPattern: load($0, UInt16.self))) }, nil)
            case .int32: return ([], (0..<count).map { Int(load($0, Int32.self)) })
            case .int64: return ([], (0..<count).map { Int(load($0, Int64.self)) })
            default: return ([], nil)
            }
        }
        self.integers = integers
        guard type == .int8 else {
            values = floats
            int8 = nil
            scales = []
            if type == .float32 || type == .float16, let bad = values.first(where: { !$0.isFinite }) {
                throw LoadError(path, .invalidArray, "\(what) holds \(bad)")
            }
            return
        }
        let q = file.bytes[range].map { Int8(bitPattern: $0) }
        guard let quantization = tensor.quantization, !quantization.hasDetails, !quantization.scales.isEmpty,
            quantization.zeroPoints.allSatisfy({ $0 == 0 }),
            quantization.zeroPoints.isEmpty || quantization.zeroPoints.count == quantization.scales.count,
            quantization.quantizedDimension >= 0, Int(quantization.quantizedDimension) < max(shape.count, 1)
        else {
            throw LoadError(
                path, .unsupportedLayer,
                "\(what) is int8 without one symmetric scale per tensor or per row (zero points 0), which "
                    + "lstmscope does not read")
        }
        let rows = shape.first ?? 1
        let perRow = quantization.scales.count == rows && shape.count == 2 && quantization.quantizedDimension == 0
        guard quantization.scales.count == 1 || perRow,
            quantization.scales.allSatisfy({ $0.isFinite && $0 > 0 })
        else {
            throw LoadError(
                path, .invalidArray,
                "\(what) has \(quantization.scales.count) scales for shape \(tensor.shapeText) (dimension "
                    + "\(quantization.quantizedDimension)); lstmscope reads one, or one per row, all positive")
        }
        let scales = perRow ? quantization.scales : [Float](repeating: quantization.scales[0], count: rows)
        int8 = q
        self.scales = scales
        self.perRow = perRow
        let columns = rows == 0 ? 0 : count / rows
        values = (0..<count).map { Float(q[$0]) * scales[$0 / max(columns, 1)] }
        guard values.allSatisfy(\.isFinite) else {
            throw LoadError(
                path, .invalidArray, "\(what) has scales \(quantization.scales.prefix(4)) that overflow float")
        }
    }

    /// A dequantized copy of an int8 or float16 constant read by a DEQUANTIZE op: the values as
    /// float32, remembering how they were stored.
    init(dequantizing source: TFLiteConstant) {
        shape = source.shape
        values = source.values
        stored = source.stored
        int8 = nil
        scales = []
        integers = nil
    }

    /// The (rows, columns) matrix as stored, transposed to (columns, rows): TFLite keeps weights
    /// as (out, in), lstmscope as Keras does, (in, out).
    var transposed: Matrix {
        let rows = shape[0], columns = shape.count > 1 ? shape[1] : 1
        return Matrix(
            rows: columns, columns: rows, values: TFLiteLayout.transposed(values, rows: rows, columns: columns))
    }
}
