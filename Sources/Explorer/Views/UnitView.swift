import LSTMCore
import Reports

extension ExplorerState {
    /// Unit detail: each pre-activation split into x·W, h·U and b, the inputs that contribute
    /// most, the activation, then how the kind makes its new state (for an LSTM c = f·c_prev +
    /// i·c̃ and h = o·tanh(c)), with this step's numbers. The kind does the arithmetic
    /// (``RecurrentLayer/unitBreakdown(unit:x:previous:current:)``); this only lays it out.
    func drawUnitView(_ canvas: inout Canvas, _ area: Area) {
        if layerTrace.isMasked(at: t) { return drawMaskedUnitView(&canvas, area) }
        let lt = layerTrace, kind = selectedLayer
        let x = lt.input(at: t) ?? []
        let start = kind.startState
        let breakdown = kind.unitBreakdown(
            unit: unit, x: x,
            previous: kind.stateNames.enumerated().map { t > 0 ? lt.vector($1, at: t - 1)! : start[$0] },
            current: lt.vectorNames.map { lt.vector($0, at: t)! })
        let gates = breakdown.layout == .gates
        var y = area.y
        canvas.put(
            " unit \(unit) of layer \(shown(lt.layerName))\(gates ? "" : " (\(lt.kind))") at t = \(shownT) of 0–"
                + "\(steps - 1)",
            x: 0, y: y, style: .heading)
        y += 2
        // The pre-activation is z, except beside a GRU's update gate z.
        let pre = lt.vectorNames.contains(.z) ? "pre" : "z"
        let headers = [gates ? "gate" : "", "x·W", "h·U", "b", pre, "act", "value"]
        let termsHeader = "largest contributions"
        // Below 80 columns a row is named by its symbol alone, so the value column still fits.
        let narrow = width < Breakpoint.narrow
        let widths = gates ? [narrow ? 5 : 14, 9, 9, 9, 9, 8, 9] : [narrow ? 5 : 16, 9, 9, 9, 9, narrow ? 8 : 10, 9]
        var cx = 1
        for (h, w) in zip(headers, widths) { cx = canvas.put(h.fitted(w), x: cx, y: y, style: .heading) }
        // The gate table shortens its last heading sooner than the vector table drops it.
        if cx + termsHeader.count < width {
            canvas.put(termsHeader, x: cx, y: y, style: .heading)
        } else if cx + (gates ? 8 : 12) < width {
            canvas.put("largest", x: cx, y: y, style: .heading)
        }
        y += 1
        for row in breakdown.rows {
            let actText = row.activation == .sigmoid ? glyphs.sigma : row.activation.kerasName
            let symbol = glyphs.symbol(row.vector)
            let cells = [
                narrow || row.title.isEmpty ? symbol : "\(symbol) \(row.title)",
                signed(row.fromInput), signed(row.fromState), signed(row.bias), signed(row.total), "\(actText)(z)",
                signed(row.value),
            ]
            var cx = 1
            for (c, w) in zip(cells, widths) {
                cx = canvas.put(c.fitted(w), x: cx, y: y, style: c == cells[0] ? .heading : .plain)
            }
            drawLargestTerms(&canvas, row.terms.map { ($0.name, $0.value) }, x: cx, y: y)
            y += 1
        }
        y += 1
        var lines = breakdown.notes.map { (text(of: $0.formula), $0.heading) }
        for (k, equation) in breakdown.equations.enumerated() {
            if k > 0 { lines.append(("", false)) }
            let parts = equation.groups.map { $0.map(text(of:)) }
            lines += equationLines(parts, width: width, note: equation.note).enumerated().map {
                ($1, equation.headed && $0 == 0)
            }
        }
        for (text, heading) in lines where y < area.bottom {
            canvas.put(text, x: 0, y: y, style: heading ? .heading : .plain, maxWidth: width)
            y += 1
        }
        if let overlay = theirs, y + 1 < area.bottom {
            // Theirs has vectors, not their terms: each of this unit's, beside ours.
            var differs = false
            let parts = lt.vectorNames.compactMap { v -> String? in
                guard
                    let given = overlay.value(
                        replay.layers[layer], index: layer, step: t, steps: steps, vector: v, unit: unit),
                    let ours = lt.value(v, at: t, unit: unit)
                else { return nil }
                let d = TraceComparison.difference(ours, given)
                differs = differs || d.isNaN || d > overlay.tolerance
                return "\(glyphs.symbol(v)) \(plain(given))"
            }
            if !parts.isEmpty {
                y += 1
                canvas.put(
                    " theirs: " + parts.joined(separator: "  ") + (differs ? "  (differs)" : "  (agrees)"), x: 0, y: y,
                    style: differs ? .error : .good, maxWidth: width)
                y += 1
            }
        }
        guard gates else { return }
        y += 1
        if y < area.bottom {
            canvas.put(
                " x_t = " + VectorLine(values: x, limit: 12).text(glyphs),
                x: 0, y: y, style: .muted, maxWidth: width)
        }
    }

    /// A formula of a unit breakdown in this explorer's glyphs and number format.
    private func text(of formula: UnitBreakdown.Formula) -> String {
        formula.map { piece in
            switch piece {
            case .text(let s): s
            case .number(let v, let wrap): plain(v, wrap: wrap)
            case .dot: glyphs.dot
            case .symbol(let vector): glyphs.symbol(vector)
            }
        }.joined()
    }

    /// The three largest of `terms` (products named x3, h1, …) by magnitude, from `x` on: as
    /// many whole terms as fit, never one cut in half.
    func drawLargestTerms(_ canvas: inout Canvas, _ terms: [(String, Float)], x: Int, y: Int) {
        var top = ""
        for term in terms.sorted(by: { abs($0.1) > abs($1.1) }).prefix(3).map({
            "\($0.0) \(signed($0.1).trimmingSpaces())"
        })
        where x + top.count + (top.isEmpty ? 0 : 2) + term.count <= width - 1 {
            top += (top.isEmpty ? "" : ", ") + term
        }
        canvas.put(top, x: x, y: y, style: .muted, maxWidth: width - x - 1)
    }

    /// A step the mask skipped: no gate was evaluated; the state came from the step before.
    private func drawMaskedUnitView(_ canvas: inout Canvas, _ area: Area) {
        let lt = layerTrace
        var y = area.y
        canvas.put(
            " unit \(unit) of layer \(shown(lt.layerName)) (\(lt.kind)) at t = \(shownT) of 0–\(steps - 1)", x: 0,
            y: y, style: .heading)
        y += 2
        var lines = [
            "masked step: window row t equals the Masking value in every feature, so the cell is skipped.",
            "No gate is evaluated; the state is carried from the step before:",
        ]
        for name in [VectorName.c, .h] where lt.vectorNames.contains(name) {
            let before = t > 0 ? lt.value(name, at: t - 1, unit: unit)! : selectedLayer.startValue(name, unit: unit)!
            lines.append("  \(name) = \(name)_prev = \(plain(before))")
        }
        lines.append("The layer outputs h_prev here (zeros with zero_output_for_mask).")
        // The state lines keep their indent (wrapping would drop it); they are short.
        for line in lines.flatMap({ $0.hasPrefix(" ") ? [$0] : $0.wrapped(width: width - 2) }) where y < area.bottom {
            canvas.put(
                " " + line, x: 0, y: y, style: line.hasPrefix("masked") ? Style(foreground: .yellow) : .plain,
                maxWidth: width)
            y += 1
        }
    }
}
