import Foundation
import Testing

@testable import LSTMCore

/// The plots' summary of a long window: per block of steps, each unit's min…max and whether a
/// value was NaN or ±∞, folded 16 lanes at a time with the rest one by one.
@Suite struct StepSummaryTests {
    @Test func blocksHoldTheMinMaxAndTheNonFiniteOfTheirSteps() throws {
        // 20 units: one 16-lane pass and a tail of 4. Steps arrive in runs that split blocks.
        let model = try SyntheticModel.make(inputSize: 3, units: 20)
        let layers = model.traced
        let steps = 200
        var summary = StepSummary(layers: layers, steps: steps)
        #expect(summary.blockSize == WindowReplay.checkpointInterval)
        let vectors = layers[0].vectorNames.count
        var values: [[Float]] = (0..<vectors).map { k in
            (0..<steps * 20).map { (n: Int) -> Float in Float(sin(Double(n * (k + 3)) * 0.37) * Double(k + 1)) }
        }
        // A NaN in a SIMD lane, +∞ in the tail, −∞ in the first lane of another block.
        values[0][37 * 20 + 5] = .nan
        values[0][90 * 20 + 18] = .infinity
        values[5][150 * 20] = -.infinity
        var masked = [Bool](repeating: false, count: steps)
        masked[120] = true
        for run in [0..<24, 24..<100, 100..<200] {
            let series = values.map { Array($0[run.lowerBound * 20..<run.upperBound * 20]) }
            summary.note(layer: 0, firstStep: run.lowerBound, series: series, masked: Array(masked[run]))
        }
        for k in 0..<vectors {
            for unit in [0, 5, 15, 16, 18, 19] {
                for first in stride(from: 0, to: steps, by: 16) {
                    let block = first..<min(steps, first + 16)
                    let e = summary.envelope(layer: 0, vector: k, unit: unit, steps: block, samples: 1)
                    // A masked step has no gates (the trace holds zeros): only c and h count there.
                    let counted = block.filter { !masked[$0] || layers[0].vectorNames[k].isState }
                    let all = counted.map { values[k][$0 * 20 + unit] }
                    let finite = all.filter(\.isFinite)
                    #expect(
                        e.lower[0] == finite.min()! && e.upper[0] == finite.max()!, "vector \(k) unit \(unit) \(first)")
                    #expect(e.nonFinite[0] == (finite.count < all.count), "vector \(k) unit \(unit) \(first)")
                    #expect(e.masked[0] == block.contains(120))
                }
            }
        }
    }

    @Test func theBlockGrowsSoTheSummaryFitsItsBudget() throws {
        let model = try SyntheticModel.make(inputSize: 16, units: 1024)
        let summary = StepSummary(layers: model.traced, steps: 1_000_000)
        #expect(summary.heldFloats <= StepSummary.floatBudget && summary.blockSize == 4096)
        #expect(StepSummary(layers: model.traced, steps: 100).blockSize == 16)
    }
}
