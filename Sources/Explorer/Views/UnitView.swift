import LSTMCore
import Reports

extension ExplorerState {
    /// Unit detail: each gate's pre-activation split into x·W, h·U and b, the inputs that
    /// contribute most, the activation, then c = f·c_prev + i·c̃ and h = o·tanh(c).
    func drawUnitView(_ canvas: inout Canvas, _ area: Area) {
        guard let l = recurrentLayer else { return drawOtherUnitView(&canvas, area) }
        let lt = layerTrace
        let x = lt.input(at: t) ?? []
        let hPrev = t > 0 ? lt.vector("h", at: t - 1)! : [Float](repeating: 0, count: lt.units)
        let cPrev = t > 0 ? lt.vector("c", at: t - 1)![unit] : 0
        var y = area.y
        canvas.put(" unit \(unit) of layer \(shown(lt.layerName)) at t = \(t + 1) / \(steps)", x: 0, y: y, style: .heading)
        y += 2
        let headers = ["gate", "x·W", "h·U", "b", "z", "act", "value", "largest contributions"]
        let widths = [14, 9, 9, 9, 9, 8, 9, 0]
        var cx = 1
        for (h, w) in zip(headers, widths) { cx = canvas.put(w > 0 ? h.fitted(w) : h, x: cx, y: y, style: .heading) }
        y += 1
        var values: [LSTMGate: Float] = [:]
        for gate in LSTMGate.allCases {
            let part = l.contribution(of: gate, unit: unit, x: x, previousH: hPrev)
            let act = l.activation(for: gate)
            let value = act(part.total)
            values[gate] = value
            let actText = act == .sigmoid ? glyphs.sigma : act.kerasName
            let cells = ["\(glyphs.symbol(gate.traceName)) \(gate.title)", signed(part.fromInput), signed(part.fromRecurrent),
                         signed(part.bias), signed(part.total), "\(actText)(z)", signed(value)]
            var cx = 1
            for (c, w) in zip(cells, widths) { cx = canvas.put(c.fitted(w), x: cx, y: y, style: c == cells[0] ? .heading : .plain) }
            let top = (part.perInput.enumerated().map { ("x\($0.offset)", $0.element) }
                       + part.perRecurrent.enumerated().map { ("h\($0.offset)", $0.element) })
                .sorted { abs($0.1) > abs($1.1) }.prefix(width >= 100 ? 3 : 2)
                .map { "\($0.0) \(signed($0.1).trimmingSpaces())" }.joined(separator: ", ")
            canvas.put(top, x: cx, y: y, style: .muted, maxWidth: width - cx - 1)
            y += 1
        }
        y += 1
        let i = values[.input]!, f = values[.forget]!, cTilde = values[.candidate]!, o = values[.output]!
        let c = lt.vector("c", at: t)![unit], h = lt.vector("h", at: t)![unit]
        let dot = glyphs.dot, ct = glyphs.cTilde
        let lines = [
            " c = f\(dot)c_prev + i\(dot)\(ct)",
            "   = \(plain(f))\(dot)\(plain(cPrev, wrap: true)) + \(plain(i))\(dot)\(plain(cTilde, wrap: true))",
            "   = \(plain(f * cPrev, wrap: true)) + \(plain(i * cTilde, wrap: true)) = \(plain(c))   (kept from the old cell + written)",
            "",
            " h = o\(dot)\(l.activation.kerasName)(c) = \(plain(o))\(dot)\(l.activation.kerasName)(\(plain(c))) = \(plain(o))\(dot)\(plain(l.activation(c), wrap: true)) = \(plain(h))",
        ]
        for (k, text) in lines.enumerated() where y < area.bottom {
            canvas.put(text, x: 0, y: y, style: k == 0 || k == 4 ? .heading : .plain, maxWidth: width)
            y += 1
        }
        y += 1
        if y < area.bottom {
            canvas.put(" x_t = [" + x.prefix(12).map { signed($0).trimmingSpaces() }.joined(separator: " ") + (x.count > 12 ? " \(glyphs.ellipsis)" : "") + "]",
                       x: 0, y: y, style: .muted, maxWidth: width)
        }
    }
}
