import LSTMCore
import Reports

/// Where the Plot view puts things.
enum PlotLayout {
    /// The value labels left of each chart (` f +1.000`) and the rule after them.
    static let labelWidth = 9
    /// The fewest rows a chart is drawn in.
    static let minimumChartRows = 2
}

extension ExplorerState {
    /// Plot view: the selected unit's vectors over t, one chart each (or one alone, `v`), drawn
    /// in Braille dots; each dot column the min…max of the steps it stands for. A cursor at t
    /// (the Step view's), marks for NaN or ±∞, masked steps and theirs' first divergence, a t axis,
    /// and t's values under it.
    func drawPlotView(_ canvas: inout Canvas, _ area: Area) {
        let lt = replay.layers[layer]
        let range = plotRange
        let columns = plotColumns
        let samples = 2 * columns
        let held = [plotSegment, segment].compactMap { $0 }.first {
            $0.stepRange.contains(range.lowerBound) && $0.stepRange.contains(range.upperBound - 1)
        }
        let vectors = plotVectors(rows: area.height - 4)
        let envelopes = vectors.map {
            replay.envelope(layer: layer, $0, unit: unit, steps: range, samples: samples, held: held)
        }
        var y = area.y
        let to = glyphs == .unicode ? "…" : ".."
        let per = Double(range.count) / Double(columns)
        let resolution = envelopes.compactMap { $0?.resolution }.max() ?? 1
        let perText = formatCount(per)
        // A dot column is half a character column: blocks wider than that are what it shows.
        let coarse = Double(resolution) > per / 2 ? " (blocks of \(resolution) kept)" : ""
        let stepColumns = per <= 1 ? columns / max(range.count, 1) : 1
        let detail =
            per <= 1
            ? (stepColumns > 1 ? "a step is \(stepColumns) columns" : "a step a column")
            : "a column is min\(to)max of \(perText) steps" + coarse
        let brief = per <= 1 ? (stepColumns > 1 ? "\(stepColumns) columns a step" : "") : "\(perText) steps a column"
        let rows = "\(windowRow(ofStep: range.lowerBound))\(to)\(windowRow(ofStep: range.upperBound - 1))"
        let whole = range.count == steps ? "all \(steps) steps" : "of \(steps)"
        let name = shown(lt.name, limit: 20)
        // The first that fits: everything, without the kind, then the gist.
        let titles = [
            " unit \(unit) of \(name) (\(lt.kind) \(lt.units)) over t = \(rows) (\(whole)); \(detail)",
            " unit \(unit) of \(name) over t = \(rows) (\(whole)); \(detail)",
            " unit \(unit), t = \(rows) (\(whole))" + (brief.isEmpty ? "" : "; " + brief),
        ]
        let title = titles.first { $0.count <= width - 1 } ?? titles[2].fitted(width - 1, ellipsis: glyphs.ellipsis)
        canvas.put(title, x: 0, y: y, style: .heading, maxWidth: width)
        y += 1
        let chartRows = max(PlotLayout.minimumChartRows, (area.height - 4) / max(vectors.count, 1))
        let cursor = envelopes.compactMap { $0 }.first?.sample(ofStep: t).map { $0 / 2 }
        for (vector, envelope) in zip(vectors, envelopes) {
            guard let envelope, y + chartRows <= area.bottom - 3 else { continue }
            let (top, bottom) = plotBounds(vector, envelope)
            canvas.put(" " + glyphs.symbol(vector), x: 0, y: y, style: Style(foreground: plotColor(vector), bold: true))
            canvas.put(short(top), x: 3, y: y, style: .muted)
            canvas.put(short(bottom), x: 3, y: y + chartRows - 1, style: .muted)
            for row in 0..<chartRows {
                canvas[PlotLayout.labelWidth, y + row] = Cell(character: glyphs.vertical, style: .muted)
            }
            BrailleChart(
                envelope: envelope, top: top, bottom: bottom, columns: columns, rows: chartRows,
                style: Style(foreground: plotColor(vector)), glyphs: glyphs, cursorColumn: cursor
            ).draw(&canvas, x: PlotLayout.labelWidth + 1, y: y)
            y += chartRows
        }
        let marks = plotMarks(envelopes.compactMap { $0 }, columns: columns, range: range)
        canvas.put("marks".rightAligned(PlotLayout.labelWidth - 1), x: 0, y: y, style: .muted)
        for (c, cell) in marks.enumerated() { canvas[PlotLayout.labelWidth + 1 + c, y] = cell }
        y += 1
        let axis = TimeAxis.line(columns: columns) { c in
            let a = windowRow(ofStep: Envelope.steps(ofSample: 2 * c, of: samples, in: range).lowerBound)
            let b = windowRow(ofStep: Envelope.steps(ofSample: 2 * c + 1, of: samples, in: range).upperBound - 1)
            return min(a, b)...max(a, b)
        }
        canvas.put("t".rightAligned(PlotLayout.labelWidth - 1), x: 0, y: y, style: .muted)
        canvas.put(axis, x: PlotLayout.labelWidth + 1, y: y, style: .muted)
        y += 1
        drawPlotReadout(&canvas, y: y, vectors: vectors, marks: marks)
    }

