import Foundation

/// A dense row-major matrix of 32-bit floats, the storage of every weight and trace in lstmscope.
///
/// Keras keeps its weights in float32 and computes in float32, so replaying a model with
/// `Float` is what makes our numbers equal `model.predict` to ~1e-6.
///
/// ```swift
/// let w = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
/// w[1, 2]   // 6
/// w.row(0)  // [1, 2, 3]
/// ```
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements, row after row (`rows * columns` of them).
    public var values: [Float]

    /// Creates a matrix from row-major values; `values.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(
            rows >= 0 && columns >= 0 && values.count == rows * columns,
            "Matrix: \(values.count) values do not fill \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Creates a matrix of zeros.
    public init(zerosRows rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
    }

    /// Creates a matrix from an array of equally long rows.
    public init(rowArrays: [[Float]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "Matrix: ragged rows")
        self.init(rows: rowArrays.count, columns: columns, values: rowArrays.flatMap { $0 })
    }

    /// The element at `row`, `column`.
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// One row as a new array.
    public func row(_ index: Int) -> [Float] {
        Array(values[index * columns..<(index + 1) * columns])
    }

    /// The rows as arrays, for printing and JSON.
    public var rowArrays: [[Float]] { (0..<rows).map(row) }

    /// Rows `order` (indexes, any order, repeats allowed) as a new matrix: a window in the
    /// order a layer reads it.
    public func rows(_ order: some Collection<Int>) -> Matrix {
        var out = [Float]()
        out.reserveCapacity(order.count * columns)
        for r in order { out.append(contentsOf: values[r * columns..<(r + 1) * columns]) }
        return Matrix(rows: order.count, columns: columns, values: out)
    }

    /// Columns `range` of every row, as a new matrix (used for gate blocks).
    public func columns(_ range: Range<Int>) -> Matrix {
        var out = [Float]()
        out.reserveCapacity(rows * range.count)
        for r in 0..<rows {
            out.append(contentsOf: values[r * columns + range.lowerBound..<r * columns + range.upperBound])
        }
        return Matrix(rows: rows, columns: range.count, values: out)
    }

    /// Total number of elements.
    public var count: Int { values.count }
}

extension Matrix {
    /// The documented window used when no input is given: `x[t][k] = sin(0.5·t + k)`.
    ///
    /// Deterministic and smooth, with every feature different, so a trace shows something.
    public static func sineWindow(steps: Int, features: Int) -> Matrix {
        var m = Matrix(zerosRows: steps, columns: features)
        for t in 0..<steps {
            for k in 0..<features { m[t, k] = Float(Foundation.sin(0.5 * Double(t) + Double(k))) }
        }
        return m
    }

    /// Most values a default window may hold (1 GiB of floats): a model file's look_back sizes it,
    /// and a file must not be able to make that an allocation of terabytes.
    public static let maximumDefaultWindowValues = 1 << 28

    /// ``sineWindow(steps:features:)`` after checking its size against
    /// ``maximumDefaultWindowValues`` (and both numbers against overflow).
    public static func checkedSineWindow(steps: Int, features: Int) throws(ShapeError) -> Matrix {
        let (values, overflow) = steps.multipliedReportingOverflow(by: features)
        guard steps >= 1, features >= 1, !overflow, values <= maximumDefaultWindowValues else {
            throw ShapeError(
                "a default window of \(steps) steps × \(features) features is more than "
                    + "\(maximumDefaultWindowValues) values; give a window with --input, or a shorter one with --steps")
        }
        return sineWindow(steps: steps, features: features)
    }

    /// The formula of ``sineWindow(steps:features:)``, for messages.
    public static let sineWindowFormula = "x[t][k] = sin(0.5·t + k)"
}
