import CNCurses
import Explorer
import Foundation

/// The only code that touches ncurses: starts and restores the terminal, copies a ``Canvas``
/// to the screen (only the cells that changed), and turns key presses into ``Key`` values.
///
/// ```swift
/// let terminal = try CursesTerminal.start()
/// defer { terminal.stop() }
/// terminal.draw(canvas)
/// if let event = terminal.nextEvent(timeoutMilliseconds: 100) { … }
/// ```
public final class CursesTerminal: Terminal {
    /// Whether the terminal has colours (`has_colors()`); whether they are used is the
    /// shell's ``ColorChoice`` (`NO_COLOR`), which strips them from the frames otherwise.
    public let supportsColor: Bool
    /// Whether the locale is UTF-8, so box drawing, blocks and σ can be drawn.
    public let unicode: Bool
    private var previous: Canvas?
    private var pairs: [Int: Int16] = [:]
    private var stopped = false

    private init(colors: Bool, unicode: Bool) {
        self.supportsColor = colors
        self.unicode = unicode
    }

    /// Whether the locale's character set is UTF-8 (else the interface draws plain ASCII).
    /// Known before the terminal is taken over, so the state can be built first.
    public static var localeIsUTF8: Bool {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        return codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
    }

    /// The terminal's size from the kernel, before ncurses starts; nil when stdout is not a terminal.
    public static var windowSize: (width: Int, height: Int)? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// Takes over the terminal: UTF-8 locale, cbreak, no echo, keypad, hidden cursor, colours.
    public static func start() -> CursesTerminal {
        let unicode = localeIsUTF8
        SignalGuard.install()
        lstmscope_unblock_signals()
        initscr()
        cbreak()
        noecho()
        nonl()
        keypad(lstmscope_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        var colors = false
        if has_colors() {
            start_color()
            use_default_colors()
            colors = true
        }
        return CursesTerminal(colors: colors, unicode: unicode)
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        curs_set(1)
        endwin()
    }

    /// The screen size in columns and rows.
    public var size: (width: Int, height: Int) { (Int(lstmscope_cols()), Int(lstmscope_lines())) }

    /// Draws `canvas`, sending only cells that differ from the last frame.
    public func draw(_ canvas: Canvas) {
        let full = previous.map { $0.width != canvas.width || $0.height != canvas.height } ?? true
        if full { erase() }
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let cell = canvas[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                // The bottom-right cell scrolls some terminals; leave it.
                if y == canvas.height - 1 && x == canvas.width - 1 { continue }
                var text = cell.character.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
                text.append(0)
                lstmscope_put(Int32(y), Int32(x), text, attributes(cell.style), pair(cell.style))
            }
        }
        refresh()
        previous = canvas
    }

    /// The signal that asked us to stop, or 0 (see ``SignalGuard``).
    public var pendingSignal: Int32 { SignalGuard.pendingSignal }

    /// Forces the next draw to repaint everything (after a resize or resume).
    public func invalidate() { previous = nil }

    /// Waits up to `timeoutMilliseconds` (forever when negative) for a key or a resize.
    public func nextEvent(timeoutMilliseconds: Int32) -> Event? {
        timeout(timeoutMilliseconds)
        var key: wint_t = 0
        let status = lstmscope_get(&key)
        if status == ERR { return nil }
        if status == lstmscope_KEY_CODE_YES() {
            let code = Int32(key)
            if code == lstmscope_KEY_RESIZE() {
                invalidate()
                return .resize(width: size.width, height: size.height)
            }
            if let known = CursesTerminal.functionKeys[code] { return .key(known) }
            // Ctrl-arrows have no fixed code: terminfo names them kLFT5 and kRIT5.
            switch keyname(code).map({ String(cString: $0) }) {
            case "kLFT5": return .key(.controlLeft)
            case "kRIT5": return .key(.controlRight)
            default: return nil
            }
        }
        switch key {
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 8, 127: return .key(.backspace)
        case 21: return .key(.killLine)
        case 23: return .key(.deleteWord)
        case 12: invalidate(); return .resize(width: size.width, height: size.height)  // Ctrl-L redraws
        default:
            guard key >= 32, let scalar = Unicode.Scalar(UInt32(key)) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    private static let functionKeys: [Int32: Key] = [
        KEY_UP: .up, KEY_DOWN: .down, KEY_LEFT: .left, KEY_RIGHT: .right,
        KEY_HOME: .home, KEY_END: .end, KEY_PPAGE: .pageUp, KEY_NPAGE: .pageDown,
        KEY_ENTER: .enter, KEY_BTAB: .backTab, KEY_BACKSPACE: .backspace, KEY_DC: .delete,
        KEY_SLEFT: .shiftLeft, KEY_SRIGHT: .shiftRight, KEY_SR: .shiftUp, KEY_SF: .shiftDown,
    ]

    private func attributes(_ style: Style) -> attr_t {
        var a = lstmscope_A_NORMAL()
        if style.bold { a |= lstmscope_A_BOLD() }
        if style.reverse { a |= lstmscope_A_REVERSE() }
        if style.dim { a |= lstmscope_A_DIM() }
        if style.underline { a |= lstmscope_A_UNDERLINE() }
        return a
    }

    /// A colour pair for the style's colours, made on first use; 0 (default) without colours.
    private func pair(_ style: Style) -> Int16 {
        guard supportsColor, style.foreground != nil || style.background != nil else { return 0 }
        let key = (style.foreground?.rawValue ?? -1) * 16 + (style.background?.rawValue ?? -1) + 17
        if let existing = pairs[key] { return existing }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < lstmscope_color_pairs() else { return 0 }
        init_pair(next, Int16(style.foreground?.rawValue ?? -1), Int16(style.background?.rawValue ?? -1))
        pairs[key] = next
        return next
    }
}

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the event loop checks, so the terminal is
/// restored by the normal path (ncurses handles Ctrl-Z suspend and resume itself).
public enum SignalGuard {
    nonisolated(unsafe) private static var received: Int32 = 0

    /// The signal that asked us to stop, or 0.
    public static var pendingSignal: Int32 { received }

    static func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { number in SignalGuard.received = number }
        }
    }
}
