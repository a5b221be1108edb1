import LSTMCore
import Reports

extension ExplorerState {
    /// Step view: t / T and x_t; per unit i, f, c̃, o, c, h with bars and change marks; the
    /// history of one vector over all steps; the output now and had the window ended at t.
    func drawStepView(_ canvas: inout Canvas, _ area: Area) {
        let lt = layerTrace
        var y = area.y
        let position = " t = \(shownT) of 0–\(steps - 1)"
        // A layer reading backwards (a Bidirectional's backward half, go_backwards) runs from
        // the end: t (the window's row, as everywhere) is its step T − 1 − t, and → goes down.
        let reads = replay.layers[layer].readsBackwards ? "reads backwards: its step \(t), → goes to t − 1" : nil
        let of = replay.layers.count > 1 ? "\(layer + 1) of \(replay.layers.count)" : ""
        // A Bidirectional half says which one in a shorter form, so the line fits 80 columns.
        let half = lt.direction?.rawValue
        let long =
            half.map { "layer \(shown(lt.layerName, limit: 20)) (\(lt.kind) \(lt.units), \($0), \(of))" }
            ?? "layer \(shown(lt.layerName)) (\(lt.kind), \(lt.units) units\(of.isEmpty ? "" : ", " + of))"
        let kind = " (\(lt.kind) \(lt.units)\(half.map { ", " + $0 } ?? "")\(of.isEmpty ? "" : ", " + of))"
        let which = windowSet.map { "window \(windowIndex) of \($0.count)" }
        let fullNote = (reads ?? which).map { "   (\($0))" } ?? ""
        let shortNote = reads.map { " (\($0))" } ?? ""
        // The name in what is left of the line after the note, down to 6 characters.
        let short = { (note: String) in
            "\(shown(lt.layerName, limit: max(6, width - 4 - position.count - note.count - kind.count)))\(kind)"
        }
        // The first that fits: everything, a shorter layer name, then the note cut down.
        let layouts = [(fullNote, long), (fullNote, short(fullNote)), (shortNote, short(shortNote))]
        let (note, layerText) =
            layouts.first { 1 + position.count + $0.0.count + 2 + $0.1.count <= width - 1 } ?? layouts[2]
        var x = canvas.put(position, x: 1, y: y, style: .heading)
        x = canvas.put(note, x: x, y: y, style: .muted)
        canvas.put(layerText, x: max(x + 2, width - layerText.count - 1), y: y, style: .plain, maxWidth: width - x - 2)
        y += 1
        let xt = lt.input(at: t) ?? []
        // Both halves of a Bidirectional first layer read the window itself.
        let outerOfTrace = model.layers.filter(\.isRecurrent).enumerated().flatMap { i, l in
            l.tracedLayers.map { _ in i }
        }
        let xLabel = outerOfTrace[layer] == 0 ? " x_t = " : " x_t = h of the layer below = "
        x = canvas.put(xLabel, x: 1, y: y, style: .muted)
        // As many values as fit, then an ellipsis, and the bracket closed. Only what can show is
        // formatted: a layer below may give 1,024 values.
        let room = width - x - 1
        var shownValues: [String] = []
        var used = 1
        for (k, v) in xt.enumerated() {
            let text = signed(v).trimmingSpaces()
            let reserve = k + 1 < xt.count ? 2 + glyphs.ellipsis.count : 0
            guard shownValues.isEmpty || used + 1 + text.count + reserve + 1 <= room else { break }
            used += (shownValues.isEmpty ? 0 : 1) + text.count
            shownValues.append(text)
        }
        let more = shownValues.count < xt.count ? " \(glyphs.ellipsis)" : ""
        canvas.put("[" + shownValues.joined(separator: " ") + more + "]", x: x, y: y, maxWidth: room)
        y += 1
        if let other = otherHalf(of: lt) {
            canvas.put(other, x: 0, y: y, style: .muted, maxWidth: width)
            y += 1
        }
        if lt.isMasked(at: t) {
            canvas.put(
                " masked step: the cell is skipped and the state carried (gates not computed)", x: 0, y: y,
                style: Style(foreground: .yellow), maxWidth: width)
        } else if let nan = replay.firstNaN {
            let place =
                "\(glyphs.symbol(nan.vector)) of layer \(shown(replay.layers[nan.layer].name, limit: 20)) "
                + "at t = \(windowRow(ofStep: nan.step, layer: nan.layer))"
            canvas.put(" NaN first appears: \(place) (N goes there)", x: 0, y: y, style: .error, maxWidth: width)
        } else if let overlay = theirs {
            let agrees = overlay.comparison.agrees(tolerance: overlay.tolerance)
            let verdict =
                agrees
                ? "agrees within \(overlay.tolerance)"
                : "differs (red), first at "
                    + (overlay.comparison.firstDivergence.map { first in
                        first.vector.map {
                            "\(glyphs.symbol($0)) of \(shown(replay.layers[first.layer].name, limit: 20)), "
                                + "t = \(first.t ?? 0)"
                        }
                            ?? "the output"
                    } ?? "") + " (D)"
            canvas.put(
                " theirs: \(verdict); table: \(theirsDisplay.label) (d)", x: 0, y: y,
                style: agrees ? .good : .error, maxWidth: width)
        }
        y += 1

        let outputRows = expected == nil ? 2 : 3
        let free = area.bottom - y - outputRows - 1
        let visibleUnits = max(1, min(lt.units, (free - 3) / 2))
        let first = scrollStart(selected: unit, count: lt.units, visible: visibleUnits)
        y = drawUnitTable(&canvas, y: y, first: first, count: visibleUnits)
        y += 1
        // A t axis under the strip when a row is left over (header, blank and title take 3, the
        // table's "units a–b of n" line one more when it shows).
        let rowsUsed = 3 + 2 * visibleUnits + (lt.units > visibleUnits ? 1 : 0)
        y = drawHistory(&canvas, y: y, first: first, count: visibleUnits, axis: free > rowsUsed)
        drawOutputs(&canvas, y: area.bottom - outputRows)
    }

