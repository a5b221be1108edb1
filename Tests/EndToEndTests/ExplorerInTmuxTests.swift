import Foundation
import TestSupport
import Testing

/// The real binary in a real terminal (tmux): open the sample, step, switch views, resize, quit.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ExplorerInTmuxTests {
    @Test func walkThroughTheSampleAndQuitRestoresTheTerminal() throws {
        try #require(TmuxSession.available, "tmux is required (CI installs it)")
        let tmux = try TmuxSession(width: 80, height: 24)
        try tmux.start(Binary.path)
        var screen = try tmux.waitFor("t = 0 of 0–3")
        #expect(screen.contains("t = 0 of 0–3"), "\(screen)")
        #expect(screen.contains("matches"))
        try tmux.keys("Right")
        screen = try tmux.waitFor("t = 1 of 0–3")
        #expect(screen.contains("t = 1 of 0–3"))
        try tmux.keys("Left")
        #expect(try tmux.waitFor("t = 0 of 0–3").contains("t = 0 of 0–3"))
        try tmux.keys("2")
        #expect(try tmux.waitFor("kernel of lstm").contains("gate i (input gate), unit 0"))
        try tmux.keys("3", "Down", "Enter")
        #expect(try tmux.waitFor("unit 1 of layer").contains("h = o·tanh(c)"))
        try tmux.resize(width: 50, height: 12)
        #expect(try tmux.waitFor("too small").contains("need 60×16"))
        try tmux.resize(width: 120, height: 40)
        #expect(try tmux.waitFor("unit 1 of layer").contains("unit 1 of layer"))
        try tmux.keys("q")
        #expect(tmux.exitStatus() == 0)
        #expect(tmux.terminalRestored)
    }

    /// A test set opened as a user would: the first window, then the next ones with }, each
    /// with its own Keras output; ( ) jump by ten; q restores the terminal.
    @Test func walkThroughASetOfWindows() throws {
        try #require(TmuxSession.available, "tmux is required (CI installs it)")
        let tmux = try TmuxSession(width: 80, height: 24)
        try tmux.start(
            "\(Binary.path) \(Fixtures.sample("tutorial.keras")) --input \(Fixtures.path("scan/tutorial-x.npy")) "
                + "--expect \(Fixtures.path("scan/tutorial-y.npy"))")
        var screen = try tmux.waitFor("window 0 of 200")
        #expect(screen.contains("matches"), "\(screen)")
        try tmux.keys("}")
        screen = try tmux.waitFor("window 1 of 200")
        #expect(screen.contains("matches"), "\(screen)")
        try tmux.keys(")")
        #expect(try tmux.waitFor("window 11 of 200").contains("matches"))
        // The Plot view of that window: Braille charts, the cursor's values, and : moves t there too.
        try tmux.keys("7")
        screen = try tmux.waitFor("unit 0 of lstm")
        let braille = screen.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }
        #expect(screen.contains("t = 0…3 (all 4 steps)") && braille, "\(screen)")
        try tmux.keys(":", "2", "Enter")
        #expect(try tmux.waitFor(" t = 2  i ").contains(" t = 2  i "))
        try tmux.keys("q")
        #expect(tmux.exitStatus() == 0)
        #expect(tmux.terminalRestored)
    }

    @Test func interruptRestoresTheTerminal() throws {
        try #require(TmuxSession.available, "tmux is required (CI installs it)")
        let tmux = try TmuxSession(width: 80, height: 24)
        try tmux.start("\(Binary.path) \(Fixtures.sample("stacked.keras"))")
        #expect(try tmux.waitFor("layer lstm").contains("layer lstm"))
        try tmux.keys("C-c")
        #expect(tmux.exitStatus() == 130)
        #expect(tmux.terminalRestored)
    }

    @Test func brokenModelGivesAClearErrorAndTheTerminalIsUntouched() throws {
        try #require(TmuxSession.available, "tmux is required (CI installs it)")
        let tmux = try TmuxSession(width: 80, height: 24)
        try tmux.start("\(Binary.path) \(Fixtures.path("bad/truncated.keras"))")
        #expect(tmux.exitStatus() == 1)
        #expect(try tmux.screen().contains("truncated"))
        #expect(tmux.terminalRestored)
    }

    /// Files that crash libhdf5 or make it loop (found by fuzzing), opened from inside the
    /// explorer: the child process that reads them first reports the problem on the status
    /// line, and the session goes on with the model it had.
    @Test func openingAFileThatCrashesLibhdf5KeepsTheSession() throws {
        try #require(TmuxSession.available, "tmux is required (CI installs it)")
        let tmux = try TmuxSession(width: 80, height: 24)
        try tmux.start("\(Binary.path) \(Fixtures.sample("tutorial.keras"))")
        #expect(try tmux.waitFor("layer lstm").contains("layer lstm"))
        for (file, problem) in [
            ("hdf5_heap_overflow.h5", "crashed (inside libhdf5"),
            ("hdf5_heap_loop.h5", "makes the reader loop (libhdf5"),
        ] {
            try tmux.keys("O")  // open a model; the prompt starts with the current one's path
            try tmux.keys("C-u")
            try tmux.keysLiteral(Fixtures.path("bad/" + file))
            try tmux.keys("Enter")
            // The message wraps wherever the checkout's path puts the break.
            _ = try tmux.waitFor("libhdf5", seconds: 15)
            // The status message wraps onto lines that start with a space.
            let screen = try tmux.joinedScreen().replacingOccurrences(of: "\n ", with: " ")
            #expect(screen.contains(problem), "\(file): \(screen)")
            try tmux.keys("Right")
            #expect(try tmux.waitFor("t = 1 of 0–3").contains("t = 1 of 0–3"))
            try tmux.keys("Left")
        }
        try tmux.keys("q")
        #expect(tmux.exitStatus() == 0)
        #expect(tmux.terminalRestored)
    }
}
