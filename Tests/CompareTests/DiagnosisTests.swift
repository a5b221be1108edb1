import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// `compare`'s diagnosis against ports with one planted bug each (written in `Ports.swift`
/// independently of lstmscope's code): the bug is named, and nothing is claimed that a replay
/// did not confirm.
@Suite struct DiagnosisTests {
    static let tolerance: Float = 1e-5

    struct Case {
        let model: Model
        let window: Matrix
        let theirs: TheirValues
    }

    /// The first LSTM or GRU of `file` on a 12-step default window, with a port's h (or
    /// `vectors`) as theirs.
    static func portCase(_ file: String, bug: PortBug, vectors: Set<VectorName>? = [.h], steps: Int = 12) throws
        -> Case
    {
        let model = try ModelLoader.load(Fixtures.path(file))
        let window = Matrix.sineWindow(steps: steps, features: model.inputSize)
        let times = model.windowTimes(steps: steps)[0]
        var theirs = TheirValues()
        switch model.tracedLayers[0] {
        case let l as LSTMLayer:
            let recurrent =
                switch l.recurrentActivation {
                case .hardSigmoid(.keras2): "hard_sigmoid_keras2"
                case .hardSigmoid(.keras3): "hard_sigmoid_keras3"
                default: l.recurrentActivation.kerasName
                }
            TheirValues.from(
                lstmPort(l, window.rowArrays, bug: bug, recurrent: recurrent, activation: l.activation.kerasName),
                layer: 0, times: times, only: vectors, into: &theirs)
        case let g as GRULayer:
            TheirValues.from(
                gruPort(g, window.rowArrays, bug: bug), layer: 0, times: times, only: vectors, into: &theirs)
        default:
            Issue.record("\(file) has no LSTM or GRU first")
        }
        return Case(model: model, window: window, theirs: theirs)
    }

    static func diagnose(_ c: Case) throws -> (TraceComparison, [Diagnosis.Explanation]) {
        let ours = try ModelTrace(model: c.model, input: c.window)
        let times = c.model.windowTimes(steps: c.window.rows)
        let comparison = TraceComparison(ours, times: times, theirs: c.theirs, tolerance: tolerance)
        let found = try Diagnosis.explain(c.model, window: c.window, theirs: c.theirs, tolerance: tolerance)
        return (comparison, found)
    }

    /// One planted bug per hypothesis; the hypothesis must be among those named, and the
    /// comparison must differ.
    @Test(arguments: [
        ("keras/plain.keras", PortBug.gateOrder(["i", "o", "f", "c"]), Hypothesis.Name.gateOrder, "i o f c"),
        ("keras/plain.keras", .gateOrder(["i", "c", "f", "o"]), .gateOrder, "i c f o"),
        ("rnn/gru.keras", .gateOrder(["r", "z", "h"]), .gateOrder, "r z h_tilde"),
        ("keras/activations.keras", .recurrentActivation("hard_sigmoid_keras2"), .hardSigmoidKeras2, ""),
        ("keras2/k2_hardsig.h5", .recurrentActivation("hard_sigmoid_keras3"), .hardSigmoidKeras3, ""),
        ("keras/plain.keras", .recurrentActivation("hard_sigmoid_keras3"), .recurrentActivation, "hard_sigmoid"),
        ("keras/plain.keras", .activation("relu"), .activation, "relu"),
        ("keras/plain.keras", .noBias, .noBias, ""),
        ("rnn/gru.keras", .noRecurrentBias, .noRecurrentBias, ""),
        ("keras/plain.keras", .forgetBiasPlusOne, .forgetBiasPlusOne, ""),
        ("keras/plain.keras", .stateResetEachStep, .stateResetEachStep, ""),
        ("keras/plain.keras", .timeReversed, .timeReversed, ""),
        ("keras/plain.keras", .transposed("W"), .kernelMemoryOrder, "W"),
        ("keras/plain.keras", .transposed("U"), .kernelMemoryOrder, "U"),
        ("rnn/gru.keras", .resetBefore, .gruResetBefore, ""),
        ("rnn/gru_reset_before.keras", .resetAfter, .gruResetAfter, ""),
        ("keras/plain.keras", .float16, .weightsFloat16, ""),
        ("keras/plain.keras", .bfloat16, .weightsBfloat16, ""),
        // A correct port that starts from zeros, of a file that gives an initial state.
        ("onnx/lstm_initial_state.onnx", .none, .initialStateIgnored, ""),
        ("onnx/gru_initial_state_bidi.onnx", .none, .initialStateIgnored, ""),
    ])
    func aPlantedBugIsNamed(file: String, bug: PortBug, expected: Hypothesis.Name, detail: String) throws {
        let (comparison, found) = try Self.diagnose(try Self.portCase(file, bug: bug))
        #expect(!comparison.agrees(tolerance: Self.tolerance), "the bug changed nothing")
        let named = found.filter { $0.hypothesis.name == expected }
        #expect(!named.isEmpty, "\(bug): found \(found.map { "\($0.hypothesis.name) \($0.hypothesis.text)" })")
        if !detail.isEmpty {
            let h = named.first?.hypothesis
            let said = h?.order?.joined(separator: " ") ?? h?.activation ?? h?.matrix ?? ""
            #expect(said == detail, "\(h.map { "\($0)" } ?? "none")")
        }
        // The best explanation replays within float32 rounding of theirs.
        #expect((found.first?.largestDifference ?? 1) < 1e-5)
    }

