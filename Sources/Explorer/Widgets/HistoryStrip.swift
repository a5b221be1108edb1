import LSTMCore

/// The Step view's history strip: one vector over a range of steps, a row per unit, each step a
/// heat cell scaled by the largest |value| of the whole window, the current step reversed.
struct HistoryStrip {
    /// The selected layer's steps held (covering `range`).
    let trace: LayerTrace
    let vector: VectorName
    /// The steps shown, one column each.
    let range: Range<Int>
    /// Steps in the window.
    let steps: Int
    /// The current step and the selected unit.
    let t: Int
    let unit: Int
    /// The largest finite |value| of the vector so far: one scale for every column.
    let scale: Float
    /// How far a long window has run, while it runs.
    let progress: String?
    let width: Int
    let glyphs: Glyphs
    /// No colour: negative values drawn in their own shades.
    var monochrome = false

    /// Draws units `first ..< first + count` from row `startY`, then a t axis when `axis`;
    /// returns the row after the strip.
    func draw(_ canvas: inout Canvas, y startY: Int, first: Int, count: Int, axis: Bool = false) -> Int {
        let lt = trace
        var y = startY
        let labelWidth = 6
        let to = glyphs == .unicode ? "…" : ".."
        // The part of the window shown, when it is not all of it (the strip follows t).
        let part =
            range.count < steps
            ? "t = \(range.lowerBound + 1)\(to)\(range.upperBound) of \(steps)" : "t = 1\(to)\(steps)"
        var title = " history of \(glyphs.symbol(vector)) over \(part) (v: next vector)"
        if let progress {
            title += "  running the window: \(progress)"
        } else {
            let legend = "   " + glyphs.heatLegend(positive: "green", negative: "red", monochrome: monochrome)
            if title.count + legend.count < width { title += legend }
        }
        canvas.put(title, x: 0, y: y, style: .heading, maxWidth: width)
        y += 1
        for u in first..<min(first + count, lt.units) {
            canvas.put(String(u).rightAligned(5), x: 0, y: y, style: u == unit ? .selected : .muted)
            for (k, step) in range.enumerated() {
                let cell: Cell
                guard let v = lt.value(vector, at: step, unit: u) else {
                    // Not computed yet (a long window fills in while idle).
                    canvas[labelWidth + k, y] = Cell(character: glyphs.heat[0], style: .muted)
                    continue
                }
                if v.isNaN {
                    cell = Cell(character: "!", style: .error)
                } else {
                    let level = min(
                        glyphs.heat.count - 1, Int((abs(v) / scale * Float(glyphs.heat.count - 1)).rounded(.up)))
                    var style = Style(foreground: v < 0 ? .red : .green)
                    if step == t { style.reverse = true }
                    let shade = glyphs.heatCell(level: level, negative: v < 0, monochrome: monochrome)
                    cell = Cell(character: level == 0 && step == t ? glyphs.horizontal : shade, style: style)
                }
                canvas[labelWidth + k, y] = cell
            }
            y += 1
        }
        if axis {
            canvas.put(axisLine, x: labelWidth, y: y, style: .muted, maxWidth: width - labelWidth)
            y += 1
        }
        return y
    }

    /// Ticks under the columns with their t (as the Step view counts, from 1): every tenth step,
    /// or wider apart when the numbers need the room.
    var axisLine: String {
        let digits = String(range.upperBound).count
        let spacing = [10, 20, 50, 100, 200, 500, 1000, 5000, 10000].first { $0 >= digits + 3 } ?? 100_000
        var line = [Character](repeating: " ", count: range.count)
        // The last step shown goes at the right end first; the ticks keep a space before it.
        let last = Array("\(range.upperBound)")
        let end = range.count > last.count + 2 ? range.count - last.count : range.count + 1
        if end <= range.count { line.replaceSubrange(end..., with: last) }
        // The columns the ticks may use: all, or up to a space before the last step's number.
        let room = end <= range.count ? end - 1 : range.count
        var k = 0
        while k < range.count {
            let shown = range.lowerBound + k + 1
            let label = Array("'\(shown)")
            if shown % spacing == 0 || k == 0, k + label.count <= room {
                for (i, c) in label.enumerated() { line[k + i] = c }
                k += label.count + 1
                continue
            }
            k += 1
        }
        return String(line)
    }
}
