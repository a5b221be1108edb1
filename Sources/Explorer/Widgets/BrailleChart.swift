import LSTMCore

/// A line chart of an ``Envelope`` in Braille cells: 2 × 4 dots a cell, one dot column per
/// sample, each sample's min…max drawn as a run of dots joined to the one before (as btop and
/// ttyplot draw). Without Unicode, one character a cell: `'` `-` `_` for a run in the cell's
/// top, middle or bottom, `|` for one across them.
struct BrailleChart {
    /// Two samples per column.
    let envelope: Envelope
    /// The values at the top and bottom rows.
    let top: Float
    let bottom: Float
    let columns: Int
    let rows: Int
    let style: Style
    let glyphs: Glyphs
    /// The column of the step under the cursor, drawn reversed.
    let cursorColumn: Int?

    /// Braille dot bits by (column within the cell, row within the cell).
    private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Draws the chart with its top-left cell at (`x`, `y`).
    func draw(_ canvas: inout Canvas, x: Int, y: Int) {
        let dotRows = rows * 4
        var bits = [UInt8](repeating: 0, count: columns * rows)
        var previous: (top: Int, bottom: Int)?
        for s in 0..<min(envelope.samples, 2 * columns) {
            guard envelope.lower[s] <= envelope.upper[s] else {
                previous = nil
                continue
            }
            var high = dotRow(envelope.upper[s], dotRows)
            var low = dotRow(envelope.lower[s], dotRows)
            // Joined to the sample before, so a line that moves is not a row of loose dots.
            if let previous {
                if high > previous.bottom { high = previous.bottom + 1 }
                if low < previous.top { low = previous.top - 1 }
            }
            previous = (high, low)
            for row in high...max(high, low) {
                bits[(row / 4) * columns + s / 2] |= Self.dotBits[s % 2][row % 4]
            }
        }
        let zero = top > 0 && bottom < 0 ? dotRow(0, dotRows) : nil
        for row in 0..<rows {
            for column in 0..<columns {
                let b = bits[row * columns + column]
                var cell: Cell
                if b != 0 {
                    cell = Cell(character: character(b), style: style)
                } else if let zero, zero / 4 == row {
                    // The zero line, faint, where no value is drawn: it keeps the sign readable without colour.
                    let mark = Self.dotBits[0][zero % 4] | Self.dotBits[1][zero % 4]
                    cell = Cell(character: glyphs == .unicode ? character(mark) : ".", style: .muted)
                } else {
                    cell = .blank
                }
                if column == cursorColumn { cell.style.reverse = true }
                canvas[x + column, y + row] = cell
            }
        }
    }

    /// The dot row of `value`: 0 at the top.
    private func dotRow(_ value: Float, _ dotRows: Int) -> Int {
        // In Double: the span of two floats far apart (±3e38) overflows a float to ∞, and ∞/∞ is NaN.
        let share = (Double(top) - Double(value)) / (Double(top) - Double(bottom))
        guard top > bottom, share.isFinite else { return dotRows / 2 }
        return clamp(Int((share * Double(dotRows - 1)).rounded()), 0, dotRows - 1)
    }

    private func character(_ bits: UInt8) -> Character {
        if glyphs == .unicode { return Character(Unicode.Scalar(0x2800 + UInt32(bits))!) }
        // Rows 0, 1–2, 3 of the cell: which of them have dots.
        let topRow = bits & 0x09 != 0
        let middle = bits & 0x36 != 0
        let bottomRow = bits & 0xC0 != 0
        switch (topRow, middle, bottomRow) {
        case (true, false, false): return "'"
        case (false, true, false): return "-"
        case (false, false, true): return "_"
        default: return "|"
        }
    }
}

/// A t axis under columns that each stand for a run of steps: ticks with the window row (t, as
/// trace, compare and scan number steps) of round rows, every 1, 2 or 5 × 10ⁿ, as far apart as
/// the numbers need. A layer reading backwards has its rows descend along the axis.
enum TimeAxis {
    /// The axis line: `rows(c)` is the window rows column `c` stands for.
    static func line(columns: Int, rows: (Int) -> ClosedRange<Int>) -> String {
        guard columns > 0 else { return "" }
        let ends = [rows(0), rows(columns - 1)]
        let low = ends.map(\.lowerBound).min()!
        let high = ends.map(\.upperBound).max()!
        let span = high - low + 1
        let label = String(high).count + 1
        // The tick spacing: the smallest 1, 2 or 5 × 10ⁿ rows whose ticks are a label and a space apart.
        var spacing = 1
        var decade = 1
        var k = 0
        while spacing * columns < span * (label + 1) {
            k += 1
            if k % 3 == 0 { decade *= 10 }
            spacing = [1, 2, 5][k % 3] * decade
        }
        var line = [Character](repeating: " ", count: columns)
        var free = 0
        var ticked = -1
        for c in 0..<columns {
            let covered = rows(c)
            // The first multiple of the spacing among this column's rows.
            let tick = (covered.lowerBound + spacing - 1) / spacing * spacing
            // A row wider than a column gets its tick in the first of its columns only.
            guard covered.contains(tick), tick != ticked, c >= free else { continue }
            let text = Array("'\(tick)")
            guard c + text.count <= columns else { break }
            ticked = tick
            for (i, ch) in text.enumerated() { line[c + i] = ch }
            free = c + text.count + 1
        }
        return String(line)
    }
}
