import LSTMCore
import Reports

extension ExplorerState {
    /// Unit detail for GRU and SimpleRNN: each pre-activation split into x·W, h·U and b, the
    /// activation, then how h is made, with this step's numbers.
    func drawOtherUnitView(_ canvas: inout Canvas, _ area: Area) {
        let lt = layerTrace
        let x = lt.input(at: t) ?? []
        let hPrev = t > 0 ? lt.vector("h", at: t - 1)! : [Float](repeating: 0, count: lt.units)
        var y = area.y
        canvas.put(
            " unit \(unit) of layer \(shown(lt.layerName)) (\(lt.kind)) at t = \(t + 1) / \(steps)", x: 0, y: y,
            style: .heading)
        y += 2
        let headers = ["", "x·W", "h·U", "b", "z", "act", "value", "largest contributions"]
        // Below 80 columns a row is named by its symbol alone, so the value column still fits.
        let narrow = width < Breakpoint.narrow
        let widths = [narrow ? 5 : 16, 9, 9, 9, 9, narrow ? 8 : 10, 9]
        var cx = 1
        for (h, w) in zip(headers, widths) { cx = canvas.put(h.fitted(w), x: cx, y: y, style: .heading) }
        if cx + 12 < width {
            canvas.put(cx + headers[7].count < width ? headers[7] : "largest", x: cx, y: y, style: .heading)
        }
        y += 1
        /// `terms` are the products that make x·W and h·U, named x3, h1, …: as many of the largest as fit.
        func row(
            _ label: String, _ fromInput: Float, _ fromState: Float, _ bias: Float, _ act: Activation,
            terms: [(String, Float)]
        ) -> Float {
            let total = fromInput + fromState + bias
            let value = act(total)
            let actText = act == .sigmoid ? glyphs.sigma : act.kerasName
            let name = narrow ? String(label.split(separator: " ").first ?? "") : label
            let cells = [
                name, signed(fromInput), signed(fromState), signed(bias), signed(total), "\(actText)(z)", signed(value),
            ]
            var cx = 1
            for (c, w) in zip(cells, widths) {
                cx = canvas.put(c.fitted(w), x: cx, y: y, style: c == name ? .heading : .plain)
            }
            drawLargestTerms(&canvas, terms, x: cx, y: y)
            y += 1
            return value
        }
        func dot(_ v: [Float], _ m: Matrix, column: Int) -> Float {
            zip(v, 0..<m.rows).reduce(0) { $0 + $1.0 * m[$1.1, column] }
        }
        /// x[k]·W[k, column] and v[k]·U[k, column] (v is h_prev, or r∗h_prev), named by k.
        func terms(_ column: Int, _ w: Matrix, _ u: Matrix, state v: [Float], scale: Float = 1) -> [(String, Float)] {
            (0..<w.rows).map { ("x\($0)", x[$0] * w[$0, column]) }
                + (0..<u.rows).map { ("h\($0)", scale * v[$0] * u[$0, column]) }
        }
        let u = unit, dotGlyph = glyphs.dot
        var lines: [(text: String, heading: Bool)] = []
        switch selectedLayer {
        case .gru(let g):
            let hu = g.units
            let b = { (k: Int) in g.inputBias?[k * hu + u] ?? 0 }
            let bRec = { (k: Int) in g.recurrentBias?[k * hu + u] ?? 0 }
            // For z and r both biases are plain sums: the b column shows b + b'.
            let z = row(
                "z update", dot(x, g.kernel, column: u), dot(hPrev, g.recurrentKernel, column: u), b(0) + bRec(0),
                g.recurrentActivation,
                terms: terms(u, g.kernel, g.recurrentKernel, state: hPrev))
            let r = row(
                "r reset", dot(x, g.kernel, column: hu + u), dot(hPrev, g.recurrentKernel, column: hu + u),
                b(1) + bRec(1), g.recurrentActivation,
                terms: terms(hu + u, g.kernel, g.recurrentKernel, state: hPrev))
            let rT = lt.vector("r", at: t)!
            // The reset comes after U (r·(h·Uh + b')) or before it ((r∗h)·Uh).
            let candidateState =
                g.resetAfter
                ? r * (dot(hPrev, g.recurrentKernel, column: 2 * hu + u) + bRec(2))
                : dot(zip(rT, hPrev).map(*), g.recurrentKernel, column: 2 * hu + u)
            let candidateTerms =
                g.resetAfter
                ? terms(2 * hu + u, g.kernel, g.recurrentKernel, state: hPrev, scale: r)
                : terms(2 * hu + u, g.kernel, g.recurrentKernel, state: zip(rT, hPrev).map(*))
            let hTilde = row(
                "\(glyphs.symbol("h_tilde")) candidate", dot(x, g.kernel, column: 2 * hu + u), candidateState, b(2),
                g.activation,
                terms: candidateTerms)
            let h = lt.vector("h", at: t)![u]
            let reset =
                g.resetAfter
                ? " reset after U: h·U of \(glyphs.symbol("h_tilde")) is r\(dotGlyph)(h_prev·Uh + b')"
                : " reset before U: h·U of \(glyphs.symbol("h_tilde")) is (r∗h_prev)·Uh"
            let equation = equationLines(
                [
                    ["h = z\(dotGlyph)h_prev + (1 − z)\(dotGlyph)\(glyphs.symbol("h_tilde"))"],
                    [
                        "\(plain(z))\(dotGlyph)\(plain(hPrev[u], wrap: true)) + "
                            + "\(plain(1 - z))\(dotGlyph)\(plain(hTilde, wrap: true))",
                        plain(h),
                    ],
                ], width: width, note: "(kept + new)")
            let biases = g.recurrentBias == nil ? [] : [(" b of z and r is b + b' (input and recurrent bias)", false)]
            lines = [(reset, true)] + biases + equation.enumerated().map { ($1, $0 == 0) }
        case .simpleRNN(let r):
            let h = row(
                "h", dot(x, r.kernel, column: u), dot(hPrev, r.recurrentKernel, column: u), r.bias?[u] ?? 0,
                r.activation,
                terms: terms(u, r.kernel, r.recurrentKernel, state: hPrev))
            lines = equationLines(
                [["h = \(r.activation.kerasName)(x\(dotGlyph)W + h_prev\(dotGlyph)U + b)", plain(h)]], width: width
            )
            .map { ($0, false) }
        default:
            break
        }
        y += 1
        for (text, heading) in lines where y < area.bottom {
            canvas.put(text, x: 0, y: y, style: heading ? .heading : .plain, maxWidth: width)
            y += 1
        }
    }
}
