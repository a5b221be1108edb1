import Foundation
import LSTMCore
import Testing

/// The step equations on cases small enough to check by hand.
@Suite struct StepTests {
    /// hu = 1, xu = 1: every gate is one number, so the equations can be written out here.
    @Test func oneUnitStepFollowsTheEquations() throws {
        // Columns: i, f, c̃, o.
        let w = Matrix(rows: 1, columns: 4, values: [0.5, -0.25, 1.0, 2.0])
        let u = Matrix(rows: 1, columns: 4, values: [0.1, 0.2, -0.3, 0.4])
        let b: [Float] = [0.0, 1.0, 0.0, -1.0]
        let layer = try LSTMLayer(name: "l", kernel: w, recurrentKernel: u, bias: b)
        let x: Float = 0.8, h0: Float = -0.5, c0: Float = 0.3
        let s = layer.step(x: [x], previous: LSTMState(h: [h0], c: [c0]))

        func sigmoid(_ z: Float) -> Float { 1 / (1 + exp(-z)) }
        let i = sigmoid(x * 0.5 + h0 * 0.1 + 0)
        let f = sigmoid(x * -0.25 + h0 * 0.2 + 1)
        let cTilde = tanh(x * 1.0 + h0 * -0.3 + 0)
        let o = sigmoid(x * 2.0 + h0 * 0.4 - 1)
        let c = f * c0 + i * cTilde
        let h = o * tanh(c)
        #expect(abs(s.i[0] - i) < 1e-7)
        #expect(abs(s.f[0] - f) < 1e-7)
        #expect(abs(s.cTilde[0] - cTilde) < 1e-7)
        #expect(abs(s.o[0] - o) < 1e-7)
        #expect(abs(s.c[0] - c) < 1e-7)
        #expect(abs(s.h[0] - h) < 1e-7)
    }

    /// Zero weights: every gate is σ(0) = 0.5, c̃ = 0, so c and h stay zero.
    @Test func zeroWeightsGiveHalfGatesAndZeroState() throws {
        let layer = try LSTMLayer(
            name: "z", kernel: Matrix(zerosRows: 3, columns: 8),
            recurrentKernel: Matrix(zerosRows: 2, columns: 8), bias: nil)
        let s = layer.step(x: [1, 2, 3], previous: .zero(units: 2))
        #expect(s.i == [0.5, 0.5])
        #expect(s.f == [0.5, 0.5])
        #expect(s.o == [0.5, 0.5])
        #expect(s.cTilde == [0, 0])
        #expect(s.h == [0, 0])
    }

    @Test func gateBlocksFollowKerasColumnOrder() {
        #expect(LSTMGate.input.columns(units: 5) == 0..<5)
        #expect(LSTMGate.forget.columns(units: 5) == 5..<10)
        #expect(LSTMGate.candidate.columns(units: 5) == 10..<15)
        #expect(LSTMGate.output.columns(units: 5) == 15..<20)
        #expect(LSTMGate.locate(column: 12, units: 5)! == (LSTMGate.candidate, 2))
        #expect(LSTMGate.locate(column: 20, units: 5) == nil)
    }

    @Test func contributionSplitsThePreActivation() throws {
        let w = Matrix(rows: 2, columns: 4, values: [1, 2, 3, 4, 5, 6, 7, 8])
        let u = Matrix(rows: 1, columns: 4, values: [0.5, 0.5, 0.5, 0.5])
        let layer = try LSTMLayer(name: "l", kernel: w, recurrentKernel: u, bias: [0.1, 0.2, 0.3, 0.4])
        let part = layer.contribution(of: .forget, unit: 0, x: [1, -1], previousH: [2])
        #expect(part.perInput == [2, -6])
        #expect(part.fromInput == -4)
        #expect(part.fromRecurrent == 1)
        #expect(abs(part.bias - 0.2) < 1e-7)
        #expect(abs(part.total - (-2.8)) < 1e-6)
    }
}
