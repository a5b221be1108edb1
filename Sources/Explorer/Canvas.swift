import Reports
/// A colour from the explorer's small palette; the terminal maps it to what it can show.
public enum Color: Int, Sendable, CaseIterable {
    case black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell is drawn: colours and attributes.
public struct Style: Sendable, Equatable, Hashable {
    /// Foreground colour, nil for the terminal's default.
    public var foreground: Color?
    /// Background colour, nil for the terminal's default.
    public var background: Color?
    public var bold = false
    public var reverse = false
    public var dim = false
    public var underline = false

    /// Creates a style.
    public init(
        foreground: Color? = nil, background: Color? = nil, bold: Bool = false,
        reverse: Bool = false, dim: Bool = false, underline: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }

    /// The terminal's default look.
    public static let plain = Style()
    /// Titles and headings.
    public static let heading = Style(bold: true)
    /// Less important text.
    public static let muted = Style(dim: true)
    /// The selected item.
    public static let selected = Style(reverse: true)
    /// Keys in the status line.
    public static let key = Style(foreground: .cyan, bold: true)
    /// Error messages.
    public static let error = Style(foreground: .red, bold: true)
    /// Good news (a match).
    public static let good = Style(foreground: .green, bold: true)
}

/// One character cell: a grapheme (one column wide) and its style.
public struct Cell: Sendable, Equatable {
    /// What is drawn; always one column wide (`c̃` is one Character of two scalars).
    public var character: Character
    /// How it is drawn.
    public var style: Style

    /// A blank cell.
    public static let blank = Cell(character: " ", style: .plain)
}

/// A grid of styled cells: everything the explorer shows, with no terminal attached.
///
/// Views draw into a canvas; the curses backend copies it to the screen; tests read it back as
/// lines of text (`canvas.lines`) and compare them with golden files.
public struct Canvas: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Cells, row after row.
    public internal(set) var cells: [Cell]

    /// A blank canvas.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
    }

    /// The cell at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, y >= 0, x < width, y < height { cells[y * width + x] = newValue } }
    }

    /// Writes `text` from (x, y), clipped at `maxWidth` columns and at the canvas edge; returns the next x.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(width, maxWidth.map { x + $0 } ?? width)
        var column = x
        for ch in text {
            if column >= limit { break }
            if column >= 0 {
                // Control characters and invisible formatting (bidi overrides, zero-width
                // characters) never reach the screen; they are drawn as a visible mark.
                let hidden = ch.unicodeScalars.contains {
                    $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || isInvisibleFormatting($0)
                }
                let safe: Character = hidden ? "?" : ch
                cells[y * width + column] = Cell(character: safe, style: style)
            }
            column += 1
        }
        return column
    }

    /// Fills a rectangle with one character and style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with cell: Cell) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) { cells[row * width + column] = cell }
        }
    }

    /// The canvas as lines of text, trailing spaces removed: what golden files hold.
    public var lines: [String] {
        (0..<height).map { y in
            var line = String(cells[y * width..<(y + 1) * width].map(\.character))
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The whole canvas as one text block.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// Each line's text followed by a line of one style code per cell, so a golden frame holds
    /// how the screen looks as well as what it says: `.` plain, `H` heading (bold), `m` muted,
    /// `#` selected (reverse), a colour's letter (`r g y b m c w k`) for coloured text, in
    /// capitals when bold, `@` for a background colour.
    public var styledText: String {
        (0..<height).map { y in
            let row = cells[y * width..<(y + 1) * width]
            var codes = String(row.map { Canvas.code($0.style) })
            while codes.last == "." { codes.removeLast() }
            return String(row.map(\.character)) + "\n" + codes
        }.joined(separator: "\n") + "\n"
    }

    private static func code(_ style: Style) -> Character {
        if style == .plain { return "." }
        if style.background != nil { return "@" }
        if style.reverse { return "#" }
        if let color = style.foreground {
            let letter: Character = ["k", "r", "g", "y", "b", "m", "c", "w"][color.rawValue]
            return style.bold ? Character(letter.uppercased()) : letter
        }
        if style.bold { return "H" }
        if style.dim { return "m" }
        return style.underline ? "_" : "?"
    }
}

extension Canvas {
    /// The canvas with every non-ASCII character replaced by an ASCII look-alike, for terminals
    /// whose locale is not UTF-8 (text from files included).
    public func asciiFolded() -> Canvas {
        var out = self
        for i in out.cells.indices where !out.cells[i].character.isASCII {
            out.cells[i].character = Canvas.asciiLookAlike[out.cells[i].character] ?? "?"
        }
        return out
    }

    private static let asciiLookAlike: [Character: Character] = [
        "×": "x", "·": "*", "–": "-", "—": "-", "…": "~",
        "⏎": "E", "→": ">", "←": "<", "↑": "^", "↓": "v",
        "σ": "s", "c\u{303}": "c", "│": "|", "─": "-", "┼": "+", "▲": "^", "▼": "v", "≈": "~",
    ]
}
