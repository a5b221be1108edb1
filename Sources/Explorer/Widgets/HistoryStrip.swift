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

    /// Draws units `first ..< first + count` from row `startY`; returns the row after the strip.
    func draw(_ canvas: inout Canvas, y startY: Int, first: Int, count: Int) -> Int {
        let lt = trace
        var y = startY
        let labelWidth = 6
        var title =
            " history of \(glyphs.symbol(vector)) over t = "
            + "1\(glyphs == .unicode ? "…" : "..")\(steps) (v: next vector)"
        if let progress { title += "  running the window: \(progress)" }
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
                    cell = Cell(
                        character: level == 0 && step == t ? glyphs.horizontal : glyphs.heat[level], style: style)
                }
                canvas[labelWidth + k, y] = cell
            }
            y += 1
        }
        return y
    }
}
