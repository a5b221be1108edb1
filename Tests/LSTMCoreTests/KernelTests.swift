import Foundation
import LSTMCore
import TestSupport
import Testing

/// The fast kernel (behind `trace` and `predict`) against the readable `step`, on shapes that
/// exercise every path of it: units not a multiple of 16, several 128-column panels, more steps
/// than one 64-step input block, go_backwards, and activations it evaluates lane by lane.
@Suite struct KernelTests {
    /// A layer with deterministic weights of a size that keeps the gates out of saturation.
    private func layer(
        xu: Int, hu: Int, activation: Activation = .tanh, recurrent: Activation = .sigmoid,
        bias: Bool = true, backwards: Bool = false, sequences: Bool = false
    ) throws -> LSTMLayer {
        let scale = 1 / Float(max(xu, hu)).squareRoot()
        let w = Matrix(rows: xu, columns: 4 * hu, values: (0..<xu * 4 * hu).map { sin(Float($0) * 0.37 + 0.1) * scale })
        let u = Matrix(rows: hu, columns: 4 * hu, values: (0..<hu * 4 * hu).map { cos(Float($0) * 0.61) * scale })
        let b = bias ? (0..<4 * hu).map { sin(Float($0)) * 0.5 } : nil
        return try LSTMLayer(
            name: "lstm", kernel: w, recurrentKernel: u, bias: b, activation: activation,
            recurrentActivation: recurrent, returnSequences: sequences, goBackwards: backwards)
    }

    /// The readable reference: `step` over the rows in reading order.
    private func reference(_ layer: LSTMLayer, _ input: Matrix) -> [LSTMStep] {
        var state = LSTMState.zero(units: layer.units)
        let rows = layer.goBackwards ? Array((0..<input.rows).reversed()) : Array(0..<input.rows)
        return rows.map { t in
            let s = layer.step(x: input.row(t), previous: state)
            state = s.state
            return s
        }
    }

    // (8, 400, 5): U is 2.5 MB, so its panels live in the huge-page mapping of PackedStorage.
    // The last units after the groups of 16 go in 8 lanes when there are at most 8 (5, 8, 24, 33, 70,
    // 129), in 16 when more (12, 28): both widths and the boundary between them.
    @Test(arguments: [
        (3, 5, 7), (1, 1, 3), (1, 8, 20), (2, 12, 9), (16, 16, 65), (5, 24, 70), (3, 28, 11), (7, 33, 130),
        (40, 129, 9), (130, 70, 66), (8, 400, 5),
    ])
    func traceEqualsTheReadableStep(xu: Int, hu: Int, steps: Int) throws {
        let l = try layer(xu: xu, hu: hu)
        let input = Matrix.sineWindow(steps: steps, features: xu)
        let trace = l.trace(input)
        let expected = reference(l, input)
        var worst: Float = 0
        for (t, s) in expected.enumerated() {
            for (name, v) in zip(LSTMLayer.vectorNames, [s.i, s.f, s.cTilde, s.o, s.c, s.h]) {
                worst = max(worst, maxAbsDifference(trace.vector(name, at: t)!, v))
            }
        }
        #expect(worst <= 2e-6, "xu \(xu) hu \(hu) T \(steps): worst |Δ| \(worst)")
        #expect(l.forward(input).values == trace.hidden.row(steps - 1))
    }

    @Test func goBackwardsAndSequencesFollowTheReadingOrder() throws {
        let l = try layer(xu: 4, hu: 20, backwards: true, sequences: true)
        let input = Matrix.sineWindow(steps: 70, features: 4)
        let expected = reference(l, input)
        let hidden = l.forward(input)
        #expect(hidden.rows == 70)
        for (t, s) in expected.enumerated() {
            #expect(maxAbsDifference(hidden.row(t), s.h) <= 2e-6)
        }
    }

