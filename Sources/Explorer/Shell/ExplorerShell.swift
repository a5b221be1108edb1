/// The explorer's run loop: draw the state, wait for a key (or a tick of the animation, or
/// idle time for a long window), update, and hand the commands that need the outside world
/// to `perform`. It knows no curses and no files: the terminal and `perform` do.
///
/// ```swift
/// let ending = ExplorerShell(terminal: terminal, colors: .color) { command, state in
///     .loadFailed("…")   // load the file the command names
/// }.run(&state)
/// ```
public struct ExplorerShell<T: Terminal> {
    /// How the loop ended.
    public enum Ending: Sendable, Equatable {
        /// The user quit.
        case quit
        /// A signal asked the program to stop; the caller exits 128 + it.
        case signal(Int32)
    }

    /// Seconds between animation steps at the first play speed.
    public static var tickSeconds: Double { 1 / ExplorerState.playSpeeds[0] }

    let terminal: T
    let colors: ColorChoice
    /// A monotonic clock in seconds, for the animation.
    let now: () -> Double
    /// Does a command that reads files (load a model or a window, list paths) and returns the
    /// event that answers it. `state` is as the command left it (the model being replaced, say).
    let perform: (Command, ExplorerState) -> Event

    /// A shell over `terminal`, drawing in `colors`, asking `perform` for what needs files.
    public init(
        terminal: T, colors: ColorChoice, now: @escaping () -> Double,
        perform: @escaping (Command, ExplorerState) -> Event
    ) {
        self.terminal = terminal
        self.colors = colors
        self.now = now
        self.perform = perform
    }

    /// Runs until the user quits or a signal arrives.
    public func run(_ state: inout ExplorerState) -> Ending {
        _ = state.update(.resize(width: terminal.size.width, height: terminal.size.height))
        var lastTick = now()
        while true {
            draw(state)
            if terminal.pendingSignal != 0 { return .signal(terminal.pendingSignal) }
            // With work pending (a long window still running), poll keys without waiting.
            let wait = state.playing ? Int32(min(50, state.playTickSeconds * 1000)) : 200
            let event = terminal.nextEvent(timeoutMilliseconds: state.hasPendingWork ? 0 : wait)
            var commands: [Command] = []
            if let event {
                commands = state.update(event)
            } else if state.playing, now() - lastTick >= state.playTickSeconds {
                lastTick = now()
                commands = state.update(.tick)
            } else if state.hasPendingWork {
                commands = state.update(.idle)
            } else {
                // Terminals may resize without delivering KEY_RESIZE (e.g. after a resume).
                let size = terminal.size
                if size.width != state.width || size.height != state.height {
                    terminal.invalidate()
                    commands = state.update(.resize(width: size.width, height: size.height))
                }
            }
            for command in commands {
                if command == .quit { return .quit }
                if case .loadModel(let path) = command {
                    // Checking a big model takes a moment: say so on screen first.
                    state.say("opening \(path) …")
                    draw(state)
                }
                _ = state.update(perform(command, state))
            }
        }
    }

    private func draw(_ state: ExplorerState) {
        let frame = state.render()
        terminal.draw(colors == .color ? frame : frame.withoutColors())
    }
}
