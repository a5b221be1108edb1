import Explorer
import ExplorerTestSupport
import LSTMCore
import TestSupport
import Testing

/// The whole run loop driven through a scripted terminal: keys in, frames out, commands handed
/// to the caller's `perform`, as the real program runs over curses.
@Suite struct ShellTests {
    /// A shell over `terminal` whose clock advances a second each time it is read.
    static func shell(
        _ terminal: ScriptedTerminal, colors: ColorChoice = .color,
        perform: @escaping (Command, ExplorerState) -> Event = { _, _ in .loadFailed("no files here") }
    ) -> ExplorerShell<ScriptedTerminal> {
        nonisolated(unsafe) var clock = 0.0
        return ExplorerShell(
            terminal: terminal, colors: colors,
            now: {
                clock += 1
                return clock
            }, perform: perform)
    }

    @Test func keysGoInAndFramesComeOutUntilQuit() throws {
        var state = try ExplorerSession.sample()
        var reference = state
        let keys: [Key] = [.right, .right, .down, .enter]
        let terminal = ScriptedTerminal(keys: keys + [.character("q")])
        #expect(Self.shell(terminal).run(&state) == .quit)
        // One frame before the first key and one after each key but q.
        #expect(terminal.frames.count == keys.count + 1)
        ExplorerSession.press(&reference, .right, .right, .down, .enter)
        #expect(terminal.frames.last == reference.render())
        #expect(state.view == .unit && state.t == 2 && state.unit == 1)
    }

    @Test func theShellAsksPerformForFilesAndShowsTheAnswer() throws {
        var state = try ExplorerSession.sample()
        var asked: [Command] = []
        let typed = "x.keras".map { Key.character($0) }
        let terminal = ScriptedTerminal(
            keys: [.character("O"), .killLine] + typed + [.enter, .character("o"), .tab, .escape, .character("q")])
        let ending = Self.shell(terminal) { command, _ in
            asked.append(command)
            if case .completePath(let prefix) = command { return .pathCompletions(prefix: prefix, []) }
            return .loadFailed("x.keras: no such file")
        }.run(&state)
        #expect(ending == .quit)
        // o opens at the input's directory, ready for a name.
        #expect(asked == [.loadModel("x.keras"), .completePath("sample-weights/")])
        // "opening …" is drawn before the load, then the failure is on the status line.
        #expect(terminal.frames.contains { $0.text.contains("opening x.keras") })
        #expect(terminal.frames.contains { $0.text.contains("x.keras: no such file") })
        #expect(state.model.provenance.path == "sample-weights/tutorial.keras")
    }

    @Test func playingAdvancesOnTheClockAndStopsAtTheEnd() throws {
        var state = try ExplorerSession.sample()
        let terminal = ScriptedTerminal(
            script: [.key(.character(" "))] + [Event?](repeating: nil, count: 10) + [
                .key(.character("q"))
            ])
        _ = Self.shell(terminal).run(&state)
        #expect(state.t == state.steps - 1 && !state.playing)
        #expect(terminal.frames.contains { $0.text.contains("end of the window") })
    }

    @Test func aSignalEndsTheLoopWithItsNumber() throws {
        var state = try ExplorerSession.sample()
        let terminal = ScriptedTerminal(keys: [.right])
        terminal.pendingSignal = 15
        #expect(Self.shell(terminal).run(&state) == .signal(15))
        #expect(terminal.frames.count == 1)
    }

    @Test func aResizeReachesTheStateAndTheNextFrame() throws {
        var state = try ExplorerSession.sample()
        let terminal = ScriptedTerminal(
            width: 100, height: 30, script: [.resize(width: 120, height: 40), .key(.character("q"))])
        _ = Self.shell(terminal).run(&state)
        #expect(terminal.frames.first?.width == 100)
        #expect(terminal.frames.last?.width == 120 && terminal.frames.last?.height == 40)
    }

    /// NO_COLOR (no-color.org): set to anything non-empty, frames lose their colours but keep
    /// bold, reverse and dim, so headings and the selection still read apart.
    @Test func noColorDrawsWithoutColours() throws {
        #expect(ColorChoice.choose(terminalHasColor: true, environment: ["NO_COLOR": "1"]) == .monochrome)
        #expect(ColorChoice.choose(terminalHasColor: true, environment: ["NO_COLOR": ""]) == .color)
        #expect(ColorChoice.choose(terminalHasColor: true, environment: [:]) == .color)
        #expect(ColorChoice.choose(terminalHasColor: false, environment: [:]) == .monochrome)
        var state = try ExplorerSession.sample()
        state.monochrome = true  // as lstmscope sets it from the same choice
        let terminal = ScriptedTerminal(keys: [.character("3"), .right, .down, .character("q")])
        _ = Self.shell(terminal, colors: .monochrome).run(&state)
        let frame = terminal.frames.last!
        // The sign stays visible: negative h in shades of their own, and a legend that says so.
        let strip = frame.text.split(separator: "\n").drop { !$0.contains("history of h") }.dropFirst().prefix(5)
        let h0 = state.layerTrace.value(.h, at: 1, unit: 0)!
        #expect(h0 < 0 && strip.first.map { $0.contains { "·-=≡".contains($0) } } == true, "\(strip)")
        #expect(frame.text.contains("░▒▓█ + ·-=≡ \u{2212}"))
        #expect(frame.cells.allSatisfy { $0.style.foreground == nil && $0.style.background == nil })
        #expect(frame.cells.contains { $0.style.reverse } && frame.cells.contains { $0.style.bold })
        expectSnapshot(frame.styledText, named: "styled-step-no-color", suite: "ExplorerTests")
        // The same frame in colour has colours: the golden above is not trivially colourless.
        #expect(state.render().cells.contains { $0.style.foreground != nil })
    }
}