    /// (Not `keras/activations.keras`: its relu c̃ reaches 15, where float32 rounding alone is
    /// over an absolute 1e-5.)
    @Test(arguments: ["keras/plain.keras", "rnn/gru.keras", "rnn/gru_reset_before.keras", "rnn/gru_stacked.keras"])
    func aCorrectPortInDoubleAgrees(file: String) throws {
        let c = try Self.portCase(file, bug: .none, vectors: nil)
        let (comparison, found) = try Self.diagnose(c)
        #expect(comparison.agrees(tolerance: Self.tolerance), "largest \(comparison.largestDifference)")
        #expect(comparison.firstDivergence == nil && found.isEmpty, "\(found.map(\.hypothesis))")
        #expect(comparison.comparedValues == c.theirs.vectors.values.reduce(0) { $0 + $1.count })
    }

    /// One value changed by hand: the first divergence is exactly it, and no bug is claimed.
    @Test func aGlitchNoBugExplainsIsFoundExactlyAndLeftUndiagnosed() throws {
        let c = try Self.portCase("keras/plain.keras", bug: .none, vectors: nil)
        var theirs = c.theirs
        let key = TheirValues.Key(layer: 0, t: 5, vector: .f)
        var values = theirs.vectors[key]!.map { $0! }
        values[2] += 0.01
        var glitched = TheirValues()
        for (k, v) in theirs.vectors where k != key { _ = glitched.set(k, to: v.map { $0! }) }
        _ = glitched.set(key, to: values)
        theirs = glitched
        let (comparison, found) = try Self.diagnose(Case(model: c.model, window: c.window, theirs: theirs))
        let d = try #require(comparison.firstDivergence)
        #expect(d.t == 5 && d.vector == .f && d.unit == 2 && d.layer == 0)
        #expect(abs(d.difference - 0.01) < 1e-4)
        #expect(found.isEmpty)
    }

    /// The second of three stacked LSTMs reads its gates in ONNX order: the first layer agrees,
    /// the divergence is in the second, and the diagnosis names that layer.
    @Test func aStackedModelWhoseSecondLayerIsWrong() throws {
        let model = try ModelLoader.load(Fixtures.path("keras/stacked3.keras"))
        let window = Matrix.sineWindow(steps: 10, features: model.inputSize)
        let layers = model.tracedLayers.map { $0 as! LSTMLayer }
        var input = window.rowArrays
        var theirs = TheirValues()
        for (l, layer) in layers.enumerated() {
            let steps = lstmPort(
                layer, input, bug: l == 1 ? .gateOrder(["i", "o", "f", "c"]) : .none,
                recurrent: layer.recurrentActivation.kerasName, activation: layer.activation.kerasName)
            TheirValues.from(steps, layer: l, times: Array(0..<10), only: [.h], into: &theirs)
            input = steps.map { $0[.h]! }
        }
        let (comparison, found) = try Self.diagnose(Case(model: model, window: window, theirs: theirs))
        #expect(comparison.firstDivergence?.layer == 1 && comparison.firstDivergence?.t == 0)
        #expect((comparison.largestBySeries[TraceComparison.Series(layer: 0, vector: .h)] ?? 1) < 1e-5)
        let best = try #require(found.first?.hypothesis)
        #expect(best.name == .gateOrder && best.layer == layers[1].name && best.order == ["i", "o", "f", "c"])
    }

