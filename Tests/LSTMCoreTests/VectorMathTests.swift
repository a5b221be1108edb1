import Foundation
@testable import LSTMCore
import Testing

/// The kernel's vectorised σ and tanh against the true functions (in Double): they replace
/// libm inside the fast forward pass, so their error bounds every replayed number.
@Suite struct VectorMathTests {
    /// Every 1/1024 from -20 to 20 (beyond the clamp on both sides), plus tiny and huge values.
    private let samples: [Float] =
        (-20_480...20_480).map { Float($0) / 1024 }
        + [1e-30, -1e-30, 1e-7, -1e-7, 3e-4, -3e-4, 1e30, -1e30, .infinity, -.infinity, .leastNormalMagnitude]

    /// Applies `f` 16 lanes at a time (the last vector padded with zeros).
    private func lanes(_ xs: [Float], _ f: (Vec16) -> Vec16) -> [Float] {
        stride(from: 0, to: xs.count, by: 16).flatMap { start in
            var v = Vec16()
            for k in 0..<min(16, xs.count - start) { v[k] = xs[start + k] }
            let y = f(v)
            return (0..<min(16, xs.count - start)).map { y[$0] }
        }
    }

    @Test func tanhIsWithinThreeTenthsOfAMillionth() {
        let got = lanes(samples) { VectorMath.tanh($0) }
        let errors = zip(samples, got).map { abs(Double($1) - Foundation.tanh(Double($0))) }
        let worst = errors.indices.max { errors[$0] < errors[$1] }!
        #expect(errors[worst] <= 3e-7, "worst |Δ| \(errors[worst]) at \(samples[worst])")
        #expect(got.allSatisfy { abs($0) <= 1 })
    }

    @Test func tanhKeepsRelativePrecisionNearZero() {
        let small: [Float] = [1e-30, -1e-30, 1e-7, 3e-4, -3e-4, 0.01, -0.1]
        for (x, y) in zip(small, lanes(small) { VectorMath.tanh($0) }) {
            let exact = Foundation.tanh(Double(x))
            #expect(abs(Double(y) - exact) <= 4 * Double(Float(exact).ulp), "tanh(\(x)) = \(y), exact \(exact)")
        }
    }

    @Test func sigmoidIsWithinThreeTenthsOfAMillionth() {
        let got = lanes(samples) { VectorMath.sigmoid($0) }
        let worst = zip(samples, got).map { abs(Double($1) - 1 / (1 + Foundation.exp(-Double($0)))) }.max()!
        #expect(worst <= 3e-7, "worst |Δ| \(worst)")
        #expect(got.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    /// σ is within 3 ULP everywhere: far left it is e^x, and a gate there must be that small,
    /// not a constant 1e-7, since it multiplies values an unbounded activation can make huge.
    /// Far right it is 1, as float32's σ is.
    @Test func sigmoidKeepsRelativePrecisionInItsTails() {
        let xs: [Float] = (0...1740).map { 87 - Float($0) / 10 }  // 87 … -87
        for (x, y) in zip(xs, lanes(xs) { VectorMath.sigmoid($0) }) {
            let exact = 1 / (1 + Foundation.exp(-Double(x)))
            #expect(abs(Double(y) - exact) <= 3 * Double(Float(exact).ulp), "σ(\(x)) = \(y), exact \(exact)")
        }
        let ends = lanes([-100, -1e30, 17.4, 20, 1e30, -0.0, -87.3, -87.4]) { VectorMath.sigmoid($0) }
        #expect(ends[0..<5] == [0, 0, 1, 1, 1] && ends[5] == 0.5)
        #expect(ends[6] > 1.1e-38 && ends[6] < 1.3e-38 && ends[7] == 0)
        let special = lanes([.nan, -0.0, -200]) { VectorMath.exp($0) }
        #expect(special[0].isNaN && special[1] == 1 && special[2] == 0)
        let negatives: [Float] = (0...870).map { -Float($0) / 10 }
        for (x, y) in zip(negatives, lanes(negatives) { VectorMath.exp($0) }) {
            let exact = Foundation.exp(Double(x))
            #expect(abs(Double(y) - exact) <= 2 * Double(Float(exact).ulp), "exp(\(x)) = \(y), exact \(exact)")
        }
    }

    @Test func nanStaysNaNAndInfinitiesSaturate() {
        let special: [Float] = [.nan, .infinity, -.infinity, 0]
        let t = lanes(special) { VectorMath.tanh($0) }
        let s = lanes(special) { VectorMath.sigmoid($0) }
        #expect(t[0].isNaN && s[0].isNaN)
        // Saturated: at most 3e-7 short of the limits, never past them.
        #expect(t[1] <= 1 && t[1] >= 1 - 3e-7 && t[2] == -t[1] && t[3] == 0)
        #expect(s[1] == 1 && s[2] == 0 && s[3] == 0.5)
        // NaN next to lanes that take the e^x path stays NaN too.
        let mixed = lanes([.nan, -50, -20, 3]) { VectorMath.sigmoid($0) }
        #expect(mixed[0].isNaN && mixed[1] > 0 && mixed[1] < 1e-21 && mixed[2] > 2e-9 && mixed[2] < 2.1e-9)
    }
}

/// The 8-lane vector math (a layer's last 1–8 units) against the 16-lane one: the same bits lane
/// by lane, for every activation the kernels evaluate, on ordinary, saturating and special values.
@Suite struct LaneWidthTests {
    private let samples: [Float] =
        (-4_000...4_000).map { Float($0) / 97 }
        + [0, -0.0, 1e-30, -1e-30, 1e-7, -87.4, -88, 89, 1e30, -1e30, .infinity, -.infinity, .nan]

