import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// A Model view taller than the terminal scrolls: a Bidirectional model at 80×24 shows its
/// gate layouts further down, and the last row says which lines show.
@Suite struct ModelViewScrollTests {
    @Test func aBidirectionalModelScrollsToItsGateLayouts() throws {
        // A converted Bidirectional: its gate layout, where each block came from and how it is quantized.
        let model = try ModelLoader.load(Fixtures.path("tflite/hybrid_bidi_int8.tflite"))
        var s = try ExplorerState(model: model, input: nil, width: 80, height: 24)
        ExplorerSession.press(&s, .character("1"))
        let top = s.render().text
        let note = try #require(top.split(separator: "\n").first { $0.contains("lines 1–21 of ") }, "\(top)")
        let total = Int(note.split(separator: " ").first { Int($0) != nil && $0 != "1–21" }.map(String.init) ?? "")
        #expect(total.map { $0 > 21 } == true, "\(note)")
        ExplorerSession.press(&s, .end)
        let bottom = s.render().text
        #expect(bottom.contains("4·hu axis of"), "\(bottom)")
        #expect(bottom.contains("of \(total!) (↑↓ PgUp PgDn)"), "\(bottom)")
        ExplorerSession.press(&s, .home)
        #expect(s.render().text == top)
        // A model that fits does not scroll.
        var small = try ExplorerState(
            model: ModelLoader.load(Fixtures.sample("tutorial.keras")), input: nil,
            width: 120, height: 40)
        ExplorerSession.press(&small, .character("1"), .down)
        #expect(small.modelScroll == 0 && !small.render().text.contains("PgUp PgDn)"))
    }
}
