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
}
