import LSTMCore
import Testing

/// The one "matches Keras" rule: NaN with NaN and equal infinities match, NaN against a number
/// never does, wherever it stands, and lengths must agree.
@Suite struct OutputComparisonTests {
    @Test func nanAndInfinitiesFollowOneRule() {
        #expect(OutputComparison(output: [.nan, .infinity, 1], expected: [.nan, .infinity, 1]).matches(tolerance: 0))
        for order in [[Float.nan, 1], [1, Float.nan]] {
            let c = OutputComparison(output: order, expected: [1, 1])
            #expect(c.largestDifference?.isNaN == true)
            #expect(!c.matches(tolerance: 1e9))
        }
        #expect(OutputComparison(output: [.infinity], expected: [1]).largestDifference == .infinity)
        let c = OutputComparison(output: [1, 2.5], expected: [1, 2])
        #expect(c.largestDifference == 0.5 && c.matches(tolerance: 0.5) && !c.matches(tolerance: 0.4))
        let short = OutputComparison(output: [1], expected: [1, 2])
        #expect(short.largestDifference == nil && !short.matches(tolerance: 1))
    }
}
