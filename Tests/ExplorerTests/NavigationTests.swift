import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Moving through a long window: jumps of 10 and 100 steps, going to a typed step index, and
/// play at speeds up to 10,000 steps a second (several steps a frame).
@Suite struct NavigationTests {
    static func long(steps: Int = 1000) throws -> ExplorerState {
        // A PyTorch state dict has no fixed look-back: any length of window runs.
        let model = try ModelLoader.load(Fixtures.path("torch/lstm.safetensors"))
        return try ExplorerState(
            model: model, input: Matrix.sineWindow(steps: steps, features: 3), width: 100, height: 30)
    }

    @Test func jumpsOfTenAndAHundredStopAtTheEnds() throws {
        var s = try Self.long()
        ExplorerSession.press(&s, .shiftRight)
        #expect(s.t == 10)
        ExplorerSession.press(&s, .controlRight, .character(">"))
        #expect(s.t == 210)
        ExplorerSession.press(&s, .character("<"), .shiftLeft)
        #expect(s.t == 100)
        for _ in 0..<20 { ExplorerSession.press(&s, .controlRight) }
        #expect(s.t == 999)
        for _ in 0..<200 { ExplorerSession.press(&s, .shiftLeft) }
        #expect(s.t == 0)
    }

    @Test func goToATypedStepIndex() throws {
        var s = try Self.long()
        ExplorerSession.press(&s, .character(":"))
        #expect(s.render().text.contains("go to t (0–999):"))
        for c in "512" { ExplorerSession.press(&s, .character(c)) }
        ExplorerSession.press(&s, .enter)
        #expect(s.t == 512 && s.prompt == nil)
        #expect(s.render().text.contains("t = 512 of 0–999"))
        ExplorerSession.press(&s, .character(":"))
        for c in "1000" { ExplorerSession.press(&s, .character(c)) }
        ExplorerSession.press(&s, .enter)
        #expect(s.t == 512 && s.messageIsError && s.message?.contains("not a t in 0–999") == true)
        ExplorerSession.press(&s, .character(":"), .escape)
        #expect(s.prompt == nil && s.t == 512)
    }

    @Test func playSpeedsUpToTenThousandStepsASecond() throws {
        var s = try Self.long(steps: 5000)
        #expect(s.playSpeed == 2.5 && s.playTickSeconds == 0.4)
        ExplorerSession.press(&s, .character(" "))
        _ = s.update(.tick)
        #expect(s.t == 1)
        for _ in 0..<20 { ExplorerSession.press(&s, .character("+")) }
        #expect(s.playSpeed == 10_000 && s.playing)
        // 30 frames a second at most: 333 steps a frame.
        #expect(abs(s.playTickSeconds - 1.0 / 30) < 1e-12)
        _ = s.update(.tick)
        #expect(s.t == 1 + 333)
        ExplorerSession.press(&s, .character("-"))
        #expect(s.playSpeed == 5000)
        #expect(s.message?.contains("play speed 5000 steps/s") == true)
    }
}

/// The history strip says which part of a long window it shows, and its t axis follows t.
@Suite struct HistoryAxisTests {
    @Test func theStripShowsItsPartOfTheWindowWithAnAxis() throws {
        var s = try NavigationTests.long()
        ExplorerSession.press(&s, .character(":"))
        for c in "499" { ExplorerSession.press(&s, .character(c)) }
        ExplorerSession.press(&s, .enter)
        let range = s.historyRange
        #expect(range.contains(499) && range.count < 1000)
        let text = s.render().text
        let shown = "\(range.lowerBound)…\(range.upperBound - 1) of 0…999"
        #expect(text.contains("history of h over t = \(shown)"), "\(text)")
        // Ticks every ten steps with their t (the window's row, as the title and trace number it).
        let axis = try #require(text.split(separator: "\n").first { $0.contains("'460") }, "\(text)")
        #expect(axis.contains("'470") && axis.contains("'500") && axis.contains("'510"), "\(axis)")
        let column = try #require(axis.range(of: "'500")).lowerBound
        // The tick stands over step 500's column: the strip's column for t = 500 is 500 − first.
        #expect(axis.distance(from: axis.startIndex, to: column) == 6 + 500 - range.lowerBound, "\(axis)")
    }
}
