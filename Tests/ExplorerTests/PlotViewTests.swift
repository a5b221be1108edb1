@testable import Explorer
import ExplorerTestSupport
@testable import LSTMCore
import ModelIO
import TestSupport
import Testing

/// The Plot view: what its charts summarise (each dot column the min…max of its steps, exact
/// or from a long window's summary), its zoom and cursor, its marks, and its frames.
@Suite struct PlotViewTests {
    /// A 1000-step window of the PyTorch LSTM (any length runs), NaN in rows 600…609.
    static func window(steps: Int = 1000) -> Matrix {
        var x = Matrix.sineWindow(steps: steps, features: 3)
        for t in 600..<min(610, steps) { x[t, 1] = .nan }
        return x
    }

    static func state(
        steps: Int = 1000, width: Int = 100, height: Int = 30, eagerLimit: Int = WindowReplay.defaultEagerLimit
    ) throws -> ExplorerState {
        var model = try ModelLoader.load(Fixtures.path("torch/lstm.safetensors"))
        model.provenance.path = "torch/lstm.safetensors"
        var s = try ExplorerState(
            model: model, input: window(steps: steps), width: width, height: height, eagerLimit: eagerLimit)
        ExplorerSession.press(&s, .character("7"))
        return s
    }

    /// Unit `unit`'s `vector` over `range` cut as the envelope cuts it, straight from a full trace.
    static func direct(_ lt: LayerTrace, _ vector: VectorName, unit: Int, _ e: Envelope) -> [(Float, Float, Bool)] {
        (0..<e.samples).map { s in
            let values = e.steps(ofSample: s).map { lt.value(vector, at: $0, unit: unit)! }
            let finite = values.filter(\.isFinite)
            return (finite.min() ?? .infinity, finite.max() ?? -.infinity, finite.count < values.count)
        }
    }

    @Test func samplesCoverEveryStepOnceAndFindTheirStep() throws {
        for (steps, samples) in [(1000, 182), (10, 70), (7, 7), (100_000, 382)] {
            let range = 3..<(3 + steps)
            var next = range.lowerBound
            for s in 0..<samples {
                let covered = Envelope.steps(ofSample: s, of: samples, in: range)
                // More samples than steps: neighbours share a step; else they tile the range.
                #expect(covered.lowerBound == next || (samples > steps && covered.lowerBound == next - 1))
                next = covered.upperBound
            }
            #expect(next == range.upperBound)
            // Each step's first sample is the first that covers it.
            let e = Envelope(steps: range, samples: samples, resolution: 1)
            for t in [range.lowerBound, range.lowerBound + steps / 2, range.upperBound - 1] {
                let s = try #require(e.sample(ofStep: t))
                #expect(e.steps(ofSample: s).contains(t) && (s == 0 || !e.steps(ofSample: s - 1).contains(t)))
            }
        }
    }

    /// Exact envelopes (a window traced whole) and the summary's (a lazy replay of the same
    /// window) equal a direct min…max over the full trace; the summary's stand for whole blocks.
    @Test func envelopesEqualADirectMinMaxOverTheTrace() throws {
        let s = try Self.state()
        let lazy = try Self.state(eagerLimit: 1000)
        var replay = lazy.replay
        while !replay.isComplete { replay.advance(steps: 4096) }
        #expect(!s.replay.isLazy && replay.isLazy)
        let full = try ModelTrace(model: s.model, input: s.input).layers[0]
        let summary = try #require(replay.summary)
        for vector in full.vectorNames {
            for (range, samples) in [(0..<1000, 182), (590..<620, 60), (0..<1000, 1000 / summary.blockSize)] {
                let exact = try #require(s.replay.envelope(layer: 0, vector, unit: 2, steps: range, samples: samples))
                let want = Self.direct(full, vector, unit: 2, exact)
                #expect(exact.resolution == 1)
                for k in 0..<samples {
                    #expect(exact.lower[k] == want[k].0 && exact.upper[k] == want[k].1, "\(vector) \(range) \(k)")
                    #expect(exact.nonFinite[k] == want[k].2)
                }
                let coarse = try #require(replay.envelope(layer: 0, vector, unit: 2, steps: range, samples: samples))
                #expect(coarse.resolution == summary.blockSize)
                for k in 0..<samples {
                    // The union of the blocks the sample touches: the same min…max as the direct one over them.
                    let steps = coarse.steps(ofSample: k)
                    let size = summary.blockSize
                    let blocks = steps.lowerBound / size * size..<min(1000, ((steps.upperBound - 1) / size + 1) * size)
                    let values = blocks.map { full.value(vector, at: $0, unit: 2)! }
                    let finite = values.filter(\.isFinite)
                    #expect(coarse.lower[k] == finite.min() ?? .infinity)
                    #expect(coarse.upper[k] == finite.max() ?? -.infinity)
                    #expect(coarse.nonFinite[k] == (finite.count < values.count))
                }
            }
        }
    }

