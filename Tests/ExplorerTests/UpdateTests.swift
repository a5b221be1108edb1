import Foundation
import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Key sequences → state, with no terminal.
@Suite struct UpdateTests {
    /// While the screen only says it is too small, a key it does not offer changes nothing.
    @Test func keysWaitWhileTheTerminalIsTooSmall() throws {
        var s = try ExplorerSession.sample()
        _ = s.update(.resize(width: 50, height: 12))
        #expect(s.render().text.contains("terminal too small"))
        ExplorerSession.press(&s, .right, .character("4"), .end)
        _ = s.update(.resize(width: 80, height: 24))
        #expect(s.t == 0 && s.view == .step)
        #expect(ExplorerSession.press(&s, .character("q")) == [.quit])
    }

    /// A message longer than the status line wraps onto the lines above it, whole.
    @Test func aLongMessageIsShownWhole() throws {
        var s = try ExplorerSession.sample(width: 60, height: 16)
        _ = s.update(
            .loadFailed(
                "/home/someone/models/experiments/run-42/input_wrong_columns.npy: the input has 4 "
                    + "columns but the model expects 3"
            ))
        let lines = s.render().lines
        // The path is longer than a line: broken across two, not cut.
        #expect(lines[14] == " /home/someone/models/experiments/run-42/input_wrong_column")
        #expect(lines[15].hasPrefix(" s.npy: the input has 4 columns but the model expects 3"))
        #expect(lines[13].contains("if the window ended"))
        #expect(lines.allSatisfy { $0.count <= 60 })
    }

