import LSTMCore
import Reports

extension ExplorerState {
    /// Weights view: one matrix as a heat map split into its gate blocks, a cursor with row,
    /// column, gate, unit and exact value, and per-block statistics; scrolls, or zooms out (z).
    func drawWeightsView(_ canvas: inout Canvas, _ area: Area) {
        guard let p = parameters[safe: weights.parameter] else { return }
        let m = p.matrix
        let units = p.gateUnits
        let gates = p.gates ?? []
        var y = area.y
        let axes = "(" + p.axisMeaning.joined(separator: ", ") + (p.shape.count == 1 ? ",)" : ")")
        canvas.put(
            " \(p.seedName) = \(p.kerasName) of \(shown(p.layerName))  \(formatShape(p.shape)) = \(axes)   matrix "
                + "\(weights.parameter + 1) of \(parameters.count)",
            x: 0, y: y, style: .heading, maxWidth: width)
        y += 1
        // On a short terminal the per-block statistics give their rows to the matrix.
        let statsRows = area.bottom - area.y < 20 ? 0 : (units == nil ? 1 : gates.count) + 2
        let infoRows = 2
        let mapTop = y + 1
        let mapRows = max(1, area.bottom - mapTop - statsRows - infoRows - 1)
        let labelWidth = 6
        let blocks = units == nil ? 1 : gates.count
        let mapWidth = width - labelWidth - 1 - (blocks - 1)
        let whole = statistics(of: p)
        let scale = max(whole.max, -whole.min, 1e-12)

        // Columns: two characters per value when it fits, one otherwise; the overview bins.
        let cellWidth = !weights.overview && m.columns * 2 <= mapWidth ? 2 : 1
        let columnBin = weights.overview ? max(1, (m.columns + mapWidth - 1) / mapWidth) : 1
        let rowBin = weights.overview ? max(1, (m.rows + mapRows - 1) / mapRows) : 1
        let shownColumns = min((m.columns + columnBin - 1) / columnBin, mapWidth / cellWidth)
        let shownRows = min((m.rows + rowBin - 1) / rowBin, mapRows)
        let firstColumn =
            weights.overview ? 0 : scrollStart(selected: weights.column, count: m.columns, visible: shownColumns)
        let firstRow = weights.overview ? 0 : scrollStart(selected: weights.row, count: m.rows, visible: shownRows)

        // Gate labels over the blocks.
        func screenX(_ column: Int) -> Int {
            let index = (column / columnBin) - (firstColumn / columnBin)
            let separators = units.map { column / $0 } ?? 0
            let firstSeparators = units.map { firstColumn / $0 } ?? 0
            return labelWidth + index * cellWidth + (separators - firstSeparators)
        }
        if let units {
            for (k, gate) in gates.enumerated() {
                let r = k * units..<(k + 1) * units
                let start = max(r.lowerBound, firstColumn)
                guard start < r.upperBound, (start - firstColumn) / columnBin < shownColumns else { continue }
                // Cut to its block, so a narrow block's label does not run into the next one's.
                let room =
                    r.upperBound < m.columns ? screenX(r.upperBound) - screenX(start) - 1 : width - screenX(start)
                canvas.put(
                    "\(glyphs.symbol(gate.vector)) \(r.lowerBound)–\(r.upperBound - 1)", x: screenX(start), y: y,
                    style: .heading,
                    maxWidth: max(1, room))
            }
        }
        y = mapTop
        for rowIndex in 0..<shownRows {
            let row = firstRow + rowIndex * rowBin
            guard row < m.rows else { break }
            let rowLabel = p.shape.count == 1 ? "" : rowName(p, row)
            canvas.put(rowLabel.rightAligned(labelWidth - 1), x: 0, y: y, style: row == weights.row ? .heading : .muted)
            var column = firstColumn
            while column < m.columns, (column - firstColumn) / columnBin < shownColumns {
                let v = binValue(m, row: row, column: column, rows: rowBin, columns: columnBin)
                let level =
                    v.isNaN
                    ? 0 : min(glyphs.heat.count - 1, Int((abs(v) / scale * Float(glyphs.heat.count - 1)).rounded(.up)))
                let selected = !weights.overview && row == weights.row && column == weights.column
                let inBin =
                    weights.overview && (row..<row + rowBin).contains(weights.row)
                    && (column..<column + columnBin).contains(weights.column)
                var style = Style(foreground: v < 0 ? .blue : .red)
                if selected || inBin { style.reverse = true }
                let ch: Character =
                    v.isNaN ? "!" : glyphs.heatCell(level: level, negative: v < 0, monochrome: monochrome)
                let sx = screenX(column)
                for k in 0..<cellWidth { canvas[sx + k, y] = Cell(character: ch, style: v.isNaN ? .error : style) }
                if let units, (column + columnBin) % units < columnBin, column + columnBin < m.columns {
                    canvas[sx + cellWidth, y] = Cell(character: glyphs.vertical, style: .muted)
                }
                column += columnBin
            }
            y += 1
        }
        var noteEnd = 0
        if weights.overview {
            noteEnd = canvas.put(
                " overview: each cell is the largest |value| of \(rowBin)×\(columnBin) values", x: 0, y: y,
                style: .muted)
        } else if m.rows > shownRows || m.columns > shownColumns {
            noteEnd = canvas.put(
                " rows \(firstRow)–\(firstRow + shownRows - 1) of \(m.rows), "
                    + "columns \(firstColumn)–\(firstColumn + shownColumns - 1) of \(m.columns)  (z: overview)",
                x: 0, y: y, style: .muted, maxWidth: width)
        }
        // What the shades and colours mean, at the right when there is room.
        let legend = glyphs.heatLegend(positive: "red", negative: "blue", monochrome: monochrome) + " "
        if noteEnd + 2 + legend.count <= width { canvas.put(legend, x: width - legend.count, y: y, style: .muted) }
        y = area.bottom - statsRows - infoRows

        // The cursor's cell.
        let value = m[weights.row, weights.column]
        let cell = " \(p.seedName)[\(p.shape.count == 1 ? "" : "\(weights.row), ")\(weights.column)] = \(value)"
        var info = "row \(weights.row)"
        if p.shape.count == 2 { info += " (\(rowName(p, weights.row)))" }
        info += ", column \(weights.column)"
        if let units, let located = GateBlock.locate(column: weights.column, units: units, blocks: gates) {
            info += " → gate \(glyphs.symbol(located.block.vector)) (\(located.block.title)), unit \(located.unit)"
        } else if p.gateUnits == nil {
            info += " → output \(weights.column)"
        }
        // On one line when it fits, else where the cell is goes on the (otherwise empty) next one.
        if cell.count + 3 + info.count <= width - 1 {
            canvas.put(cell + "   " + info, x: 0, y: y, style: .heading, maxWidth: width)
        } else {
            canvas.put(cell, x: 0, y: y, style: .heading, maxWidth: width)
            canvas.put("   " + info, x: 0, y: y + 1, style: .heading, maxWidth: width)
        }
        y += 2

        // Per-block statistics.
        guard statsRows > 0 else { return }
        var x = 1
        for (h, w) in zip(["block", "mean", "std", "min", "max", "L2 norm"], [16, 9, 9, 9, 9, 9]) {
            x = canvas.put(h.fitted(w), x: x, y: y, style: .heading)
        }
        y += 1
        let ranges: [(String, Range<Int>)] =
            units.map { u in
                gates.enumerated().map { k, gate in
                    ("\(glyphs.symbol(gate.vector)) \(gate.title)", k * u..<(k + 1) * u)
                }
            } ?? [("all", 0..<m.columns)]
        for (name, range) in ranges where y < area.bottom {
            let s = statistics(of: p, columns: range)
            var x = 1
            for (c, w) in zip(
                [name, signed(s.mean), signed(s.std), signed(s.min), signed(s.max), signed(s.l2)], [16, 9, 9, 9, 9, 9])
            {
                x = canvas.put(c.fitted(w), x: x, y: y)
            }
            y += 1
        }
    }

    /// What a row of a parameter stands for: `x2` for W, `h3` for U, `in3` for a Dense kernel,
    /// b and b' for the two rows of a GRU's bias.
    private func rowName(_ p: Parameter, _ row: Int) -> String {
        switch p.kerasName {
        // A recurrent kernel reads x (axis "xu") or the h of the layer below; a Dense one, "in".
        case "kernel" where p.axisMeaning[0] != "in": p.axisMeaning[0] == "xu" ? "x\(row)" : "h\(row)"
        case "recurrent_kernel": "h\(row)"
        case "bias" where p.shape.count == 2: row == 0 ? "b" : "b'"
        default: "in\(row)"
        }
    }

    /// The value of largest magnitude in a bin (keeps its sign; NaN wins so it stays visible).
    private func binValue(_ m: Matrix, row: Int, column: Int, rows: Int, columns: Int) -> Float {
        var best: Float = 0
        for r in row..<min(m.rows, row + rows) {
            for c in column..<min(m.columns, column + columns) {
                let v = m[r, c]
                if v.isNaN { return v }
                if abs(v) > abs(best) { best = v }
            }
        }
        return best
    }
}
