import LSTMCore
import Reports

extension ExplorerState {
    /// Unit detail: each gate's pre-activation split into x·W, h·U and b, the inputs that
    /// contribute most, the activation, then c = f·c_prev + i·c̃ and h = o·tanh(c).
    func drawUnitView(_ canvas: inout Canvas, _ area: Area) {
        if layerTrace.isMasked(at: t) { return drawMaskedUnitView(&canvas, area) }
        guard let l = recurrentLayer else { return drawOtherUnitView(&canvas, area) }
        let lt = layerTrace
        let x = lt.input(at: t) ?? []
        let hPrev = t > 0 ? lt.vector("h", at: t - 1)! : [Float](repeating: 0, count: lt.units)
        let cPrev = t > 0 ? lt.vector("c", at: t - 1)![unit] : 0
        var y = area.y
        canvas.put(
            " unit \(unit) of layer \(shown(lt.layerName)) at t = \(t + 1) / \(steps)", x: 0, y: y, style: .heading)
        y += 2
        let headers = ["gate", "x·W", "h·U", "b", "z", "act", "value", "largest contributions"]
        // Below 80 columns a gate is named by its symbol alone, so the value column still fits.
        let narrow = width < Breakpoint.narrow
        let widths = [narrow ? 5 : 14, 9, 9, 9, 9, 8, 9, 0]
        var cx = 1
        for (h, w) in zip(headers, widths) {
            if w > 0 {
                cx = canvas.put(h.fitted(w), x: cx, y: y, style: .heading)
            } else if cx + h.count < width {
                cx = canvas.put(h, x: cx, y: y, style: .heading)
            } else if cx + 8 < width {
                cx = canvas.put("largest", x: cx, y: y, style: .heading)
            }
        }
        y += 1
        var values: [LSTMGate: Float] = [:]
        for gate in LSTMGate.allCases {
            let part = l.contribution(of: gate, unit: unit, x: x, previousH: hPrev)
            let act = l.activation(for: gate)
            let value = act(part.total)
            values[gate] = value
            let actText = act == .sigmoid ? glyphs.sigma : act.kerasName
            let cells = [
                narrow ? glyphs.symbol(gate.traceName) : "\(glyphs.symbol(gate.traceName)) \(gate.title)",
                signed(part.fromInput), signed(part.fromRecurrent),
                signed(part.bias), signed(part.total), "\(actText)(z)", signed(value),
            ]
            var cx = 1
            for (c, w) in zip(cells, widths) {
                cx = canvas.put(c.fitted(w), x: cx, y: y, style: c == cells[0] ? .heading : .plain)
            }
            drawLargestTerms(
                &canvas,
                part.perInput.enumerated().map { ("x\($0.offset)", $0.element) }
                    + part.perRecurrent.enumerated().map { ("h\($0.offset)", $0.element) }, x: cx, y: y)
            y += 1
        }
        y += 1
        let i = values[.input]!, f = values[.forget]!, cTilde = values[.candidate]!, o = values[.output]!
        let c = lt.vector("c", at: t)![unit], h = lt.vector("h", at: t)![unit]
        let dot = glyphs.dot, ct = glyphs.cTilde, act = l.activation.kerasName
        let c1 = equationLines(
            [
                ["c = f\(dot)c_prev + i\(dot)\(ct)"],
                ["\(plain(f))\(dot)\(plain(cPrev, wrap: true)) + \(plain(i))\(dot)\(plain(cTilde, wrap: true))"],
                ["\(plain(f * cPrev, wrap: true)) + \(plain(i * cTilde, wrap: true))", plain(c)],
            ],
            width: width, note: "(kept from the old cell + written)")
        let h1 = equationLines(
            [
                [
                    "h = o\(dot)\(act)(c)", "\(plain(o))\(dot)\(act)(\(plain(c)))",
                    "\(plain(o))\(dot)\(plain(l.activation(c), wrap: true))", plain(h),
                ]
            ], width: width)
        let lines = c1.enumerated().map { ($1, $0 == 0) } + [("", false)] + h1.enumerated().map { ($1, $0 == 0) }
        for (text, heading) in lines where y < area.bottom {
            canvas.put(text, x: 0, y: y, style: heading ? .heading : .plain, maxWidth: width)
            y += 1
        }
        y += 1
        if y < area.bottom {
            canvas.put(
                " x_t = [" + x.prefix(12).map { signed($0).trimmingSpaces() }.joined(separator: " ")
                    + (x.count > 12 ? " \(glyphs.ellipsis)" : "") + "]",
                x: 0, y: y, style: .muted, maxWidth: width)
        }
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
            " unit \(unit) of layer \(shown(lt.layerName)) (\(lt.kind)) at t = \(t + 1) / \(steps)", x: 0, y: y,
            style: .heading)
        y += 2
        var lines = [
            "masked step: window row t equals the Masking value in every feature, so the cell is skipped.",
            "No gate is evaluated; the state is carried from the step before:",
        ]
        for name in ["c", "h"] where lt.vectorNames.contains(name) {
            let before = t > 0 ? lt.value(name, at: t - 1, unit: unit)! : 0
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
