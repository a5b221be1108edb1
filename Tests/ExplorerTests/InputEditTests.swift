import Explorer
import ExplorerTestSupport
import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Editing the window: the field starts with the value there, Keras's output is said to be the
/// original window's (not compared with the edited one), u undoes edit by edit, w writes the
/// window to a new .npy and never over a file.
@Suite struct InputEditTests {
    static func sample() throws -> ExplorerState {
        let path = Fixtures.sample("tutorial.keras")
        return try ExplorerState(
            model: ModelLoader.load(path), input: InputLoader.loadWindow(Fixtures.sample("tutorial-input.npy")),
            inputSource: "tutorial-input.npy", expected: InputLoader.loadFlat(Fixtures.sample("tutorial-expected.npy")),
            width: 100, height: 30)
    }

    @Test func anEditKeepsKerasOutputForTheOriginalWindowAndUUndoesIt() throws {
        var s = try Self.sample()
        let original = s.input, output = try s.model.predict(original)
        #expect(s.render().text.contains("matches"))
        ExplorerSession.press(&s, .character("5"), .enter)
        #expect(s.editText == "\(original[0, 0])", "the field starts with the value there")
        // Typing replaces it; Backspace would edit it.
        for c in "2.5" { ExplorerSession.press(&s, .character(c)) }
        ExplorerSession.press(&s, .enter, .character("3"))
        #expect(s.input[0, 0] == 2.5 && s.inputIsEdited)
        ExplorerSession.press(&s, .character("5"), .enter, .backspace, .enter, .character("3"))
        #expect(s.input[0, 0] == 2.0 && s.edits.count == 2, "Backspace edits the value offered: 2.5 → 2.")
        let frame = s.render().text
        #expect(frame.contains("(for the window before your edits; u undoes)"), "\(frame)")
        #expect(!frame.contains("DIFFERS") && !frame.contains("matches"), "\(frame)")
        ExplorerSession.press(&s, .character("5"), .character("u"))
        #expect(s.input[0, 0] == 2.5 && s.edits.count == 1)
        ExplorerSession.press(&s, .character("u"))
        #expect(s.message?.hasSuffix("the window is the one given again") == true)
        #expect(s.input == original && !s.inputIsEdited && s.inputSource == "tutorial-input.npy")
        #expect(s.replay.output == output)
        ExplorerSession.press(&s, .character("u"))
        #expect(s.message == "no edit to undo")
    }

    @Test func expectedIsKerasOnlyForAKerasFile() throws {
        let torch = try ModelLoader.load(Fixtures.path("torch/lstm.safetensors"))
        let s = try ExplorerState(
            model: torch, input: Matrix.sineWindow(steps: 5, features: 3), expected: [0.5], width: 100, height: 30)
        let frame = s.render().text
        #expect(frame.contains(" expected: [") && !frame.contains("Keras model.predict"), "\(frame)")
        #expect(try Self.sample().render().text.contains("Keras model.predict: ["))
    }

    @Test func wWritesTheWindowToANewNpyAndNeverOverAFile() throws {
        var s = try Self.sample()
        ExplorerSession.press(&s, .character("5"), .character("w"))
        #expect(s.prompt?.purpose == .writeWindow && s.prompt?.text == "tutorial-input-edited.npy")
        let commands = ExplorerSession.press(&s, .enter)
        #expect(commands == [.writeWindow(s.input, path: "tutorial-input-edited.npy")])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-w-\(UUID()).npy").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NPZWriter.writeNPY(shape: [s.input.rows, s.input.columns], values: s.input.values, to: path)
        #expect(try InputLoader.loadWindow(path) == s.input)
        #expect(throws: LoadError.self) {
            try NPZWriter.writeNPY(shape: [1, 1], values: [0], to: path)
        }
        #expect(try InputLoader.loadWindow(path) == s.input, "the file is untouched")
    }
}

/// The path prompt opens at the directory of the file it replaces, edits at its cursor (drawn
/// as a selected cell) and says its keys on the status line.
@Suite struct PromptTests {
    @Test func thePromptOpensAtTheFilesDirectoryAndShowsItsCursorAndKeys() throws {
        var s = try InputEditTests.sample()
        ExplorerSession.press(&s, .character("O"))
        let path = s.model.provenance.path
        let directory = String(path[...path.lastIndex(of: "/")!])
        #expect(s.prompt?.text == directory, "\(s.prompt?.text ?? "")")
        for c in "x.h5" { ExplorerSession.press(&s, .character(c)) }
        ExplorerSession.press(&s, .left, .left, .left)
        let canvas = s.render()
        let row = canvas.height - 2
        let line = canvas.lines[row]
        #expect(line.contains(" open model: \(directory)x.h5"), "\(line)")
        let cursorColumn = (0..<canvas.width).first { canvas[$0, row].style == .selected }
        #expect(cursorColumn.map { canvas[$0, row].character } == ".", "the cursor is on the dot of x.h5")
        let status = canvas.lines[canvas.height - 1]
        #expect(
            status.contains("Tab complete") && status.contains("^W word") && status.contains("esc cancel"), "\(status)")
    }
}