    /// f on 16 lanes and on 8 (the same values, in halves), as bit patterns.
    private func bothWidths(_ f16: (Vec16) -> Vec16, _ f8: (SIMD8<Float>) -> SIMD8<Float>) -> ([UInt32], [UInt32]) {
        var wide: [UInt32] = [], narrow: [UInt32] = []
        for start in stride(from: 0, to: samples.count, by: 16) {
            var v = Vec16()
            for k in 0..<min(16, samples.count - start) { v[k] = samples[start + k] }
            let y = f16(v), low = f8(v.lowHalf), high = f8(v.highHalf)
            wide += (0..<16).map { y[$0].bitPattern }
            narrow += (0..<8).map { low[$0].bitPattern } + (0..<8).map { high[$0].bitPattern }
        }
        return (wide, narrow)
    }

    @Test(arguments: [
        Activation.sigmoid, .tanh, .hardSigmoid(.keras2), .hardSigmoid(.keras3), .linear, .relu, .elu, .softsign,
    ])
    func eightLanesGiveTheSixteenLanesBits(activation: Activation) {
        let (wide, narrow) = bothWidths({ activation($0) }, { activation($0) })
        #expect(wide == narrow, "\(activation)")
    }

    @Test func expGivesTheSameBitsAtBothWidths() {
        // exp is defined for x ≤ 0 (σ gives it -|x|).
        let (wide, narrow) = bothWidths(
            { v in VectorMath.exp(v.replacing(with: -v, where: v .> 0)) },
            { v in VectorMath.exp(v.replacing(with: -v, where: v .> 0)) })
        #expect(wide == narrow)
    }
}

/// The readable steps' v·M (SIMD inside) against the plain loop it replaced: bit for bit, on
/// widths around the 16-lane boundary.
@Suite struct VectorMatrixProductTests {
    @Test(arguments: [1, 15, 16, 17, 37, 64, 100])
    func equalsThePlainLoopBitForBit(columns: Int) {
        let rows = 23
        let m = Matrix(rows: rows, columns: columns, values: (0..<rows * columns).map { sin(Float($0) * 0.71) * 0.3 })
        let v = (0..<rows).map { cos(Float($0) * 1.3) }
        let start = (0..<columns).map { Float($0) * 0.01 - 0.2 }
        var fast = start
        addVectorMatrixProduct(v, m, into: &fast)
        var plain = start
        for k in 0..<rows {
            for j in 0..<columns { plain[j] += v[k] * m.values[k * columns + j] }
        }
        #expect(fast.map(\.bitPattern) == plain.map(\.bitPattern))
    }
}