    @Test func helpScrollsOnASmallTerminalAndFitsItsWidth() throws {
        var s = try ExplorerSession.sample(width: 60, height: 16)
        ExplorerSession.press(&s, .character("?"))
        var canvas = s.render()
        #expect(canvas.text.contains("Views"))
        #expect(!canvas.text.contains("reload the model from disk"))
        #expect(canvas.lines.allSatisfy { $0.count <= 60 })
        ExplorerSession.press(&s, .end)
        canvas = s.render()
        #expect(canvas.text.contains("reload the model from disk"))
        #expect(!canvas.text.contains(" Views"))
        ExplorerSession.press(&s, .pageUp, .home)
        #expect(s.render().text.contains(" Views"))
        // Every help text is there when scrolled through, wrapped but whole.
        var seen = ""
        ExplorerSession.press(&s, .home)
        for _ in 0..<80 {
            seen += s.render().lines.dropFirst(2).dropLast().joined(separator: "\n") + "\n"
            ExplorerSession.press(&s, .down)
        }
        let words = seen.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        for (_, text) in ExplorerState.helpLines {
            for word in text.split(separator: " ") { #expect(words.contains(String(word)), "\(word) of \(text)") }
        }
    }

    @Test func stepsMoveThroughTheWindowAndStopAtItsEnds() throws {
        var s = try ExplorerSession.sample()
        #expect(s.view == .step && s.t == 0 && s.steps == 4)
        ExplorerSession.press(&s, .right, .right)
        #expect(s.t == 2)
        ExplorerSession.press(&s, .right, .right, .right)
        #expect(s.t == 3)
        ExplorerSession.press(&s, .left)
        #expect(s.t == 2)
        ExplorerSession.press(&s, .home)
        #expect(s.t == 0)
        ExplorerSession.press(&s, .end)
        #expect(s.t == 3)
    }

    @Test func playAdvancesOnTicksAndStopsAtTheEnd() throws {
        var s = try ExplorerSession.sample()
        ExplorerSession.press(&s, .character(" "))
        #expect(s.playing)
        for _ in 0..<5 { _ = s.update(.tick) }
        #expect(s.t == 3 && !s.playing)
        ExplorerSession.press(&s, .character(" "))
        #expect(s.playing && s.t == 0)
    }

    @Test func viewsAreReachableByNumberTabEnterAndHelp() throws {
        var s = try ExplorerSession.sample()
        ExplorerSession.press(&s, .down, .down, .enter)
        #expect(s.view == .unit && s.unit == 2)
        ExplorerSession.press(&s, .escape)
        #expect(s.view == .step)
        ExplorerSession.press(&s, .character("?"))
        #expect(s.view == .help)
        ExplorerSession.press(&s, .character("?"))
        #expect(s.view == .step)
        ExplorerSession.press(&s, .character("2"))
        #expect(s.view == .weights)
        ExplorerSession.press(&s, .tab)
        #expect(s.view == .step)
        ExplorerSession.press(&s, .backTab, .backTab)
        #expect(s.view == .model)
        #expect(ExplorerSession.press(&s, .character("q")) == [.quit])
    }

    @Test func weightsCursorAndMatrixSelection() throws {
        var s = try ExplorerSession.sample()
        ExplorerSession.press(&s, .character("2"), .right, .right, .down)
        #expect(s.weights.row == 1 && s.weights.column == 2)
        ExplorerSession.press(&s, .end)
        #expect(s.weights.column == 19)
        ExplorerSession.press(&s, .character("]"))
        #expect(s.weights.parameter == 1 && s.weights.column == 0)
        ExplorerSession.press(&s, .character("["), .character("["))
        #expect(s.parameters[s.weights.parameter].seedName == "bout")
        ExplorerSession.press(&s, .character("z"))
        #expect(s.weights.overview)
    }

    /// The input table opens at the step being looked at, and Home/End reach either end.
    @Test func theInputViewFollowsTheStepAndReachesBothEnds() throws {
        var s = try ExplorerSession.sample()
        ExplorerSession.press(&s, .right, .right, .character("5"))
        #expect(s.view == .input && s.inputRow == 2)
        #expect(s.render().text.contains("t = 2 of 0–3, x0 of 3"))
        ExplorerSession.press(&s, .end)
        #expect(s.inputRow == 3 && s.t == 3)
        ExplorerSession.press(&s, .home)
        #expect(s.inputRow == 0 && s.t == 0)
        ExplorerSession.press(
            &s, .enter, .character("1"), .character("e"), .character("9"), .character("9"), .character("9"), .enter)
        #expect(s.messageIsError && s.message == "1e999 is too large for a 32-bit float")
    }

    @Test func editingAnInputValueRecomputesTheWholeTrace() throws {
        var s = try ExplorerSession.sample()
        let before = s.replay.output
        ExplorerSession.press(&s, .character("5"), .down, .right)
        #expect(s.view == .input && s.inputRow == 1 && s.inputColumn == 1)
        ExplorerSession.press(&s, .enter, .character("1"), .character("."), .character("5"), .enter)
        #expect(s.input[1, 1] == 1.5)
        #expect(s.replay.output != before)
        let fresh = try ModelTrace(model: s.model, input: s.input)
        #expect(s.replay.output == fresh.output)
        #expect(s.replay.segment(layer: 0, steps: 0..<s.steps) == fresh.layers[0])
        // What is drawn, too: the steps held for the screen come from the new replay.
        #expect(s.segment == fresh.layers[0].slice(s.segment.stepRange))
        #expect(s.inputSource.hasSuffix("(edited)"))
        ExplorerSession.press(&s, .enter, .character("x"), .enter)
        #expect(s.messageIsError)
    }

    @Test func openPromptCompletesAndAsksTheShellToLoad() throws {
        let model = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        var s = try ExplorerState(model: model, input: nil)
        // The shell's side: it lists the paths, the explorer only asks (update reads no files).
        func tab() {
            for case .completePath(let prefix) in ExplorerSession.press(&s, .tab) {
                let paths = ["models/alpha.keras", "models/beta.h5"].filter { $0.hasPrefix(prefix) }
                _ = s.update(.pathCompletions(prefix: prefix, paths))
            }
        }
        ExplorerSession.press(&s, .character("O"))
        #expect(s.prompt?.purpose == .model)
        // The prompt starts with the current path; clear it.
        for _ in 0..<200 { _ = s.update(.key(.backspace)) }
        for ch in "models/" { _ = s.update(.key(.character(ch))) }
        #expect(ExplorerSession.press(&s, .tab) == [.completePath("models/")])
        tab()
        #expect(s.prompt?.candidates.count == 2)
        ExplorerSession.press(&s, .character("a"))
        tab()
        #expect(s.prompt?.text == "models/alpha.keras")
        // An answer for text the user has typed past is dropped.
        _ = s.update(.pathCompletions(prefix: "models/b", ["models/beta.h5"]))
        #expect(s.prompt?.text == "models/alpha.keras")
        #expect(ExplorerSession.press(&s, .enter) == [.loadModel("models/alpha.keras")])
        #expect(s.prompt == nil)
        #expect(ExplorerSession.press(&s, .character("r")) == [.loadModel(model.provenance.path)])
    }

    @Test func loadedModelsReplaceTheStateAndFailuresAreShown() throws {
        var s = try ExplorerSession.sample()
        let stacked = try ModelLoader.load(Fixtures.sample("stacked.keras"))
        _ = s.update(.modelLoaded(stacked))
        #expect(s.model.tracedLayers.filter { $0 is LSTMLayer }.count == 2)
        #expect(s.input.columns == 4 && s.steps == 10)
        ExplorerSession.press(&s, .character("]"))
        #expect(s.layer == 1 && s.layerTrace.layerName == "lstm_1")
        _ = s.update(.loadFailed("x.keras: no such file"))
        #expect(s.message == "x.keras: no such file" && s.messageIsError)
        _ = s.update(.resize(width: 100, height: 30))
        #expect(s.width == 100 && s.height == 30)
    }
}

/// A window too long to trace at once: the explorer holds only what it draws and runs the rest
/// of the window while idle.
@Suite struct LongWindowTests {
    private func state() throws -> ExplorerState {
        let model = try SyntheticModel.make(inputSize: 3, units: 12, seed: 4)
        let window = SyntheticModel.window(steps: 3000, features: 3)
        return try ExplorerState(model: model, input: window, width: 120, height: 40, eagerLimit: 0)
    }

