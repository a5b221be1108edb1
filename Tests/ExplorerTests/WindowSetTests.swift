import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// The explorer on a set of windows ((N, T, xu), scripts/make_scan_fixtures.py): it opens the
/// first, { } and ( ) move by one and ten within the set, and every view follows the window
/// shown, Keras's output for it included.
@Suite struct WindowSetTests {
    static func state() throws -> (ExplorerState, WindowDataset, [[Float]]) {
        let model = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        let x = try WindowDataset.open(Fixtures.path("scan/tutorial-x.npy"), columns: 3)
        let y = try WindowDataset.expectedOutputs(Fixtures.path("scan/tutorial-y.npy"), windows: x.count)
        var s = try ExplorerState(model: model, input: nil, width: 100, height: 30)
        try s.open(WindowSet(name: "x.npy", count: x.count, expected: y) { x.window($0) })
        return (s, x, y)
    }

    @Test func keysMoveWithinTheSetAndTheViewsFollow() throws {
        var (s, x, y) = try Self.state()
        #expect(s.windowIndex == 0 && s.input == x.window(0) && s.expected == y[0])
        #expect(s.render().text.contains("t = 0 of 0–3   (window 0 of 200)"))
        ExplorerSession.press(&s, .character("}"))
        #expect(s.windowIndex == 1 && s.input == x.window(1) && s.expected == y[1])
        let frame = s.render().text
        #expect(frame.contains("window 1 of 200"), "\(frame)")
        #expect(frame.contains("matches"), "Keras's output for window 1: \(frame)")
        ExplorerSession.press(&s, .character(")"))
        #expect(s.windowIndex == 11 && s.input == x.window(11))
        ExplorerSession.press(&s, .character("("))
        ExplorerSession.press(&s, .character("("))
        #expect(s.windowIndex == 0, "clamped at the first window")
        ExplorerSession.press(&s, .character("{"))
        #expect(s.windowIndex == 0)
        for _ in 0..<25 { ExplorerSession.press(&s, .character(")")) }
        #expect(s.windowIndex == 199, "clamped at the last window")
        // The Input view shows the window's rows and where they came from.
        ExplorerSession.press(&s, .character("5"))
        #expect(s.render().text.contains("x.npy, window 199 of 200"))
    }

    @Test func aSingleWindowSaysHowToOpenASet() throws {
        var s = try ExplorerState(model: ModelLoader.load(Fixtures.sample("tutorial.keras")), input: nil)
        ExplorerSession.press(&s, .character("}"))
        #expect(s.message?.contains("give --input a set of shape (N, T, xu)") == true, "\(s.message ?? "")")
    }
}
