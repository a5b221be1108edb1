import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Golden frames (with styles) of the lines typed at the bottom of the screen: going to a t,
/// a path edited as a shell line, and opening a set of windows (the candidates Tab found, then
/// the set's first window).
@Suite struct PromptFrameTests {
    static func sample() throws -> ExplorerState {
        var model = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        model.provenance.path = "sample-weights/tutorial.keras"
        let input = try InputLoader.loadWindow(Fixtures.sample("tutorial-input.npy"), columns: model.inputSize)
        return try ExplorerState(model: model, input: input, inputSource: "sample-weights/tutorial-input.npy")
    }

    @Test func goToT() throws {
        var s = try Self.sample()
        ExplorerSession.press(&s, .character(":"), .character("2"))
        expectSnapshot(s.render().styledText, named: "styled-prompt-go-to", suite: "ExplorerTests")
        ExplorerSession.press(&s, .enter)
        #expect(s.shownT == 2 && s.message == "t = 2 of 0–3")
    }

    /// The path line after typing, moving the cursor and Ctrl-W: the cursor cell reversed, the
    /// line's keys on the status line.
    @Test func aPathEditedAsAShellLine() throws {
        var s = try Self.sample()
        ExplorerSession.press(&s, .character("o"))
        for c in "data/x_test.npy" { ExplorerSession.press(&s, .character(c)) }
        ExplorerSession.press(&s, .left, .left, .left, .left, .deleteWord)
        #expect(s.prompt?.text == "sample-weights/data/.npy")
        expectSnapshot(s.render().styledText, named: "styled-prompt-path", suite: "ExplorerTests")
    }

    /// Opening a set: Tab's candidates under the line, then the set's first window in the Step
    /// view, which says which window of how many it shows.
    @Test func openingASetOfWindows() throws {
        var s = try Self.sample()
        ExplorerSession.press(&s, .character("o"), .killLine)
        for c in "scan/tutorial" { ExplorerSession.press(&s, .character(c)) }
        let commands = s.update(.key(.tab))
        #expect(commands == [.completePath("scan/tutorial")])
        _ = s.update(
            .pathCompletions(
                prefix: "scan/tutorial",
                ["scan/tutorial-compressed.npz", "scan/tutorial-x.npy", "scan/tutorial-y.npy", "scan/tutorial.npz"]))
        expectSnapshot(s.render().styledText, named: "styled-prompt-set-candidates", suite: "ExplorerTests")
        let x = try WindowDataset.open(Fixtures.path("scan/tutorial-x.npy"), columns: 3)
        _ = s.update(.key(.escape))
        _ = s.update(
            .windowSetLoaded(WindowSet(name: "scan/tutorial-x.npy", count: x.count, expected: nil) { x.window($0) }))
        #expect(s.windowIndex == 0 && s.windowSet?.count == 200)
        expectSnapshot(s.render().styledText, named: "styled-set-opened", suite: "ExplorerTests")
    }
}
