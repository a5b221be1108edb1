import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Golden frames with their styles (see `Canvas.styledText`), for the Step and Unit views of
/// every kind of layer and for the ASCII glyphs: colours and emphasis are part of what a person
/// reads (a NaN in red, the selected unit reversed), so a change to them shows up as a diff.
@Suite struct StyledFrameTests {
    static let kinds = [
        "rnn/gru.keras", "rnn/simplernn.keras", "rnn/bidi_concat.keras", "rnn/mask_lstm.keras", "keras/plain.keras",
    ]

    @Test(arguments: kinds)
    func stepAndUnitViewsOfEveryKind(file: String) throws {
        var model = try ModelLoader.load(Fixtures.path(file))
        model.provenance.path = file
        var s = try ExplorerState(model: model, input: nil, width: 80, height: 24)
        ExplorerSession.press(&s, .character("3"), .right, .down)
        let name = file.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".", with: "-")
        expectSnapshot(s.render().styledText, named: "styled-step-" + name, suite: "ExplorerTests")
        ExplorerSession.press(&s, .enter)
        expectSnapshot(s.render().styledText, named: "styled-unit-" + name, suite: "ExplorerTests")
    }

    @Test func asciiGlyphs() throws {
        var model = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        model.provenance.path = "sample-weights/tutorial.keras"
        let input = try InputLoader.loadWindow(Fixtures.sample("tutorial-input.npy"), columns: model.inputSize)
        var s = try ExplorerState(model: model, input: input, width: 80, height: 24, glyphs: .ascii)
        ExplorerSession.press(&s, .character("3"), .right)
        let frame = s.render().asciiFolded()
        #expect(frame.text.unicodeScalars.allSatisfy { $0.isASCII })
        expectSnapshot(frame.styledText, named: "styled-step-ascii", suite: "ExplorerTests")
    }

    /// The Units view over a whole set, ordered by h's std, at 80×24 and 200×60 (the set's
    /// statistics run to the end in idle slices first).
    @Test(arguments: [(80, 24), (200, 60)])
    func unitsViewOverASet(width: Int, height: Int) throws {
        var model = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        model.provenance.path = "sample-weights/tutorial.keras"
        let x = try WindowDataset.open(Fixtures.path("scan/tutorial-x.npy"), columns: 3)
        var s = try ExplorerState(model: model, input: nil, width: width, height: height)
        try s.open(WindowSet(name: "scan/tutorial-x.npy", count: x.count, expected: nil) { x.window($0) })
        ExplorerSession.press(&s, .character("6"), .character("a"), .character("s"), .character("s"), .down)
        while s.hasPendingWork { _ = s.update(.idle) }
        expectSnapshot(s.render().styledText, named: "styled-units-set-\(width)x\(height)", suite: "ExplorerTests")
    }
}
