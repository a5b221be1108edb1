import LSTMCore
import Reports

extension ExplorerState {
    /// Units view: `scan`'s statistics of the selected layer's units over the current window or
    /// the whole set (`a`), ordered by any column (`s`, `S` reverses): h's mean and spread, each
    /// gate's saturated share, the largest |c| and where; dead units marked. Enter opens the
    /// Step view at the selected unit.
    func drawUnitsView(_ canvas: inout Canvas, _ area: Area) {
        var y = area.y
        let lt = replay.layers[layer]
        let overSet = unitsTable.scope == .set && windowSet != nil
        let over =
            overSet
            ? "the set: \(setWindowsDone) of \(windowSet!.count) windows"
                + (setWindowsDone < windowSet!.count ? " (running)" : "")
            : windowSet.map { "window \(windowIndex) of \($0.count)" } ?? "this window"
        let title = " units of layer \(shown(lt.name, limit: 24)) (\(lt.kind) \(lt.units)) over \(over)"
        canvas.put(title, x: 0, y: y, style: .heading, maxWidth: width)
        y += 1
        guard let statistics = unitsStatistics, statistics.layers.indices.contains(layer) else {
            let why =
                overSet
                ? "the set's statistics start in a moment"
                : "this window is too long to trace whole here; `lstmscope scan MODEL --input FILE` computes them"
            canvas.put(" " + why, x: 0, y: y + 1, style: .muted, maxWidth: width)
            return
        }
        let sums = statistics.layers[layer]
        let steps = sums.sums(sums.vectors.firstIndex(of: .h)!, unit: 0).count
        let dead = Set(statistics.deadUnits(layer: layer))
        let columns = UnitsTable.columns(sums.activations)
        let arrow = glyphs == .unicode ? (unitsTable.descending ? "↓" : "↑") : (unitsTable.descending ? "v" : "^")
        let sorted = unitsTable.column.heading(sums.vectors, glyphs: glyphs) + " " + arrow
        let deadText = dead.isEmpty ? "none" : "\(dead.count)"
        let long = " over \(steps) steps; ordered by \(sorted); dead units (h's std below 1e-3): \(deadText)"
        let short = " \(steps) steps; by \(sorted); dead: \(deadText)"
        canvas.put(long.count < width ? long : short, x: 0, y: y, style: .muted, maxWidth: width)
        y += 2
        let h = sums.vectors.firstIndex(of: .h)!
        let state = sums.vectors.firstIndex(of: .c) ?? h
        // unit, h mean, h std, each gate's saturation, the largest |c| and where.
        let widths = columns.map { column -> Int in
            switch column {
            case .unit: 6
            case .mean, .std: 10
            case .saturated: 8
            case .largest: 10
            }
        }
        var x = 0
        for (column, w) in zip(columns, widths) {
            var heading = column.heading(sums.vectors, glyphs: glyphs)
            if column == .largest { heading = "|\(glyphs.symbol(sums.vectors[state]))| max" }
            let style: Style = column == unitsTable.column ? .selected : .heading
            x = canvas.put(heading.rightAligned(w - 1) + " ", x: x, y: y, style: style)
        }
        let whereText = overSet ? "  at window, t" : "  at t"
        if x + whereText.count < width { canvas.put(whereText, x: x, y: y, style: .heading) }
        y += 1
        let ordered = unitsTable.order(sums)
        let visible = max(1, area.bottom - y)
        let first = scrollStart(selected: unitsTable.row, count: ordered.count, visible: visible)
        for (row, u) in ordered.enumerated().dropFirst(first).prefix(visible) {
            let selected = row == unitsTable.row
            x = 0
            for (column, w) in zip(columns, widths) {
                let text: String
                switch column {
                case .unit: text = (selected ? ">" : " ") + String(u).rightAligned(w - 2)
                case .mean: text = Self.number(sums.sums(h, unit: u).mean, w - 1)
                case .std: text = Self.number(sums.sums(h, unit: u).std, w - 1)
                case .saturated(let n): text = Self.percent(sums.sums(n, unit: u).saturatedShare, w - 1)
                case .largest: text = fixed(sums.sums(state, unit: u).largest).rightAligned(w - 1)
                }
                x = canvas.put(text + " ", x: x, y: y, style: selected ? .selected : .plain)
            }
            var note = ""
            if let at = sums.sums(state, unit: u).largestAt { note = overSet ? "  \(at.window), \(at.t)" : "  \(at.t)" }
            if dead.contains(u) { note += "  dead" }
            canvas.put(
                note, x: x, y: y, style: dead.contains(u) ? Style(foreground: .yellow) : .muted, maxWidth: width - x)
            y += 1
        }
    }

    private static func number(_ value: Double?, _ width: Int) -> String {
        (value.map { signed(Float($0)).trimmingSpaces() } ?? "—").rightAligned(width)
    }

    private static func percent(_ share: Double?, _ width: Int) -> String {
        (share.map { formatDecimal(Float($0 * 100), digits: 1) + "%" } ?? "—").rightAligned(width)
    }
}
