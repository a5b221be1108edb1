import Foundation
import LSTMCore
import Reports

extension ExplorerState {
    /// Model view: file, format, Keras version, the layer chain, the parameter table, the total,
    /// and the gate layout of each LSTM (×4) and GRU (×3) layer with this model's column ranges.
    func drawModelView(_ canvas: inout Canvas, _ area: Area) {
        let p = model.provenance
        var y = area.y + 1
        func line(_ label: String, _ value: String, style: Style = .plain) {
            guard y < area.bottom else { return }
            let x = canvas.put(" " + label.fitted(9), x: 0, y: y, style: .muted)
            // Cut with an ellipsis, so that a cut value never reads as whole.
            let room = width - x - 1
            let text = value.count > room ? String(value.prefix(max(0, room - 1))) + glyphs.ellipsis : value
            canvas.put(text, x: x, y: y, style: style, maxWidth: room)
            y += 1
        }
        line("file", shown(p.path, limit: 100))
        var format = p.format.description
        if let v = p.kerasVersion { format += ", Keras \(v)" }
        // Keras 2 and 3 mean different functions by hard_sigmoid: say which one this file's is.
        let gateActivations = model.tracedLayers.flatMap { l in l.vectorNames.compactMap(l.activation(of:)) }
        if let hard = gateActivations.first(where: { if case .hardSigmoid = $0 { true } else { false } }) {
            format += "; hard_sigmoid = \(hard.formula)"
        }
        line("format", format)
        line("model", model.chainDescription.replacingArrow(glyphs.arrow), style: .heading)
        line(
            "input",
            "(\(model.lookBack.map(String.init) ?? "T"), \(model.inputSize))  window now \(steps) × \(input.columns) "
                + "from \(shown(inputSource, limit: 60))"
        )
        if let overlay = theirs {
            line(
                "theirs", shown(overlay.description, limit: 160),
                style: overlay.comparison.agrees(tolerance: overlay.tolerance) ? .good : .error)
        }
        // Tensors of the file left out on purpose (--ignore-tensors): the replay is not the whole model.
        if !p.ignoredTensors.isEmpty {
            line("left out", p.ignoredTensors.map { shown($0) }.joined(separator: ", "), style: .error)
        }
        y += 1
        guard y < area.bottom else { return }
        // The layer column only when there is room for it; below 80 columns neither the Keras
        // name nor the std (the name column and the axes say what each array is).
        let wide = width >= Breakpoint.wide, narrow = width < Breakpoint.narrow
        let headers =
            ["name"] + (narrow ? [] : ["keras name"]) + (wide ? ["layer"] : [])
            + ["shape", "axes", "count", "dtype", "min", "max", "mean"] + (narrow ? [] : ["std"])
        let least =
            wide
            ? [6, 17, 9, 9, 13, 8, 8, 8, 8, 8, 8]
            : narrow ? [5, 8, 11, 6, 4, 7, 7, 7] : [5, 17, 8, 11, 6, 4, 7, 7, 7, 7]
        let rows = parameters.map { parameter in
            let s = statistics(of: parameter)
            let axes = "(" + parameter.axisMeaning.joined(separator: ", ") + (parameter.shape.count == 1 ? ",)" : ")")
            let cells =
                [parameter.seedName] + (narrow ? [] : [parameter.kerasName])
                + (wide ? [shown(parameter.layerName, limit: 20)] : [])
                + [
                    formatShape(parameter.shape), axes, String(parameter.count),
                    shortDType(p.storedDTypes[parameter.id] ?? "float32", wide: wide),
                    short(s.min), short(s.max), short(s.mean),
                ] + (narrow ? [] : [short(s.std)])
            return (
                cells: cells, bad: s.nanCount + s.infinityCount > 0 ? " \(s.nanCount) NaN \(s.infinityCount) inf" : ""
            )
        }
        // Shapes and axes are never cut (a cut shape reads as a different one): their columns
        // widen to the widest cell, and the statistics that then no longer fit are left out.
        let shapeColumn = headers.firstIndex(of: "shape")!
        var widths = least.enumerated().map { k, w in
            k == shapeColumn || k == shapeColumn + 1 ? rows.reduce(w) { max($0, $1.cells[k].count + 1) } : w
        }
        while 1 + widths.reduce(0, +) > width, widths.count > shapeColumn + 3 { widths.removeLast() }
        var x = 1
        for (h, w) in zip(headers, widths) {
            x = canvas.put(h.fitted(w - 1, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: .heading)
        }
        y += 1
        for row in rows {
            guard y < area.bottom - 1 else { break }
            var x = 1
            for (k, (c, w)) in zip(row.cells, widths).enumerated() {
                x = canvas.put(
                    c.fitted(w - 1, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, style: k == 0 ? .heading : .plain)
            }
            if !row.bad.isEmpty { canvas.put(row.bad, x: x, y: y, style: .error) }
            y += 1
        }
        guard y < area.bottom else { return }
        canvas.put(" total parameters: \(model.parameterCount)", x: 0, y: y, style: .heading)
        y += 2
        // The gate axis of every LSTM and GRU layer (a Bidirectional's halves are alike: once).
        for l in model.layers.compactMap(\.tracedLayers.first) {
            guard let blocks = l.gateLayout else { continue }
            guard y + 2 < area.bottom else { break }
            canvas.put(
                " \(blocks.count)·hu axis of \(shown(l.name)) (columns of W, U, b):", x: 0, y: y, style: .muted)
            y += 1
            let cell = max(7, min(14, (width - 6) / blocks.count))
            var x = 2
            var labels = 2
            x = canvas.put("[", x: x, y: y)
            for (k, gate) in blocks.enumerated() {
                let name = "\(glyphs.symbol(gate.vector)) \(gate.title)"
                let colors: [Color] = [.green, .yellow, .magenta, .cyan]
                x = canvas.put(name.centered(cell), x: x, y: y, style: Style(foreground: colors[k], bold: true))
                x = canvas.put(k == blocks.count - 1 ? "]" : String(glyphs.vertical), x: x, y: y)
                let r = k * l.units..<(k + 1) * l.units
                canvas.put(
                    "\(r.lowerBound)–\(r.upperBound - 1)".centered(cell), x: labels + 1, y: y + 1, style: .muted)
                labels += cell + 1
            }
            y += 2
            // Where the blocks came from when the file's layout is not Keras's (an ONNX node, a
            // TFLite op), and how they are quantized: wrapped, as it says which block is which.
            if let source = model.provenance.layerSources[l.name] {
                for line in shown(source, limit: 400).wrapped(width: max(10, width - 4)) where y < area.bottom {
                    canvas.put("  " + line, x: 0, y: y, style: .muted, maxWidth: width - 1)
                    y += 1
                }
            }
            y += 1
        }
        // A TFLite hybrid Dense: its int8 weights and how its input is quantized.
        for case .dense(let d) in model.layers {
            guard let hybrid = d.hybrid else { continue }
            for line in "\(shown(d.name)): \(hybrid.summary)".wrapped(width: max(10, width - 4)) where y < area.bottom {
                canvas.put("  " + line, x: 0, y: y, style: .muted, maxWidth: width - 1)
                y += 1
            }
        }
        // A layer the file gives an initial state (ONNX initial_h, initial_c): each half of a
        // Bidirectional has its own.
        for l in model.tracedLayers {
            guard let start = InspectReport.startText(l) else { continue }
            for line in "\(shown(l.name)) \(start)".wrapped(width: max(10, width - 4)) where y < area.bottom {
                canvas.put("  " + line, x: 0, y: y, style: Style(foreground: .yellow), maxWidth: width - 1)
                y += 1
            }
        }
    }
}

/// `float32`, or `f32` in narrow terminals (`int8`: `i8`, so that it fits the same column).
func shortDType(_ dtype: String, wide: Bool) -> String {
    wide ? dtype : dtype.replacingOccurrences(of: "float", with: "f").replacingOccurrences(of: "int", with: "i")
}

extension String {
    func centered(_ width: Int) -> String {
        guard count < width else { return fitted(width) }
        let left = (width - count) / 2
        return String(repeating: " ", count: left) + self + String(repeating: " ", count: width - count - left)
    }

    func replacingArrow(_ arrow: String) -> String {
        arrow == "→" ? self : split(separator: "→", omittingEmptySubsequences: false).joined(separator: arrow)
    }
}