    /// For one half of a Bidirectional layer: the other half's h for the same time step, side
    /// by side with this one (the two are merged into what the next layer reads).
    private func otherHalf(of lt: LayerTrace) -> String? {
        guard let direction = lt.direction, let h = otherHalfHidden else { return nil }
        let name = direction.other.rawValue
        let head = " \(name) half at the same t: h = ["
        // As many values as fit (8 characters each), at most 8.
        let shownCount = max(1, min(8, (width - 1 - head.count - 3) / 8))
        let line =
            head + h.prefix(shownCount).map { signed($0).trimmingSpaces() }.joined(separator: " ")
            + (h.count > shownCount ? " \(glyphs.ellipsis)" : "") + "]"
        let why = "   ([ ] other half; the two are merged by \(lt.mergeMode ?? "none"))"
        // The explanation only when it fits whole.
        return line.count + why.count <= width - 1 ? line + why : line
    }

    /// Index of the first visible item so that `selected` stays on screen.
    func scrollStart(selected: Int, count: Int, visible: Int) -> Int {
        guard count > visible else { return 0 }
        return min(max(0, selected - visible / 2), count - visible)
    }

    /// The selected layer's start state by vector name.
    private var startState: [VectorName: [Float]] {
        Dictionary(uniqueKeysWithValues: zip(selectedLayer.stateNames, selectedLayer.startState))
    }

    private func drawUnitTable(_ canvas: inout Canvas, y: Int, first: Int, count: Int) -> Int {
        let traced = replay.layers[layer]
        let theirsValue = theirs.map { overlay in
            { (name: VectorName, u: Int) in
                overlay.value(traced, index: layer, step: t, steps: steps, vector: name, unit: u)
            }
        }
        return StepTable(
            trace: layerTrace, t: t, start: startState, unit: unit, width: width, glyphs: glyphs,
            activationLabel: activationLabel(of:),
            theirs: theirsValue, display: theirsDisplay, tolerance: theirs?.tolerance ?? 0
        ).draw(&canvas, y: y, first: first, count: count)
    }

    private func drawHistory(_ canvas: inout Canvas, y: Int, first: Int, count: Int, axis: Bool) -> Int {
        guard let vectorIndex = layerTrace.vectorNames.firstIndex(of: historyVector) else { return y }
        return HistoryStrip(
            trace: layerTrace, vector: historyVector, range: historyRange, steps: steps, t: t, unit: unit,
            backwards: replay.layers[layer].readsBackwards,
            scale: max(replay.largestMagnitude[layer][vectorIndex], 1e-6),
            progress: replay.isComplete ? nil : progressText, width: width, glyphs: glyphs, monochrome: monochrome
        ).draw(&canvas, y: y, first: first, count: count, axis: axis)
    }

    private func drawOutputs(_ canvas: inout Canvas, y: Int) {
        let x = canvas.put(" output after the window: ", x: 0, y: y, style: .heading)
        if let output = replay.output {
            canvas.put(VectorLine(values: output, limit: 8).text(glyphs), x: x, y: y)
        } else {
            canvas.put("being computed (\(progressText))", x: x, y: y, style: .muted)
        }
        if let ended = outputEndingHere {
            let text = VectorLine(values: ended, limit: 6).text(glyphs)
            canvas.put(" if the window ended at t = \(shownT): " + text, x: 0, y: y + 1, style: .muted, maxWidth: width)
        }
        if let expected {
            let keras = VectorLine(values: expected, limit: 8).text(glyphs)
            // --expect is Keras's model.predict for a Keras file, the user's own numbers otherwise.
            let kerasFile = [.keras, .h5, .npz].contains(model.provenance.format)
            var x2 = canvas.put(kerasFile ? " Keras model.predict: " : " expected: ", x: 0, y: y + 2, style: .heading)
            x2 = canvas.put(keras, x: x2, y: y + 2)
            if inputIsEdited {
                // It was computed for the window before the edits: no verdict on the edited one.
                canvas.put(
                    "  (for the window before your edits; u undoes)", x: x2, y: y + 2, style: .muted,
                    maxWidth: width - x2)
            } else if let comparison = expectedComparison, let d = comparison.largestDifference {
                let ok = comparison.matches(tolerance: tolerance)
                canvas.put(
                    "  max |diff| \(formatScientific(d)) \(ok ? "matches" : "DIFFERS")", x: x2, y: y + 2,
                    style: ok ? .good : .error)
            } else {
                let ours = replay.output.map { "ours has \($0.count)" } ?? "ours is being computed"
                canvas.put(
                    "  (\(expected.count) values, \(ours))", x: x2, y: y + 2,
                    style: replay.output == nil ? .muted : .error)
            }
        }
    }
}
