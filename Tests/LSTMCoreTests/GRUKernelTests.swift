import Foundation
import LSTMCore
import TestSupport
import Testing

/// The GRU kernel (behind GRU `trace`, `predict` and long-window replay) against the readable
/// `step`: both reset_after variants, units not a multiple of 16, several panels, more steps
/// than one 64-step input block, go_backwards, activations evaluated lane by lane.
@Suite struct GRUKernelTests {
    private func layer(
        xu: Int, hu: Int, resetAfter: Bool = true, activation: Activation = .tanh,
        recurrent: Activation = .sigmoid, bias: Bool = true, backwards: Bool = false
    ) throws -> GRULayer {
        let scale = 1 / Float(max(xu, hu)).squareRoot()
        return try GRULayer(
            name: "gru",
            kernel: Matrix(
                rows: xu, columns: 3 * hu, values: (0..<xu * 3 * hu).map { sin(Float($0) * 0.37 + 0.1) * scale }),
            recurrentKernel: Matrix(
                rows: hu, columns: 3 * hu, values: (0..<hu * 3 * hu).map { cos(Float($0) * 0.61) * scale }),
            inputBias: bias ? (0..<3 * hu).map { sin(Float($0)) * 0.5 } : nil,
            recurrentBias: bias && resetAfter ? (0..<3 * hu).map { cos(Float($0)) * 0.3 } : nil,
            resetAfter: resetAfter, activation: activation, recurrentActivation: recurrent, goBackwards: backwards)
    }

    /// The readable reference: `step` over the rows in reading order; z, r, h̃, h per step.
    private func reference(_ layer: GRULayer, _ input: Matrix) -> [[[Float]]] {
        var h = [Float](repeating: 0, count: layer.units)
        let rows = layer.goBackwards ? Array((0..<input.rows).reversed()) : Array(0..<input.rows)
        return rows.map { t in
            let v = layer.step(x: input.row(t), previous: h)
            h = v.h
            return v.vectors
        }
    }

    private func worstDifference(_ l: GRULayer, _ input: Matrix) -> Float {
        let trace = l.trace(input)
        var worst: Float = 0
        for (t, vectors) in reference(l, input).enumerated() {
            for (name, v) in zip(GRULayer.vectorNames, vectors) {
                worst = max(worst, maxAbsDifference(trace.vector(name, at: t)!, v))
            }
        }
        return worst
    }

    @Test(arguments: [(3, 5, 7), (1, 1, 3), (16, 16, 65), (7, 33, 130), (40, 129, 9), (8, 300, 5)], [true, false])
    func traceEqualsTheReadableStep(shape: (Int, Int, Int), resetAfter: Bool) throws {
        let (xu, hu, steps) = shape
        let l = try layer(xu: xu, hu: hu, resetAfter: resetAfter)
        let worst = worstDifference(l, .sineWindow(steps: steps, features: xu))
        #expect(worst <= 2e-6, "xu \(xu) hu \(hu) T \(steps) reset_after \(resetAfter): worst |Δ| \(worst)")
    }

    @Test(arguments: [
        (Activation.hardSigmoid(.keras2), Activation.tanh, true), (.hardSigmoid(.keras3), .relu, false),
        (.sigmoid, .linear, true), (.elu, .softsign, false),
    ])
    func everyActivationPathAndBackwardsMatch(recurrent: Activation, activation: Activation, resetAfter: Bool) throws {
        let l = try layer(
            xu: 5, hu: 19, resetAfter: resetAfter, activation: activation, recurrent: recurrent, bias: false,
            backwards: true)
        let worst = worstDifference(l, .sineWindow(steps: 70, features: 5))
        #expect(worst <= 2e-6, "\(recurrent) \(activation): worst |Δ| \(worst)")
    }
}
