/// What the explorer's run loop needs of a terminal: its size, a way to draw a frame, and the
/// next key or resize. `CursesTerminal` is the real one; tests drive ``ExplorerShell`` with a
/// scripted one (keys in, frames out).
public protocol Terminal: AnyObject {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Whether the terminal shows colours at all (`has_colors()`); ``ColorChoice`` decides
    /// whether lstmscope uses them.
    var supportsColor: Bool { get }
    /// A signal that asked the program to stop (SIGINT, SIGTERM, SIGHUP), or 0.
    var pendingSignal: Int32 { get }
    /// Draws a whole frame (a terminal may send only what changed).
    func draw(_ canvas: Canvas)
    /// Forces the next draw to repaint everything (after a resize or resume).
    func invalidate()
    /// Waits up to `timeoutMilliseconds` (forever when negative) for a key or a resize.
    func nextEvent(timeoutMilliseconds: Int32) -> Event?
}

/// Whether frames are drawn in colour: not when the terminal has none, and not when the user
/// set `NO_COLOR` to anything non-empty (no-color.org).
public enum ColorChoice: Sendable, Equatable {
    case color, monochrome

    /// The choice for a terminal with or without colours under `environment`.
    public static func choose(terminalHasColor: Bool, environment: [String: String]) -> ColorChoice {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return terminalHasColor && !noColor ? .color : .monochrome
    }
}

extension Canvas {
    /// The canvas without colours: bold, reverse, dim and underline stay, so headings, the
    /// selection and muted text still read apart on a monochrome terminal.
    public func withoutColors() -> Canvas {
        var out = self
        for i in out.cells.indices {
            out.cells[i].style.foreground = nil
            out.cells[i].style.background = nil
        }
        return out
    }
}