    @Test func stepsBeyondTheRunPartWaitAndIdleTimeRunsTheWindow() throws {
        var s = try state()
        #expect(s.replay.isLazy && !s.replay.isComplete && s.hasPendingWork)
        #expect(s.render().text.contains("being computed"))
        _ = s.update(.key(.end))
        #expect(s.t == s.replay.computedSteps - 1 && s.t < 2999)
        #expect(s.message?.contains("the window has run as far as t = \(s.t) so far") == true)
        var idles = 0
        while s.hasPendingWork && idles < 10_000 { _ = s.update(.idle); idles += 1 }
        #expect(s.replay.isComplete && !s.hasPendingWork)
        // The note that the run was still going does not outlive the run.
        #expect(s.message == "all 3000 steps have run")
        _ = s.update(.key(.end))
        #expect(s.t == 2999)

        let full = try ModelTrace(model: s.model, input: s.input)
        #expect(s.replay.output == full.output)
        #expect(s.layerTrace.vector(.f, at: 2999) == full.layers[0].vector(.f, at: 2999))
        #expect(s.layerTrace.vector(.c, at: 2998) == full.layers[0].vector(.c, at: 2998))
        let text = s.render().text
        #expect(text.contains("t = 2999 of 0–2999"))
        #expect(!text.contains("being computed"))
    }

