import LSTMCore

/// An n-dimensional float array as a file stores it, before it becomes a core ``Matrix``.
struct NDArray: Equatable {
    /// The shape, e.g. `[3, 20]` or `[20]`.
    var shape: [Int]
    /// The values, row-major, converted to Float.
    var values: [Float]
    /// The dtype the file stored (`float16`, `float32`, `float64`).
    var dtype: String

    /// The array as a matrix: 2-D as it is, 1-D as one row.
    var matrix: Matrix? {
        switch shape.count {
        case 2: Matrix(rows: shape[0], columns: shape[1], values: values)
        case 1: Matrix(rows: 1, columns: shape[0], values: values)
        default: nil
        }
    }
}
