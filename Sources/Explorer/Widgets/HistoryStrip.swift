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
    /// The layer reads the window backwards: its step s is the window's row T − 1 − s.
    let backwards: Bool
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
        // The part of the window shown, in window rows as t is shown everywhere (the strip follows t).
        let ends = [row(range.lowerBound), row(range.upperBound - 1)]
        let part = "t = \(ends[0])\(to)\(ends[1])" + (range.count < steps ? " of 0\(to)\(steps - 1)" : "")
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

    /// The window row of the layer's step `s`.
    private func row(_ s: Int) -> Int { backwards ? steps - 1 - s : s }

    /// Ticks under the columns with their t (the window's row).
    var axisLine: String {
        TimeAxis.line(columns: range.count) { k in
            let r = row(range.lowerBound + k)
            return r...r
        }
    }
}