    @Test func aJumpHoldsOnlyTheIntervalsAroundTheNewStep() throws {
        var s = try state()
        while !s.replay.isComplete { _ = s.update(.idle) }
        _ = s.update(.key(.home))
        for _ in 0..<1500 { _ = s.update(.key(.right)) }
        #expect(s.t == 1500)
        // Holding is bounded by the strip, not by the window.
        #expect(s.layerTrace.steps <= 4 * 112 + WindowReplay.checkpointInterval)
        #expect(s.layerTrace.stepRange.contains(1499) && s.layerTrace.stepRange.contains(1500))
        while s.hasPendingWork { _ = s.update(.idle) }
        #expect(s.historyRange.allSatisfy { s.layerTrace.stepRange.contains($0) })
        let full = try ModelTrace(model: s.model, input: s.input)
        for t in [s.historyRange.lowerBound, 1500, s.historyRange.upperBound - 1] {
            #expect(s.layerTrace.vector(.h, at: t) == full.layers[0].vector(.h, at: t))
        }
    }
}

/// NaN in the weights: the Step view says where it first appears, and N goes there.
@Suite struct NaNTests {
    @Test func theFirstNaNIsShownAndNGoesThere() throws {
        let model = try ModelLoader.load(Fixtures.path("bad/nan_weights.keras"))
        var s = try ExplorerState(model: model, input: nil, width: 120, height: 40)
        let nan = try #require(s.replay.firstNaN)
        let text = s.render().text
        #expect(text.contains("NaN first appears: \(Glyphs.unicode.symbol(nan.vector)) of layer"))
        _ = s.update(.key(.character("N")))
        #expect(s.t == nan.step && s.layer == nan.layer && s.historyVector == nan.vector)
        #expect(s.layerTrace.vector(nan.vector, at: nan.step)!.contains { $0.isNaN })
        if nan.step > 0 {
            #expect(!(s.layerTrace.vector(nan.vector, at: nan.step - 1)!.contains { $0.isNaN }))
        }
        #expect(s.message?.contains("NaN first appears here") == true)

        var clean = try ExplorerState(model: ModelLoader.load(Fixtures.sample("tutorial.keras")), input: nil)
        #expect(clean.replay.firstNaN == nil && !clean.render().text.contains("NaN first"))
        _ = clean.update(.key(.character("N")))
        #expect(clean.message == "no NaN anywhere in this window")
    }
}

/// GRU and SimpleRNN layers in every view: their own gates in the Step table, their own
/// arithmetic in the Unit detail, with the trace's numbers.
@Suite struct KindsTests {
    @Test(arguments: [
        "rnn/gru.keras", "rnn/gru_reset_before.h5", "rnn/simplernn.keras", "rnn/mixed_stack.keras",
        "torch/gru.safetensors",
        "rnn/bidi_seq.keras", "rnn/bidi_gru.h5", "rnn/bidi_none.keras", "rnn/mask_bidi.h5", "torch/lstm_bidi.npz",
    ])
    func everyViewDrawsEveryKind(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path(file))
        for (width, height) in [(80, 24), (120, 40)] {
            var s = try ExplorerState(model: model, input: nil, width: width, height: height)
            for layer in 0..<s.replay.layers.count {
                for key in [
                    Key.character("3"), .right, .enter, .character("1"), .character("2"), .character("5"),
                    .character("?"),
                ] {
                    _ = s.update(.key(key))
                    _ = s.render()
                }
                _ = s.update(.key(.character("3")))
                let text = s.render().text
                switch s.layerTrace.kind {
                case .gru:
                    #expect(
                        text.contains("z σ") && text.contains("h̃ tanh") && text.contains("h_prev"),
                        "\(file) \(width)")
                case .simpleRNN: #expect(text.contains("h_prev") && !text.contains("c_prev"), "\(file) \(width)")
                default: #expect(text.contains("c̃ tanh"))
                }
                if layer + 1 < s.replay.layers.count { _ = s.update(.key(.character("]"))) }
            }
        }
    }

    @Test func bidirectionalHalvesShowEachOtherAndTheirReadingOrder() throws {
        var s = try ExplorerState(
            model: ModelLoader.load(Fixtures.path("rnn/bidi_seq.keras")), input: nil, width: 120, height: 40)
        _ = s.update(.key(.right))
        var text = s.render().text
        #expect(text.contains("(LSTM 4, forward, 1 of 3)") && text.contains("backward half at the same t: h = ["))
        _ = s.update(.key(.character("]")))
        text = s.render().text
        // t is the window's row in every layer: ] keeps row 1, which the backward half reads at
        // its step T − 2, and says so.
        let shownT = "t = 1 of 0–\(s.steps - 1)"
        #expect(text.contains("(LSTM 4, backward, 2 of 3)") && text.contains(shownT))
        #expect(text.contains("reads backwards: its step \(s.steps - 2), → goes to t − 1") && s.shownT == 1)
        ExplorerSession.press(&s, .right)
        #expect(s.shownT == 0 && s.t == s.steps - 1)
        #expect(text.contains(" x_t = [") && !text.contains("h of the layer below"))
        // The backward half's step 1 reads the row the forward half reads at index T − 2.
        #expect(s.layerTrace.input(at: 1) == s.input.row(s.steps - 2))
    }

    /// With reset_after the z and r rows split their sum as h·U alone and b + b' (the
    /// recurrent bias had been counted into h·U).
    @Test func theGRUUnitDetailShowsBothBiasesUnderB() throws {
        let model = try ModelLoader.load(Fixtures.path("rnn/gru.keras"))
        guard let g = model.layers[0].recurrentLayer as? GRULayer, let b = g.inputBias, let b2 = g.recurrentBias else {
            Issue.record("rnn/gru.keras has no reset_after GRU with both biases")
            return
        }
        var s = try ExplorerState(model: model, input: nil, width: 120, height: 40)
        _ = s.update(.key(.right))
        _ = s.update(.key(.enter))
        let text = s.render().text
        let hPrev = s.layerTrace.vector(.h, at: 0)!
        let hU = zip(hPrev, 0..<g.units).reduce(Float(0)) { $0 + $1.0 * g.recurrentKernel[$1.1, 0] }
        let zLine = text.split(separator: "\n").first { $0.contains("z update") }.map(String.init) ?? ""
        #expect(
            zLine.contains(String(format: "%+.4f", hU)) && zLine.contains(String(format: "%+.4f", b[0] + b2[0])),
            "\(zLine)")
        #expect(text.contains("b of z and r is b + b'"))
        // The largest products, as the LSTM detail lists them: here the biggest of x·W's.
        let x = s.layerTrace.input(at: 1)!
        let products =
            (0..<g.inputSize).map { x[$0] * g.kernel[$0, 0] }
            + (0..<g.units).map { hPrev[$0] * g.recurrentKernel[$0, 0] }
        let largest = products.enumerated().max { abs($0.element) < abs($1.element) }!
        let name = largest.offset < g.inputSize ? "x\(largest.offset)" : "h\(largest.offset - g.inputSize)"
        #expect(
            text.contains("largest contributions")
                && zLine.contains("\(name) \(String(format: "%+.4f", largest.element))"), "\(zLine)")
    }

    /// A step the mask skipped says so in the Step table (dashes for gates) and in the Unit
    /// detail (the carried state, no gate arithmetic that never happened).
    @Test func maskedStepsShowNoGateArithmetic() throws {
        let model = try ModelLoader.load(Fixtures.path("rnn/mask_lstm.keras"))
        let keras = try KerasTrace(path: Fixtures.path("rnn/mask_lstm-trace.json"))
        var s = try ExplorerState(model: model, input: keras.input, width: 100, height: 30)
        _ = s.update(.key(.right))
        _ = s.update(.key(.right))
        #expect(s.layerTrace.isMasked(at: s.t))
        var text = s.render().text
        #expect(text.contains("masked step") && text.contains("\u{2014}"))
        _ = s.update(.key(.enter))
        text = s.render().text
        let cPrev = s.layerTrace.value(.c, at: s.t - 1, unit: s.unit)!
        #expect(text.contains("c = c_prev = \(String(format: "%.4f", cPrev))"), "\(text)")
        #expect(!text.contains("σ(z)") && !text.contains("forget gate"))
        _ = s.update(.key(.escape))
        _ = s.update(.key(.right))
        _ = s.update(.key(.right))
        #expect(!s.layerTrace.isMasked(at: s.t) && !s.render().text.contains("\u{2014}"))
    }

    /// A GRU's matrices are split into their z, r, h̃ blocks like an LSTM's into four, with
    /// the bias rows named b and b'; the Model view shows its 3·hu axis.
    @Test func gruWeightsShowTheirGateBlocks() throws {
        var s = try ExplorerState(
            model: ModelLoader.load(Fixtures.path("rnn/gru.keras")), input: nil, width: 120, height: 40)
        _ = s.update(.key(.character("1")))
        #expect(s.render().text.contains("3·hu axis of gru (columns of W, U, b):"))
        _ = s.update(.key(.character("2")))
        var text = s.render().text
        #expect(text.contains("z 0–3") && text.contains("h̃ 8–11") && text.contains("r reset gate"))
        #expect(text.contains("row 0 (x0), column 0 → gate z (update gate), unit 0"), "\(text)")
        for _ in 0..<2 { _ = s.update(.key(.character("]"))) }
        for _ in 0..<9 { _ = s.update(.key(.right)) }
        _ = s.update(.key(.down))
        text = s.render().text
        #expect(
            text.contains("(2, 12) = (b | b', 3·hu)")
                && text.contains("row 1 (b'), column 9 → gate h̃ (candidate), unit 1"), "\(text)")
    }

    @Test func theGRUUnitDetailRebuildsTheTracedValues() throws {
        var s = try ExplorerState(
            model: ModelLoader.load(Fixtures.path("rnn/gru_reset_before.keras")), input: nil, width: 120, height: 40)
        _ = s.update(.key(.right))
        _ = s.update(.key(.down))
        _ = s.update(.key(.enter))
        let text = s.render().text
        #expect(text.contains("reset before U"))
        #expect(text.contains("z update") && text.contains("r reset") && text.contains("(kept + new)"), "\(text)")
        // The detail recomputes z from the weights; it must be the traced z, as the Step view shows it.
        let z = s.layerTrace.vector(.z, at: s.t)![s.unit]
        _ = s.update(.key(.escape))
        let step = s.render().text
        let zLine = step.split(separator: "\n").first { $0.hasPrefix(">") }.map(String.init) ?? ""
        #expect(
            zLine.contains(String(format: "%+.3f", z)) || zLine.contains(String(format: "%+.4f", z)), "\(zLine) \(z)")
    }
}
