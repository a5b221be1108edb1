import Foundation
import Explorer
import ExplorerTestSupport
import LSTMCore
import Reports
import Testing

/// A recurrent kind the library has never seen, written here as a new kind would be written in
/// `Sources/LSTMCore/Kinds/`: the walker, every report and the explorer take it with no change.
/// (A real new kind also adds its `LayerKind` case, and `VectorName` cases for new vectors,
/// and a reader in ModelIO; this one borrows SimpleRNN's kind name and h̃, h.)
struct LeakyRNN: RecurrentLayer, Equatable {
    struct Step: RecurrentStep {
        var candidate: [Float]
        var h: [Float]
        var vectors: [[Float]] { [candidate, h] }
    }

    static let kind = LayerKind.simpleRNN
    static let vectorNames: [VectorName] = [.hTilde, .h]
    static let stateNames: [VectorName] = [.h]
    static let gateLayout: [GateBlock]? = nil
    static func inputBlockSteps(forRun steps: Int) -> Int { 1 }

    var name = "leaky"
    let kernel: Matrix
    let recurrentKernel: Matrix
    let leak: Float = 0.25
    var returnSequences = false
    var goBackwards = false
    var zeroOutputForMask = false
    var parameterCount: Int { kernel.count + recurrentKernel.count }

    /// h̃ = tanh(x·W + h·U), h = leak·h_prev + (1 − leak)·h̃.
    func step(x: [Float], state: [[Float]]) -> Step {
        let h = state[0]
        let candidate: [Float] = (0..<units).map { j in
            let z = UnitBreakdown.dot(x, kernel, column: j) + UnitBreakdown.dot(h, recurrentKernel, column: j)
            return Activation.tanh(z)
        }
        return Step(candidate: candidate, h: (0..<units).map { leak * h[$0] + (1 - leak) * candidate[$0] })
    }

    func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?
    { nil }

    func activation(of name: VectorName) -> Activation? { name == .hTilde ? .tanh : nil }

    func weightArrays(input: String, hu: String) -> [WeightArray] {
        [
            WeightArray("W", "kernel", kernel, axes: [input, hu], gated: false),
            WeightArray("U", "recurrent_kernel", recurrentKernel, axes: [hu, hu], gated: false),
        ]
    }

    var settingsText: String { "leak \(leak): h = leak·h_prev + (1 − leak)·tanh(x·W + h·U)" }
    var settings: [LayerSetting] { [LayerSetting("leak", .string(String(leak)))] }

    func unitBreakdown(unit u: Int, x: [Float], previous: [[Float]], current: [[Float]]) -> UnitBreakdown {
        let row = UnitBreakdown.Row(
            .hTilde, "candidate", fromInput: UnitBreakdown.dot(x, kernel, column: u),
            fromState: UnitBreakdown.dot(previous[0], recurrentKernel, column: u), bias: 0, activation: .tanh,
            terms: UnitBreakdown.terms(x: x, kernel, state: previous[0], recurrentKernel, column: u))
        let equation = UnitBreakdown.Equation(
            [
                [
                    [.text("h = leak"), .dot, .text("h_prev + (1 − leak)"), .dot, .symbol(.hTilde)],
                    [.number(current[1][u], wrap: false)],
                ]
            ])
        return UnitBreakdown(layout: .vectors, rows: [row], equations: [equation])
    }
}

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
