import Explorer
import ExplorerTestSupport
import LSTMCore
import Testing

/// `lstmscope MODEL --theirs FILE`: theirs beside ours in the Step view, the first divergence a
/// key away, theirs in the Unit view and the Model view; a changed window lets theirs go.
@Suite struct TheirsTests {
    /// The sample with theirs = ours except f[2] at t = 2, 0.01 off.
    static func session() throws -> ExplorerState {
        var s = try ExplorerSession.sample(width: 100, height: 30)
        let trace = try ModelTrace(model: s.model, input: s.input)
        var theirs = TheirValues()
        for (l, layer) in trace.layers.enumerated() {
            for t in 0..<layer.steps {
                for v in layer.vectorNames {
                    var values = layer.vector(v, at: t)!
                    if t == 2 && v == .f { values[2] += 0.01 }
                    _ = theirs.set(TheirValues.Key(layer: l, t: t, vector: v), to: values)
                }
            }
        }
        let times = s.model.windowTimes(steps: s.steps)
        let comparison = TraceComparison(trace, times: times, theirs: theirs, tolerance: 1e-5)
        s.theirs = TheirsOverlay(
            values: theirs, description: "port.csv: a trace CSV", comparison: comparison, diagnosis: [],
            tolerance: 1e-5)
        return s
    }

    @Test func theStepViewShowsTheirsAndGoesToTheFirstDivergence() throws {
        var s = try Self.session()
        #expect(s.render().text.contains("theirs: differs (red), first at f of lstm, t = 2 (D); table: ours (d)"))
        ExplorerSession.press(&s, .character("D"))
        #expect(s.t == 2 && s.unit == 2 && s.historyVector == .f)
        #expect(s.message?.contains("theirs differs first at f[2] at t = 2") == true)
        // The diverging cell is red in every display; the table shows theirs, then the difference.
        let ours = s.layerTrace.vector(.f, at: 2)![2]
        let row = { (s: ExplorerState) in s.render().lines.first { $0.hasPrefix(">   2") } ?? "" }
        #expect(row(s).contains(String(format: "%+.4f", ours)))
        ExplorerSession.press(&s, .character("d"))
        #expect(s.theirsDisplay == .theirs && row(s).contains(String(format: "%+.4f", ours + 0.01)))
        ExplorerSession.press(&s, .character("d"))
        #expect(s.theirsDisplay == .difference && row(s).contains("-0.0100"))
        let frame = s.render()
        let y = frame.lines.firstIndex { $0.hasPrefix(">   2") }!
        let column = frame.lines[y].range(of: "-0.0100")!.lowerBound.utf16Offset(in: frame.lines[y])
        #expect(frame[column, y].style == .error)
    }

    @Test func theUnitAndModelViewsSayWhatTheirsIs() throws {
        var s = try Self.session()
        ExplorerSession.press(&s, .character("D"), .enter)
        #expect(s.render().text.contains("theirs: i ") && s.render().text.contains("(differs)"))
        ExplorerSession.press(&s, .character("1"))
        #expect(s.render().text.contains("theirs   port.csv: a trace CSV"))
    }

    /// The Plot view marks where theirs first differs (▼ under t = 2's columns) and says so.
    @Test func thePlotMarksTheFirstDivergence() throws {
        var s = try Self.session()
        ExplorerSession.press(&s, .character("7"))
        let lines = s.render().lines
        let marks = try #require(lines.first { $0.hasPrefix("   marks") })
        let at = try #require(marks.firstIndex(of: "▼"), "\(marks)")
        // Four steps over the chart's columns: step 2 starts halfway.
        let column = marks.distance(from: marks.startIndex, to: at) - 10
        #expect(column == 2 * (s.width - 10) / 4, "\(marks)")
        #expect(lines.contains { $0.contains("▼ theirs differs") })
    }

    @Test func editingTheWindowLetsTheirsGo() throws {
        var s = try Self.session()
        ExplorerSession.press(&s, .character("5"), .character("8"), .enter)
        #expect(s.theirs == nil && !s.render().text.contains("theirs:"))
        var plain = try ExplorerSession.sample()
        ExplorerSession.press(&plain, .character("D"))
        #expect(plain.message?.contains("no theirs to compare") == true)
    }
}
