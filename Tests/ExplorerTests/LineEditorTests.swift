import Explorer
import Testing

/// The one line editor behind the prompt and the Input view's value edit.
@Suite struct LineEditorTests {
    @Test func numbersTakeOnlyWhatANumberIsTypedWith() {
        var line = LineEditor(limit: 6, accepted: .number)
        for c in "-1.5e3!,x7" { _ = line.handle(.character(c)) }
        #expect(line.text == "-1.5e3")  // "!" and "," refused, then the limit of 6
        _ = line.handle(.backspace)
        #expect(line.text == "-1.5e")
        _ = line.handle(.killLine)
        #expect(line.text.isEmpty)
        for c in "nan" { _ = line.handle(.character(c)) }
        #expect(line.handle(.enter) == .submitted("nan"))
        #expect(line.handle(.escape) == .cancelled)
    }

    @Test func pathsTakeAnything() {
        var line = LineEditor("a/", limit: 4096)
        for c in "b c,é" { _ = line.handle(.character(c)) }
        #expect(line.text == "a/b c,é")
        #expect(line.handle(.left) == .editing && line.text == "a/b c,é")
    }

    /// A path edits as a shell line does: the cursor moves, characters go in where it is, Ctrl-W
    /// takes the path component before it, Ctrl-U everything before it, Delete the one under it.
    @Test func aLineEditsAtItsCursor() {
        var line = LineEditor("data/x_tst.npy", limit: 4096)
        #expect(line.cursor == 14)
        for _ in 0..<6 { _ = line.handle(.left) }
        _ = line.handle(.character("e"))
        #expect(line.text == "data/x_test.npy" && line.cursor == 9)
        _ = line.handle(.end)
        _ = line.handle(.deleteWord)
        #expect(line.text == "data/" && line.cursor == 5)
        _ = line.handle(.deleteWord)
        #expect(line.text.isEmpty)
        line = LineEditor("~/models/a.keras", limit: 4096)
        _ = line.handle(.home)
        _ = line.handle(.delete)
        #expect(line.text == "/models/a.keras" && line.cursor == 0)
        for _ in 0..<8 { _ = line.handle(.right) }
        _ = line.handle(.killLine)
        #expect(line.text == "a.keras" && line.cursor == 0)
        _ = line.handle(.backspace)
        #expect(line.text == "a.keras", "nothing before the cursor to remove")
        #expect(line.handle(.enter) == .submitted("a.keras"))
    }

    /// An offered value is replaced by the first character typed, and kept for anything else.
    @Test func anOfferedValueIsReplacedByTyping() {
        var line = LineEditor("0.25", limit: 40, accepted: .number, offered: true)
        _ = line.handle(.character("7"))
        #expect(line.text == "7" && line.cursor == 1 && !line.offered)
        line = LineEditor("0.25", limit: 40, accepted: .number, offered: true)
        _ = line.handle(.left)
        _ = line.handle(.character("7"))
        #expect(line.text == "0.275" && line.cursor == 4)
    }

    /// A combining mark typed or pasted on its own (an NFD file name) keeps the cursor on the
    /// characters typed: Backspace, Ctrl-U and drawing never index past them.
    @Test func aCombiningMarkTypedAloneKeepsTheCursorValid() {
        var line = LineEditor(limit: 4096)
        for c in ["e", "\u{301}", "x"] as [Character] { _ = line.handle(.character(c)) }
        #expect(line.cursor == 3 && line.characters.count == 3)
        _ = line.handle(.backspace)
        _ = line.handle(.backspace)
        #expect(line.text == "e" && line.cursor == 1)
        _ = line.handle(.character("\u{301}"))
        _ = line.handle(.killLine)
        #expect(line.text.isEmpty && line.cursor == 0)
    }
}