    @Test func zoomFollowsTheCursorAndPagesMoveAScreen() throws {
        var s = try Self.state()
        #expect(s.plotRange == 0..<1000)
        ExplorerSession.press(&s, .character(":"), .character("7"), .character("0"), .character("0"), .enter)
        ExplorerSession.press(&s, .character("+"), .character("+"))
        #expect(s.plotRange == 575..<825 && s.t == 700)
        ExplorerSession.press(&s, .pageDown)
        #expect(s.t == 950 && s.plotRange.contains(950) && s.plotRange.count == 250)
        ExplorerSession.press(&s, .end, .character("-"))
        #expect(s.plotRange == 500..<1000)
        for _ in 0..<20 { ExplorerSession.press(&s, .character("+")) }
        #expect(s.plotRange.count == PlotViewport.smallestSpan && s.plotRange.contains(999))
        ExplorerSession.press(&s, .character("z"))
        #expect(s.plotRange == 0..<1000 && s.t == 999)
        // v: each vector alone, then all again.
        let names = s.layerTrace.vectorNames
        for name in names {
            ExplorerSession.press(&s, .character("v"))
            #expect(s.plot.vector == name)
        }
        ExplorerSession.press(&s, .character("v"))
        #expect(s.plot.vector == nil)
        // Enter: the Step view at the same t.
        ExplorerSession.press(&s, .enter)
        #expect(s.view == .step && s.t == 999)
    }

    /// A long window's plot, zoomed in past its summary's blocks, recomputes the steps shown:
    /// the same picture as the window traced whole.
    @Test func aLongWindowZoomedInDrawsWhatTheWholeTraceDraws() throws {
        var eager = try Self.state(width: 120, height: 40)
        var lazy = try Self.state(width: 120, height: 40, eagerLimit: 1000)
        while lazy.hasPendingWork { _ = lazy.update(.idle) }
        #expect(lazy.replay.isLazy)
        for key: Key in [.character("z"), .character(":"), .character("3"), .character("0"), .enter] {
            ExplorerSession.press(&eager, key)
            ExplorerSession.press(&lazy, key)
        }
        for _ in 0..<4 {
            ExplorerSession.press(&eager, .character("+"))
            ExplorerSession.press(&lazy, .character("+"))
            #expect(eager.plotRange == lazy.plotRange)
            let frame = { (s: ExplorerState) in s.render().lines.dropFirst(2).dropLast(1).joined(separator: "\n") }
            #expect(frame(eager) == frame(lazy), "\(lazy.plotRange)")
        }
    }

    @Test func marksShowNaNAndTheLegendSaysSo() throws {
        let s = try Self.state()
        let lines = s.render().lines
        let marks = try #require(lines.first { $0.hasPrefix("   marks") })
        let columns = s.width - 10
        // NaN from row 600 on (it stays in the state): the marks start at row 600's column.
        let first = try #require(marks.firstIndex(of: "!"))
        let column = marks.distance(from: marks.startIndex, to: first) - 10
        #expect(abs(column - 600 * columns / 1000) <= 1, "\(marks)")
        #expect(lines.contains { $0.contains("! NaN or inf") })
        // The t axis has its ticks at round rows, 0 first.
        let axis = try #require(lines.first { $0.hasPrefix("       t") })
        #expect(axis.contains("'0 ") && axis.contains("'500"), "\(axis)")
    }

