import LSTMCore

/// The Step view's table: a row per unit, the kind's gates (with the activation they come out
/// of and a bar) then its state before and after, change marks, and theirs when given.
struct StepTable {
    /// The selected layer's steps held (at least `t` and the step before it).
    let trace: LayerTrace
    /// The step shown.
    let t: Int
    /// The state the layer starts from (``RecurrentLayer/startState``): the `_prev` column at t = 0.
    let start: [VectorName: [Float]]
    /// The selected unit (marked `>`).
    let unit: Int
    let width: Int
    let glyphs: Glyphs
    /// How the gate columns are headed: `σ`, `tanh`, … (nil for the states).
    let activationLabel: (VectorName) -> String?
    /// Theirs for a vector and unit at `t`, when `--theirs` was given.
    let theirs: ((VectorName, Int) -> Float?)?
    /// What the cells show when theirs is given.
    let display: TheirsDisplay
    let tolerance: Float

    /// Draws units `first ..< first + count` from row `startY`; returns the row after the table.
    func draw(_ canvas: inout Canvas, y startY: Int, first: Int, count: Int) -> Int {
        let lt = trace
        // An LSTM row is 73 columns with bars and change marks; below that both go, so that the
        // last column (h) still fits the smallest terminal (60 wide).
        let tight = width < Breakpoint.tight
        let barWidth = tight ? 0 : (width >= Breakpoint.widest ? 6 : (width >= Breakpoint.wide ? 3 : 2))
        let compact = width < Breakpoint.wide
        let number: (Float) -> String = { compact ? short($0) : signed($0) }
        let numberWidth = compact ? 6 : 7
        // The kind's gates (i f c̃ o, z r h̃, or none), then its state: c (LSTM) and h.
        let gates = lt.vectorNames.filter { !$0.isState }
        let states = lt.vectorNames.filter(\.isState)
        var y = startY
        // Tight: a 3-digit unit column (wider only for layers of 1,000 units and more).
        let unitWidth = tight ? max(3, String(lt.units - 1).count) : 4
        var x = canvas.put((tight ? "unit" : " unit").rightAligned(unitWidth + 1), x: 0, y: y, style: .heading)
        for name in gates {
            let label = "\(glyphs.symbol(name)) \(activationLabel(name) ?? "")"
            x = canvas.put(
                " " + label.fitted(numberWidth + (barWidth > 0 ? 1 + barWidth : 0)), x: x, y: y, style: .heading)
        }
        for name in states {
            x = canvas.put(" " + "\(name)_prev".rightAligned(numberWidth), x: x, y: y, style: .muted)
            x = canvas.put(
                " " + name.rawValue.rightAligned(numberWidth) + (tight ? "" : " "), x: x, y: y, style: .heading)
        }
        y += 1
        let previous = t > 0 ? t - 1 : nil
        let masked = lt.isMasked(at: t)
        for u in first..<min(first + count, lt.units) {
            let selected = u == self.unit
            var x = canvas.put(
                (selected ? ">" : " ") + String(u).rightAligned(unitWidth), x: 0, y: y,
                style: selected ? .selected : .plain)
            for name in gates {
                // A masked step computes no gates: a dash, not a zero that reads as a value.
                if masked {
                    x = canvas.put(
                        " " + "\u{2014}".rightAligned(numberWidth)
                            + String(repeating: " ", count: barWidth > 0 ? 1 + barWidth : 0),
                        x: x, y: y, style: .muted)
                    continue
                }
                let v = lt.vector(name, at: t)![u]
                let before = previous.map { lt.vector(name, at: $0)![u] }
                let changed = before.map { abs(v - $0) > 0.1 } ?? false
                let candidate = name.isCandidate
                let (text, differs) = theirsCell(name, unit: u, ours: v, number: number, width: numberWidth)
                x = canvas.put(
                    " " + text, x: x, y: y,
                    style: differs
                        ? .error : changed ? Style(foreground: .yellow, bold: true) : (v.isNaN ? .error : .plain))
                x = drawBar(
                    &canvas, x: x, y: y, value: candidate ? abs(v) : v, width: barWidth,
                    color: candidate ? (v < 0 ? .red : .green) : .cyan)
            }
            for name in states {
                let before = previous.map { lt.vector(name, at: $0)![u] } ?? start[name]![u]
                let now = lt.vector(name, at: t)![u]
                let (text, differs) = theirsCell(name, unit: u, ours: now, number: number, width: numberWidth)
                x = canvas.put(" " + number(before), x: x, y: y, style: .muted)
                x = canvas.put(" " + text, x: x, y: y, style: differs ? .error : valueStyle(now))
                if !tight { x = canvas.put(changeMark(now, before), x: x, y: y, style: .muted) }
            }
            y += 1
        }
        if lt.units > count {
            canvas.put(
                " units \(first)–\(first + count - 1) of \(lt.units) (↑↓, J K ten)", x: 0, y: y, style: .muted)
            y += 1
        }
        return y
    }

    /// A value cell as the table shows it: ours, theirs or ours − theirs (a dash where theirs
    /// gave nothing), and whether theirs differs from ours there by more than the tolerance.
    private func theirsCell(
        _ name: VectorName, unit u: Int, ours: Float, number: (Float) -> String, width: Int
    ) -> (String, Bool) {
        guard let theirs else { return (number(ours), false) }
        let given = theirs(name, u)
        let differs =
            given.map {
                let d = TraceComparison.difference(ours, $0)
                return d.isNaN || d > tolerance
            } ?? false
        let dash = "\u{2014}".rightAligned(width)
        switch display {
        case .ours: return (number(ours), differs)
        case .theirs: return (given.map(number) ?? dash, differs)
        case .difference: return (given.map { number(ours - $0) } ?? dash, differs)
        }
    }

    private func changeMark(_ now: Float, _ before: Float) -> String {
        if now > before + 1e-6 { return String(glyphs.up) }
        if now < before - 1e-6 { return String(glyphs.down) }
        return " "
    }

    private func valueStyle(_ v: Float) -> Style {
        v.isNaN ? .error : Style(foreground: v < 0 ? .red : .green)
    }

    /// A bar for a value in [0, 1] (clipped), in eighths when the glyphs allow.
    private func drawBar(_ canvas: inout Canvas, x: Int, y: Int, value: Float, width w: Int, color: Color) -> Int {
        guard w > 0 else { return x }
        canvas.put(" ", x: x, y: y)
        let v = value.isNaN ? 0 : min(max(value, 0), 1)
        let eighths = Int((v * Float(w * 8)).rounded())
        var column = x + 1
        for k in 0..<w {
            let fill = min(max(eighths - k * 8, 0), 8)
            canvas.put(String(glyphs.bar[fill]), x: column, y: y, style: Style(foreground: color))
            column += 1
        }
        return column
    }

}
