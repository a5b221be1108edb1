import Foundation
import LSTMCore
import TestSupport
import Testing

@Suite struct ModelTests {
    private func lstm(xu: Int = 2, hu: Int = 3, sequences: Bool = false, seed: Float = 0.1) throws -> LSTMLayer {
        let w = Matrix(rows: xu, columns: 4 * hu, values: (0..<xu * 4 * hu).map { sin(Float($0) * seed + 1) })
        let u = Matrix(rows: hu, columns: 4 * hu, values: (0..<hu * 4 * hu).map { cos(Float($0) * seed) * 0.5 })
        return try LSTMLayer(
            name: "lstm", kernel: w, recurrentKernel: u, bias: [Float](repeating: 0.1, count: 4 * hu),
            returnSequences: sequences)
    }

    @Test func kernelWhoseSecondAxisIsNotDivisibleByFourIsRefused() {
        #expect(throws: ShapeError.self) {
            try LSTMLayer(
                name: "l", kernel: Matrix(zerosRows: 2, columns: 10),
                recurrentKernel: Matrix(zerosRows: 3, columns: 12), bias: nil)
        }
    }

    @Test func wrongRecurrentKernelAndBiasAreRefusedWithTheExpectedShape() {
        do {
            _ = try LSTMLayer(
                name: "l", kernel: Matrix(zerosRows: 2, columns: 12),
                recurrentKernel: Matrix(zerosRows: 4, columns: 12), bias: nil)
            Issue.record("accepted U (4, 12) for hu = 3")
        } catch {
            #expect(error.message.contains("(3, 12)"))
        }
        #expect(throws: ShapeError.self) {
            try LSTMLayer(
                name: "l", kernel: Matrix(zerosRows: 2, columns: 12),
                recurrentKernel: Matrix(zerosRows: 3, columns: 12), bias: [0, 0])
        }
    }

    @Test func denseRowsMustMatchTheUnitsBeforeIt() throws {
        let dense = try DenseLayer(name: "d", kernel: Matrix(zerosRows: 4, columns: 1), bias: [0])
        #expect(throws: ShapeError.self) {
            try Model(layers: [.lstm(try lstm()), .dense(dense)], inputSize: 2)
        }
    }

    @Test func traceKeepsEveryStepAndItsLastHFeedsTheHead() throws {
        let layer = try lstm()
        let dense = try DenseLayer(name: "d", kernel: Matrix(rows: 3, columns: 1, values: [1, -2, 0.5]), bias: [0.25])
        let model = try Model(layers: [.lstm(layer), .dense(dense)], inputSize: 2, lookBack: 4)
        let window = Matrix.sineWindow(steps: 4, features: 2)
        let trace = try ModelTrace(model: model, input: window)
        #expect(trace.layers.count == 1)
        #expect(trace.layers[0].steps == 4)
        #expect(trace.layers[0].vectorNames.map(\.rawValue) == ["i", "f", "c_tilde", "o", "c", "h"])

        // Step by step by hand with the readable `step`, from zero state. The trace runs on the
        // fast kernel, whose exp/tanh differ from libm's in the last bits.
        var state = LSTMState.zero(units: 3)
        for t in 0..<4 {
            let s = layer.step(x: window.row(t), previous: state)
            #expect(maxAbsDifference(trace.layers[0].vector(.c, at: t)!, s.c) <= 1e-6)
            #expect(maxAbsDifference(trace.layers[0].vector(.f, at: t)!, s.f) <= 1e-6)
            state = s.state
        }
        #expect(maxAbsDifference(trace.output, dense.apply(state.h)) <= 1e-6)
        #expect(trace.output(ifWindowEndedAt: 3, model: model) == trace.output)
        // A window that really ends at t = 1 gives what the trace says it would.
        let short = try ModelTrace(model: model, input: Matrix(rowArrays: [window.row(0), window.row(1)]))
        #expect(trace.output(ifWindowEndedAt: 1, model: model) == short.output)
    }

    @Test func stackedLayersFeedHiddenSequencesForward() throws {
        let first = try lstm(sequences: true)
        let second = try lstm(xu: 3, hu: 2, seed: 0.3)
        let model = try Model(layers: [.lstm(first), .lstm(second)], inputSize: 2)
        let window = Matrix.sineWindow(steps: 5, features: 2)
        let trace = try ModelTrace(model: model, input: window)
        #expect(trace.layers[1].inputs == trace.layers[0].hidden)
        #expect(trace.output == trace.layers[1].hidden.row(4))
    }

    @Test func nanWeightsLoadAndSpreadThroughTheTrace() throws {
        var w = Matrix(zerosRows: 1, columns: 4)
        w[0, 0] = .nan
        let layer = try LSTMLayer(name: "n", kernel: w, recurrentKernel: Matrix(zerosRows: 1, columns: 4), bias: nil)
        let model = try Model(layers: [.lstm(layer)], inputSize: 1)
        let trace = try ModelTrace(model: model, input: Matrix(rows: 2, columns: 1, values: [1, 1]))
        #expect(trace.layers[0].vector(.i, at: 0)![0].isNaN)
        #expect(trace.layers[0].vector(.f, at: 0)![0] == 0.5)
        #expect(trace.output[0].isNaN)
        let stats = Statistics(w.values)
        #expect(stats.nanCount == 1 && stats.count == 3)
    }

    @Test func wrongInputWidthIsAShapeError() throws {
        let model = try Model(layers: [.lstm(try lstm())], inputSize: 2)
        #expect(throws: ShapeError.self) { try ModelTrace(model: model, input: Matrix(zerosRows: 3, columns: 5)) }
    }
}