    @Test(arguments: [
        (Activation.hardSigmoid(.keras2), Activation.tanh), (.hardSigmoid(.keras3), .relu),
        (.sigmoid, .linear), (.sigmoid, .softsign), (.elu, .selu),
    ])
    func everyActivationPathMatches(recurrent: Activation, activation: Activation) throws {
        // 19 units: a group of 16 and 3 in 8 lanes; 8: only 8 lanes; 28: 16 and 12 in 16 lanes.
        for hu in [19, 8, 28] {
            let l = try layer(xu: 5, hu: hu, activation: activation, recurrent: recurrent, bias: false)
            let input = Matrix.sineWindow(steps: 12, features: 5)
            let trace = l.trace(input)
            for (t, s) in reference(l, input).enumerated() {
                #expect(
                    maxAbsDifference(trace.vector(.h, at: t)!, s.h) <= 2e-6, "\(recurrent) \(activation) \(hu) t \(t)")
            }
        }
    }

    @Test func saturatedGatesStayFiniteAndExact() throws {
        // Pre-activations far beyond ±88, where exp over- and underflows.
        let big = try LSTMLayer(
            name: "big", kernel: Matrix(rows: 1, columns: 8, values: [300, -300, 200, -200, 90, -90, 1000, -1000]),
            recurrentKernel: Matrix(zerosRows: 2, columns: 8), bias: nil)
        let input = Matrix(rows: 2, columns: 1, values: [1, -1])
        let trace = big.trace(input)
        for (t, s) in reference(big, input).enumerated() {
            for (name, v) in zip(LSTMLayer.vectorNames, [s.i, s.f, s.cTilde, s.o, s.c, s.h]) {
                let fast = trace.vector(name, at: t)!
                #expect(fast.allSatisfy { $0.isFinite }, "\(name) at \(t): \(fast)")
                #expect(maxAbsDifference(fast, v) <= 1e-6, "\(name) at \(t): \(fast) vs \(v)")
            }
        }
    }

    @Test func nanInOneWeightSpreadsOnlyWhereTheEquationsTakeIt() throws {
        var w = Matrix(rows: 2, columns: 4 * 17, values: [Float](repeating: 0.1, count: 2 * 4 * 17))
        w[1, 3] = .nan  // input gate of unit 3, from input 1
        let l = try LSTMLayer(
            name: "nan", kernel: w, recurrentKernel: Matrix(zerosRows: 17, columns: 4 * 17), bias: nil)
        let trace = l.trace(Matrix.sineWindow(steps: 2, features: 2))
        let i0 = trace.vector(.i, at: 0)!
        #expect(i0[3].isNaN)
        #expect(i0.enumerated().allSatisfy { $0.offset == 3 || !$0.element.isNaN })
        #expect(trace.vector(.h, at: 0)![3].isNaN)
    }

    @Test func predictEqualsTheTraceOutput() throws {
        let first = try layer(xu: 3, hu: 40, sequences: true)
        let second = try LSTMLayer(
            name: "second", kernel: Matrix(rows: 40, columns: 24, values: (0..<960).map { sin(Float($0)) * 0.2 }),
            recurrentKernel: Matrix(rows: 6, columns: 24, values: (0..<144).map { cos(Float($0)) * 0.3 }), bias: nil)
        let dense = try DenseLayer(
            name: "d", kernel: Matrix(rows: 6, columns: 2, values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
            bias: [0, 1])
        let model = try Model(layers: [.lstm(first), .lstm(second), .dense(dense)], inputSize: 3)
        let window = Matrix.sineWindow(steps: 100, features: 3)
        let trace = try ModelTrace(model: model, input: window)
        #expect(try model.predict(window) == trace.output)
    }
}

/// The kernel split across threads by unit ranges gives the single thread's numbers.
@Suite struct ShardedKernelTests {
    @Test(arguments: [(2, 5, 1), (2, 40, 2), (7, 100, 2), (3, 130, 3), (16, 64, 4)])
    func shardsAgreeWithOneThread(xu: Int, hu: Int, threads: Int) throws {
        let scale = 1 / Float(hu).squareRoot()
        let layer = try LSTMLayer(
            name: "l",
            kernel: Matrix(rows: xu, columns: 4 * hu, values: (0..<xu * 4 * hu).map { sin(Float($0) * 0.3) * scale }),
            recurrentKernel: Matrix(
                rows: hu, columns: 4 * hu, values: (0..<hu * 4 * hu).map { cos(Float($0) * 0.7) * scale }),
            bias: (0..<4 * hu).map { sin(Float($0)) * 0.3 }, returnSequences: true)
        let input = Matrix.sineWindow(steps: 131, features: xu)
        let one = layer.trace(input)
        let many = layer.trace(input, threads: threads)
        for name in LSTMLayer.vectorNames {
            #expect(maxAbsDifference(many.series(name)!.values, one.series(name)!.values) <= 1e-6, "\(name)")
        }
        #expect(maxAbsDifference(layer.forward(input, threads: threads).values, one.hidden.values) <= 1e-6)
    }
}
