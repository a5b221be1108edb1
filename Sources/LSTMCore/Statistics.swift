import Foundation

/// Summary statistics of a set of values: min, max, mean, standard deviation, L2 norm.
///
/// NaN and infinite values are counted apart and left out of the other figures, so one NaN
/// weight shows up as a count instead of turning every number into NaN.
public struct Statistics: Sendable, Equatable {
    /// Number of finite values.
    public var count: Int
    /// Number of NaN values.
    public var nanCount: Int
    /// Number of ±∞ values.
    public var infinityCount: Int
    /// Smallest finite value (0 when there is none).
    public var min: Float
    /// Largest finite value (0 when there is none).
    public var max: Float
    /// Mean of the finite values.
    public var mean: Float
    /// Population standard deviation of the finite values (NumPy's default).
    public var std: Float
    /// Euclidean norm of the finite values.
    public var l2: Float

    /// Computes the statistics of an array in double precision (a fast path for whole weight matrices).
    public init(_ values: [Float]) {
        self = values.withUnsafeBufferPointer { Statistics(buffer: $0) }
    }

    /// Computes the statistics in double precision.
    public init<C: Collection>(_ values: C) where C.Element == Float {
        self = Array(values).withUnsafeBufferPointer { Statistics(buffer: $0) }
    }

    private init(buffer values: UnsafeBufferPointer<Float>) {
        var n = 0, nans = 0, infs = 0
        var lo = Float.infinity, hi = -Float.infinity
        var sum = 0.0, squares = 0.0
        for v in values {
            if v.isNaN { nans += 1; continue }
            if v.isInfinite { infs += 1; continue }
            n += 1
            lo = Swift.min(lo, v); hi = Swift.max(hi, v)
            sum += Double(v); squares += Double(v) * Double(v)
        }
        count = n; nanCount = nans; infinityCount = infs
        min = n > 0 ? lo : 0
        max = n > 0 ? hi : 0
        let m = n > 0 ? sum / Double(n) : 0
        mean = Float(m)
        std = Float(n > 0 ? Swift.max(squares / Double(n) - m * m, 0).squareRoot() : 0)
        l2 = Float(squares.squareRoot())
    }
}
