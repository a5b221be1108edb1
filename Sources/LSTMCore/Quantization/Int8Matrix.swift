/// A weight matrix kept as int8 with one scale per column, as TFLite's hybrid ("dynamic range")
/// kernels hold a layer's weights: w[r, c] = scale[c] · q[r, c], in lstmscope's (in, out) layout.
public struct Int8Matrix: Sendable, Equatable {
    /// Rows: the inputs the matrix reads.
    public let rows: Int
    /// Columns: the outputs (an LSTM's 4·hu gate columns).
    public let columns: Int
    /// q, row-major.
    public let values: [Int8]
    /// The scale of each column (a per-tensor scale repeated).
    public let scales: [Float]
    /// The sum of each column's q (TFLite's row sums, which undo an input zero point): made once,
    /// as TFLite caches them, not on every step.
    public let columnSums: [Int32]

    /// Creates the matrix after checking the counts.
    public init(rows: Int, columns: Int, values: [Int8], scales: [Float]) throws(ShapeError) {
        guard rows > 0, columns > 0, values.count == rows * columns, scales.count == columns else {
            throw ShapeError(
                "an int8 matrix (\(rows), \(columns)) needs \(rows * columns) values and \(columns) scales, "
                    + "not \(values.count) and \(scales.count)")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
        self.scales = scales
        var sums = [Int32](repeating: 0, count: columns)
        for r in 0..<rows {
            for c in 0..<columns { sums[c] &+= Int32(values[r * columns + c]) }
        }
        columnSums = sums
    }

    /// `matrix` quantized as TFLite's converter quantizes weights: symmetric, each block of
    /// `blockWidth` columns with one scale max|w| / 127 (a gate's block for an LSTM, one column —
    /// an output channel — for a Dense), q = round(w / scale).
    public init(quantizing matrix: Matrix, blockWidth: Int) throws(ShapeError) {
        let columns = matrix.columns
        guard blockWidth > 0, columns % blockWidth == 0 else {
            throw ShapeError("\(columns) columns do not split into blocks of \(blockWidth)")
        }
        var scales = [Float](repeating: 1, count: columns)
        for start in stride(from: 0, to: columns, by: blockWidth) {
            var largest: Float = 0
            for r in 0..<matrix.rows {
                for c in start..<(start + blockWidth) { largest = max(largest, abs(matrix[r, c])) }
            }
            let scale = largest > 0 ? largest / 127 : 1
            for c in start..<(start + blockWidth) { scales[c] = scale }
        }
        let values = (0..<matrix.count).map { k in
            Int8(max(-127, min(127, (matrix.values[k] / scales[k % columns]).rounded(.toNearestOrAwayFromZero))))
        }
        try self.init(rows: matrix.rows, columns: columns, values: values, scales: scales)
    }

    /// The float weights the int8 values stand for (what `inspect` and the weight views show).
    public var dequantized: Matrix {
        Matrix(
            rows: rows, columns: columns, values: (0..<values.count).map { Float(values[$0]) * scales[$0 % columns] })
    }

}

/// How a hybrid kernel quantizes its float input before the int8 product, per call (TFLite's
/// `asymmetric_quantize_inputs` option).
public enum InputQuantization: String, Sendable, Equatable {
    /// q = round(x · 127 / max|x|), a scale and no zero point.
    case symmetric
    /// q = round(zp + x / scale) over [min(x, 0), max(x, 0)] onto −128…127, with a zero point.
    case asymmetric
}

/// A layer's weights as a TFLite hybrid kernel holds them: int8 matrices, float biases, the
/// inputs quantized on every call.
public struct HybridWeights: Sendable, Equatable {
    /// W as int8.
    public let kernel: Int8Matrix
    /// U as int8, for a recurrent layer.
    public let recurrentKernel: Int8Matrix?
    /// How x (and h) are quantized before each product.
    public let inputs: InputQuantization

    /// Creates the weights.
    public init(kernel: Int8Matrix, recurrentKernel: Int8Matrix? = nil, inputs: InputQuantization) {
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.inputs = inputs
    }

    /// What `inspect` says of them: `int8 (hybrid: weights int8, x and h quantized per step, asymmetric)`.
    public var summary: String {
        "int8 hybrid: \(recurrentKernel == nil ? "input" : "x and h") quantized to int8 on every "
            + "\(recurrentKernel == nil ? "call" : "step") (\(inputs.rawValue)), products in int32, the rest float32"
    }
}