    /// Golden frames with styles at 80×24 and 200×60 (the cursor reversed, each vector its
    /// colour, NaN marks red), zoomed in once, and in ASCII.
    @Test(arguments: [(80, 24), (200, 60)])
    func plotFrames(width: Int, height: Int) throws {
        var s = try Self.state(width: width, height: height)
        ExplorerSession.press(&s, .character(":"), .character("5"), .character("5"), .character("0"), .enter)
        expectSnapshot(s.render().styledText, named: "styled-plot-\(width)x\(height)", suite: "ExplorerTests")
        ExplorerSession.press(&s, .character("+"), .character("+"), .character("+"))
        expectSnapshot(s.render().styledText, named: "styled-plot-zoom-\(width)x\(height)", suite: "ExplorerTests")
    }

    @Test func asciiPlot() throws {
        var model = try ModelLoader.load(Fixtures.path("torch/lstm.safetensors"))
        model.provenance.path = "torch/lstm.safetensors"
        var s = try ExplorerState(model: model, input: Self.window(), width: 80, height: 24, glyphs: .ascii)
        ExplorerSession.press(&s, .character("7"), .character("v"))
        let frame = s.render()
        #expect(frame.text.unicodeScalars.allSatisfy { $0.isASCII })
        expectSnapshot(frame.text, named: "plot-ascii", suite: "ExplorerTests")
    }

    /// A masked step computes no gates: the gates' charts leave it out (no dip to 0), c and h
    /// (carried) keep it, and the marks line says where.
    @Test func maskedStepsDoNotPullTheGatesToZero() throws {
        let model = try ModelLoader.load(Fixtures.path("rnn/mask_lstm.keras"))
        var window = try ExplorerState.defaultWindow(for: model)
        for k in 0..<window.columns { window[4, k] = 0 }
        var s = try ExplorerState(model: model, input: window, width: 100, height: 30)
        ExplorerSession.press(&s, .character("7"))
        let lt = try ModelTrace(model: model, input: window).layers[0]
        #expect(lt.isMasked(at: 4) && lt.value(.f, at: 4, unit: 0) == 0)
        let e = try #require(s.replay.envelope(layer: 0, .f, unit: 0, steps: 4..<5, samples: 1))
        #expect(e.masked[0] && e.lower[0] > e.upper[0], "a masked step has no f: \(e)")
        let c = try #require(s.replay.envelope(layer: 0, .c, unit: 0, steps: 4..<5, samples: 1))
        #expect(c.lower[0] == lt.value(.c, at: 4, unit: 0)!)
        let text = s.render().text
        #expect(text.contains("m masked"), "\(text)")
    }

    /// Both halves of a Bidirectional show the same t for the same window row: `]` keeps the
    /// row, and the backward half's chart runs down the window (its axis descends).
    @Test func theBackwardHalfKeepsTheRowAndItsAxisDescends() throws {
        var model = try ModelLoader.load(Fixtures.path("rnn/bidi_concat.keras"))
        model.provenance.path = "rnn/bidi_concat.keras"
        var s = try ExplorerState(model: model, input: nil, width: 80, height: 24)
        ExplorerSession.press(&s, .character("7"), .right, .right)
        #expect(s.shownT == 2)
        ExplorerSession.press(&s, .character("]"))
        #expect(s.layer == 1 && s.shownT == 2 && s.t == s.steps - 3)
        let text = s.render().text
        #expect(text.contains("t = \(s.steps - 1)…0 (all \(s.steps) steps)"), "\(text)")
        expectSnapshot(text, named: "plot-bidi-backward", suite: "ExplorerTests")
        ExplorerSession.press(&s, .character("["))
        #expect(s.layer == 0 && s.shownT == 2)
    }

    /// Values far apart (an exploding unit: ±3e38) are drawn, not a trap: their span is ∞ in a float.
    @Test func valuesAtTheEndsOfTheFloatsAreDrawn() {
        var e = Envelope(steps: 0..<4, samples: 4, resolution: 1)
        for (s, v) in [Float(3e38), -3e38, 2e38, .greatestFiniteMagnitude].enumerated() { e.add(v, to: s) }
        let range = e.finiteRange!
        var canvas = Canvas(width: 4, height: 2)
        BrailleChart(
            envelope: e, top: range.upperBound, bottom: range.lowerBound, columns: 2, rows: 2, style: .plain,
            glyphs: .unicode, cursorColumn: nil
        ).draw(&canvas, x: 0, y: 0)
        #expect(canvas.cells.contains { $0.character != " " })
    }
}