    /// Only the output, from a port whose Dense head reads Wout in the other memory order.
    @Test func anOutputOnlyTheirsIsDiagnosedFromTheOutput() throws {
        let model = try ModelLoader.load(Fixtures.path("rnn/gru_reset_before.keras"))
        let window = Matrix.sineWindow(steps: 12, features: model.inputSize)
        let gru = model.tracedLayers[0] as! GRULayer
        guard case .dense(let dense) = model.layers.last! else {
            Issue.record("no Dense head")
            return
        }
        let h = gruPort(gru, window.rowArrays, bug: .none).last![.h]!
        var theirs = TheirValues()
        theirs.output = densePort(dense, h, transposed: true)
        let (comparison, found) = try Self.diagnose(Case(model: model, window: window, theirs: theirs))
        let d = try #require(comparison.firstDivergence)
        #expect(d.vector == nil && d.t == nil)
        #expect(found.contains { $0.hypothesis.name == .kernelMemoryOrder && $0.hypothesis.matrix == "Wout" })
        // The same port with the head right agrees.
        theirs.output = densePort(dense, h)
        #expect(try Self.diagnose(Case(model: model, window: window, theirs: theirs)).0.agrees(tolerance: 1e-5))
    }
}

extension DiagnosisTests {
    /// A Bidirectional whose backward half reads its gates in ONNX order: the hypothesis names
    /// that half's layer, and the forward half agrees.
    @Test func oneHalfOfABidirectionalIsWrong() throws {
        let model = try ModelLoader.load(Fixtures.path("rnn/bidi_concat.keras"))
        let window = Matrix.sineWindow(steps: 10, features: model.inputSize)
        let halves = model.tracedLayers.map { $0 as! LSTMLayer }
        let times = model.windowTimes(steps: 10)
        var theirs = TheirValues()
        for (l, half) in halves.enumerated() {
            let rows = half.goBackwards ? Array(window.rowArrays.reversed()) : window.rowArrays
            var straight = half
            straight = try LSTMLayer(
                name: half.name, kernel: half.kernel, recurrentKernel: half.recurrentKernel, bias: half.bias,
                activation: half.activation, recurrentActivation: half.recurrentActivation)
            let steps = lstmPort(
                straight, rows, bug: l == 1 ? .gateOrder(["i", "o", "f", "c"]) : .none,
                recurrent: half.recurrentActivation.kerasName, activation: half.activation.kerasName)
            TheirValues.from(steps, layer: l, times: times[l], only: [.h], into: &theirs)
        }
        let (comparison, found) = try Self.diagnose(Case(model: model, window: window, theirs: theirs))
        #expect(comparison.firstDivergence?.layer == 1)
        #expect((comparison.largestBySeries[TraceComparison.Series(layer: 0, vector: .h)] ?? 1) < 1e-5)
        let best = try #require(found.first?.hypothesis)
        #expect(best.name == .gateOrder && best.layer == halves[1].name && best.order == ["i", "o", "f", "c"])
    }
}

extension DiagnosisTests {
    /// A window longer than the 16 steps each hypothesis is first tried on, with the output:
    /// the bug survives the prefix, and the whole window (output included) confirms it.
    @Test(arguments: [PortBug.forgetBiasPlusOne, .gateOrder(["i", "o", "f", "c"]), .stateResetEachStep])
    func aLongWindowIsDiagnosedPastItsFirstSteps(bug: PortBug) throws {
        var c = try Self.portCase("keras/plain.keras", bug: bug, vectors: nil, steps: 60)
        guard case .dense(let dense) = c.model.layers.last!, let lstm = c.model.tracedLayers[0] as? LSTMLayer else {
            Issue.record("plain.keras is not LSTM → Dense")
            return
        }
        let h = lstmPort(lstm, c.window.rowArrays, bug: bug, recurrent: "sigmoid").last![.h]!
        var theirs = c.theirs
        theirs.output = densePort(dense, h)
        c = Case(model: c.model, window: c.window, theirs: theirs)
        let (comparison, found) = try Self.diagnose(c)
        #expect(!comparison.agrees(tolerance: Self.tolerance) && comparison.outputDifference != nil)
        #expect(
            found.first.map {
                [Hypothesis.Name.forgetBiasPlusOne, .gateOrder, .stateResetEachStep].contains($0.hypothesis.name)
            } == true,
            "\(found.map(\.hypothesis.name))")
        #expect((found.first?.largestDifference ?? 1) < 1e-5)
    }
}