    /// The vectors charted: every one of the kind's with at least two rows each, else the one
    /// chosen with `v` (the history strip's vector until then).
    func plotVectors(rows: Int) -> [VectorName] {
        let names = layerTrace.vectorNames
        if let chosen = plot.vector, names.contains(chosen) { return [chosen] }
        if rows / max(names.count, 1) >= PlotLayout.minimumChartRows { return names }
        let fitting = max(1, rows / PlotLayout.minimumChartRows)
        let start = names.firstIndex(of: historyVector) ?? 0
        return (0..<min(fitting, names.count)).map { names[(start + $0) % names.count] }
    }

    /// The values at a chart's top and bottom: a gate's whole range (so saturation shows as a
    /// line at the edge), else the values shown, with some room.
    private func plotBounds(_ vector: VectorName, _ envelope: Envelope) -> (Float, Float) {
        switch selectedLayer.activation(of: vector) {
        case .sigmoid?, .hardSigmoid?: return (1, 0)
        case .tanh?, .softsign?: return (1, -1)
        default:
            guard let range = envelope.finiteRange else { return (1, -1) }
            if range.lowerBound == range.upperBound {
                let pad = max(abs(range.lowerBound) * 0.1, 0.5)
                return (range.upperBound + pad, range.lowerBound - pad)
            }
            return (range.upperBound, range.lowerBound)
        }
    }

    /// Each vector in its own colour, the same in every view that names it.
    func plotColor(_ vector: VectorName) -> Color {
        switch vector {
        case .i, .r: .cyan
        case .f, .z: .yellow
        case .cTilde, .hTilde: .magenta
        case .o: .blue
        case .c: .red
        case .h: .green
        }
    }

    /// The marks line: `!` where a vector was NaN or ±∞, `▼` where theirs first differs (this
    /// layer), `m` where a step was masked.
    private func plotMarks(_ envelopes: [Envelope], columns: Int, range: Range<Int>) -> [Cell] {
        var cells = [Cell](repeating: .blank, count: columns)
        guard let first = envelopes.first else { return cells }
        for c in 0..<columns {
            let samples = [2 * c, 2 * c + 1].filter { $0 < first.samples }
            if envelopes.contains(where: { e in samples.contains { e.nonFinite[$0] } }) {
                cells[c] = Cell(character: "!", style: .error)
            } else if samples.contains(where: { first.masked[$0] }) {
                cells[c] = Cell(character: "m", style: .muted)
            }
        }
        if let divergence = theirs?.comparison.firstDivergence, divergence.layer == layer,
            let step = divergence.step, let s = first.sample(ofStep: step)
        {
            cells[s / 2] = Cell(character: glyphs.down, style: Style(foreground: .yellow, bold: true))
        }
        return cells
    }

    /// t and the unit's values there, in the charts' colours, and what the marks mean when any show.
    private func drawPlotReadout(_ canvas: inout Canvas, y: Int, vectors: [VectorName], marks: [Cell]) {
        var x = canvas.put(" t = \(shownT)", x: 0, y: y, style: .heading)
        for name in layerTrace.vectorNames {
            guard let v = layerTrace.value(name, at: t, unit: unit) else { continue }
            let value = short(v).trimmingSpaces()
            // Whole pairs only: a name without its value says nothing.
            guard x + 3 + value.count + 1 < width else { break }
            x = canvas.put("  " + glyphs.symbol(name) + " ", x: x, y: y, style: Style(foreground: plotColor(name)))
            x = canvas.put(value, x: x, y: y)
        }
        var legend: [String] = []
        if marks.contains(where: { $0.character == "!" }) { legend.append("! NaN or inf") }
        if marks.contains(where: { $0.character == "m" }) { legend.append("m masked") }
        if marks.contains(where: { $0.character == glyphs.down }) { legend.append("\(glyphs.down) theirs differs") }
        let text = "   " + legend.joined(separator: "  ")
        if !legend.isEmpty, x + text.count <= width { canvas.put(text, x: x, y: y, style: .muted) }
    }
}

/// `263`, `26.3`, `2.6`: a count of steps that need not be whole.
private func formatCount(_ x: Double) -> String {
    x >= 100 ? String(Int(x.rounded())) : formatDecimal(Float(x), digits: x >= 10 ? 1 : 2)
}
