import Foundation
import Explorer
import ExplorerTestSupport
import LSTMCore
import Reports
import TestSupport
import Testing

/// A recurrent kind the library has never seen (`LeakyRNN`, in TestSupport, written as a new
/// kind would be written in `Sources/LSTMCore/Kinds/`): the walker, every report and the
/// explorer take it with no change.
@Suite struct NewKindTests {
    static let leaky = LeakyRNN(
        kernel: Matrix(rows: 2, columns: 3, values: (0..<6).map { sin(Float($0)) }),
        recurrentKernel: Matrix(rows: 3, columns: 3, values: (0..<9).map { cos(Float($0)) * 0.5 }),
        returnSequences: true)

    static func model() throws -> Model {
        try Model(
            layers: [
                .recurrent(leaky),
                .dense(
                    try DenseLayer(
                        name: "out", kernel: Matrix(rows: 3, columns: 1, values: [1, -1, 0.5]), bias: [0.1])),
            ], inputSize: 2)
    }

    @Test func theWalkerRunsItAsItsStepSays() throws {
        let model = try Self.model()
        let window = Matrix.sineWindow(steps: 40, features: 2)
        let trace = try ModelTrace(model: model, input: window)
        var state = Self.leaky.zeroState
        for t in 0..<40 {
            let step = Self.leaky.step(x: window.row(t), state: state)
            state = Self.leaky.state(after: step)
            #expect(
                trace.layers[0].vector(.h, at: t) == step.h && trace.layers[0].vector(.hTilde, at: t) == step.candidate)
        }
        #expect(try model.predict(window) == trace.output)
        // The lazy replay walks it in blocks from checkpoints, bit for bit.
        var lazy = try WindowReplay(model: model, input: window, eagerLimit: 0)
        while !lazy.isComplete { lazy.advance(steps: 16) }
        #expect(lazy.isLazy && lazy.output == trace.output)
        #expect(lazy.segment(layer: 0, steps: 17..<23) == trace.layers[0].slice(17..<23))
    }

    @Test func reportsAndTheExplorerShowIt() throws {
        let model = try Self.model()
        let inspect = InspectReport(model: model)
        #expect(inspect.text.contains("leak 0.25: h = leak·h_prev") && inspect.json.contains("\"leak\": \"0.25\""))
        var json = ""
        _ = try TraceReport(model: model, input: Matrix.sineWindow(steps: 3, features: 2)).writeJSON { json += $0 }
        #expect(json.contains("\"h_tilde\": ["))
        var s = try ExplorerState(model: model, input: nil, width: 100, height: 30)
        ExplorerSession.press(&s, .character("3"))
        #expect(s.render().text.contains("h\u{303} tanh"))
        ExplorerSession.press(&s, .right, .enter)
        let unit = s.render().text
        #expect(unit.contains("h\u{303} candidate") && unit.contains("h = leak·h_prev + (1 − leak)·h\u{303}"))
        ExplorerSession.press(&s, .character("1"))
        #expect(s.render().text.contains("SimpleRNN(3, seq)"))
    }
}
