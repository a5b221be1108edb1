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
}
