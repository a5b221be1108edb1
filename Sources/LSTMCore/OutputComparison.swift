/// How a model's output compares with an expected one (what Keras's `predict` said): the one
/// rule `trace --expect`, the explorer and the reports share.
///
/// Each value's difference is |ours − theirs|, except that NaN where the other has NaN too (a
/// model that overflows the same way) and equal infinities count as 0; NaN against a number is
/// NaN, and any NaN makes the largest difference NaN, so it never matches.
public struct OutputComparison: Sendable, Equatable {
    /// Values in the expected output and in ours.
    public let expectedCount: Int, outputCount: Int
    /// The largest difference, or nil when the lengths differ.
    public let largestDifference: Float?

    /// Compares `output` (ours) with `expected`.
    public init(output: [Float], expected: [Float]) {
        expectedCount = expected.count
        outputCount = output.count
        guard expected.count == output.count else {
            largestDifference = nil
            return
        }
        var largest: Float = 0
        for (a, b) in zip(expected, output) {
            let difference: Float = a.isNaN && b.isNaN || a == b ? 0 : abs(a - b)
            if difference.isNaN {
                largest = .nan
                break
            }
            largest = max(largest, difference)
        }
        largestDifference = largest
    }

    /// Whether the lengths agree and every difference is at most `tolerance`.
    public func matches(tolerance: Float) -> Bool {
        guard let largestDifference, !largestDifference.isNaN else { return false }
        return largestDifference <= tolerance
    }

    /// The tolerance `trace` and the explorer use unless told otherwise.
    public static let defaultTolerance: Float = 1e-5
}
