import LSTMCore

/// `scan`'s report of ``ScanStatistics``: the windows (worst first with expected outputs), and
/// per layer its units' statistics and the mean |Δh| per window row t, as text, JSON or CSV.
public struct ScanReport {
    public let model: Model
    public let statistics: ScanStatistics
    /// The windows' file as given (`x.npz:x_test`), and the expected outputs', if any.
    public let input: String
    public let expect: String?
    public let features: Int

    public init(model: Model, statistics: ScanStatistics, input: String, expect: String?, features: Int) {
        self.model = model
        self.statistics = statistics
        self.input = input
        self.expect = expect
        self.features = features
    }

    /// Units whose h's standard deviation over the set is below this are dead.
    public static let deadThreshold = 1e-3

    // MARK: Text

    /// The text report; `top` windows are listed (all of them in the JSON and CSV).
    public func text(top: Int) -> String {
        let s = statistics
        var lines = [
            "scan: \(terminalSafe(model.name)) on \(terminalSafe(input)): \(s.windows.count) "
                + "window\(s.windows.count == 1 ? "" : "s") of T = \(s.steps), xu = \(features)",
            "",
        ]
        let listed = s.windowsByError.prefix(top)
        lines.append(
            expect == nil
                ? "windows (their outputs; --expect FILE ranks them by error):"
                : "windows, worst first: largest |output − expected| (expected: \(terminalSafe(expect!)))")
        lines.append("  window  " + (expect == nil ? "" : "error      ") + "output")
        for w in listed {
            let error = w.error.map { fixed($0).padding(toLength: 11, withPad: " ", startingAt: 0) } ?? ""
            lines.append("  \(String(w.window).leftPadded(6))  \(error)\(Self.vector(w.output))")
        }
        if s.windows.count > listed.count {
            lines.append("  (\(listed.count) of \(s.windows.count); --top N lists more, --format csv all)")
        }
        let errors = s.windows.compactMap(\.error)
        if !errors.isEmpty {
            let finite = errors.filter(\.isFinite)
            let mean = finite.isEmpty ? Float.nan : finite.reduce(0, +) / Float(finite.count)
            let nan = errors.filter(\.isNaN).count, infinite = errors.count - finite.count - nan
            lines.append(
                "  error over the set: mean \(fixed(mean)), largest \(fixed(finite.max() ?? .nan))"
                    + (nan > 0 ? ", \(nan) NaN" : "") + (infinite > 0 ? ", \(infinite) inf" : ""))
        }
        for (l, layer) in s.layers.enumerated() { lines += [""] + layerText(l, layer) }
        return lines.joined(separator: "\n") + "\n"
    }

    private func layerText(_ l: Int, _ layer: ScanStatistics.LayerSums) -> [String] {
        let traced = model.traced[l]
        let hIndex = layer.vectors.firstIndex(of: .h)!
        let steps = layer.sums(hIndex, unit: 0).count
        var lines = [
            "layer \(terminalSafe(layer.name)) (\(traced.kind), \(traced.units) units), over \(steps) steps:"
        ]
        // Per vector over every unit and step: mean, std, saturation.
        lines.append("  vector       mean        std  saturated")
        for (n, name) in layer.vectors.enumerated() {
            let all = layer.pooled(n)
            let saturation =
                ScanStatistics.measuresSaturation(layer.activations[n]) ? percent(all.saturatedShare) : "—"
            lines.append(
                "  \(name.symbol.padded(6)) \(number(all.mean))  \(number(all.std))  \(saturation.leftPadded(9))")
        }
        let dead = statistics.deadUnits(layer: l, threshold: Self.deadThreshold)
        lines.append(
            dead.isEmpty
                ? "  no dead units (h's std below \(Self.deadThreshold) over the set)"
                : "  dead units (h's std below \(Self.deadThreshold)): "
                    + "\(dead.map(String.init).joined(separator: ", ")) "
                    + "(\(dead.count) of \(traced.units))")
        // Per unit: h, each gate's saturation, the largest |state|.
        let gates = layer.vectors.indices.filter { ScanStatistics.measuresSaturation(layer.activations[$0]) }
        let state = layer.vectors.firstIndex(of: .c) ?? hIndex
        let stateName = layer.vectors[state].symbol
        var header = "  unit     h mean      h std"
        for n in gates { header += "\(layer.vectors[n].symbol) sat".leftPadded(8) }
        header += "  largest |\(stateName)|  at window, t"
        lines.append(header)
        for u in 0..<traced.units {
            let h = layer.sums(hIndex, unit: u), c = layer.sums(state, unit: u)
            var row = "  \(String(u).leftPadded(4))  \(number(h.mean))  \(number(h.std))"
            for n in gates { row += percent(layer.sums(n, unit: u).saturatedShare).leftPadded(8) }
            row += "  " + fixed(c.largest).leftPadded(11) + "  "
            if let at = c.largestAt { row += "\(at.window), \(at.t)" }
            if dead.contains(u) { row += "  dead" }
            lines.append(row)
        }
        lines.append("  " + changeText(layer))
        return lines
    }

    /// Where the model stops changing its mind: mean |Δh| at the first and last rows, and the
    /// first row after which it stays below a tenth of its largest.
    private func changeText(_ layer: ScanStatistics.LayerSums) -> String {
        let changes = (0..<statistics.steps).map { layer.meanChange(at: $0) }
        let known = changes.compactMap { $0 }
        // The first and last rows some window computed (a padded row may be masked in all).
        guard let largest = known.max(), let firstRow = changes.firstIndex(where: { $0 != nil }),
            let lastRow = changes.lastIndex(where: { $0 != nil })
        else {
            return "mean |Δh|: no step computed"
        }
        let first = changes[firstRow]!, last = changes[lastRow]!
        var settled: Int?
        for t in (0..<changes.count).reversed() {
            guard let c = changes[t] else { continue }
            guard c < largest / 10 else { break }
            settled = t
        }
        let settledText =
            settled.map { ", below a tenth of its largest (\(fixed(Float(largest)))) from t = \($0) on" } ?? ""
        return "mean |Δh| per step: \(fixed(Float(first))) at t = \(firstRow), \(fixed(Float(last))) at t = "
            + "\(lastRow)\(settledText)"
    }

    /// A signed number, right-aligned in 9 columns so that signs line up.
    private func number(_ x: Double?) -> String { (x.map { fixed(Float($0)) } ?? "—").leftPadded(9) }
    private func percent(_ share: Double?) -> String {
        share.map { formatDecimal(Float($0 * 100), digits: 1) + "%" } ?? "—"
    }

    static func vector(_ values: [Float], limit: Int = 6) -> String {
        let shown = values.prefix(limit).map(fixed).joined(separator: ", ")
        return "[" + shown + (values.count > limit ? ", … (\(values.count))" : "") + "]"
    }

    // MARK: JSON

    /// One JSON object: the windows worst first, then per layer its units and mean |Δh| per t.
    public var json: String {
        let s = statistics
        let windows = s.windowsByError.map { w in
            "{\"window\": \(w.window), \"output\": \(JSONText.array(w.output)), "
                + "\"error\": \(w.error.map(JSONText.number) ?? "null")}"
        }
        let layers = s.layers.enumerated().map { l, layer in
            let dead = Set(s.deadUnits(layer: l, threshold: Self.deadThreshold))
            let units = (0..<model.traced[l].units).map { u in
                let vectors = layer.vectors.enumerated().map { n, name in
                    "\(JSONText.string(name.rawValue)): " + unitJSON(layer.sums(n, unit: u), layer.activations[n])
                }
                return "{\"unit\": \(u), \"dead\": \(dead.contains(u)), \"vectors\": {"
                    + vectors.joined(separator: ", ") + "}}"
            }
            let change = (0..<s.steps).map { t in layer.meanChange(at: t).map { JSONText.number(Float($0)) } ?? "null" }
            return
                "{\"name\": \(JSONText.string(layer.name)), "
                + "\"type\": \(JSONText.string(model.traced[l].kind.rawValue)), "
                + "\"units\": [" + units.joined(separator: ", ") + "], "
                + "\"mean_abs_dh\": [" + change.joined(separator: ", ") + "]}"
        }
        return "{\"model\": \(JSONText.string(model.name)), \"input\": \(JSONText.string(input)), "
            + "\"expect\": \(JSONText.optional(expect)), \"windows\": \(s.windows.count), \"steps\": \(s.steps), "
            + "\"features\": \(features), \"dead_threshold\": \(Self.deadThreshold), "
            + "\"window_results\": [" + windows.joined(separator: ", ") + "], "
            + "\"layers\": [" + layers.joined(separator: ", ") + "]}\n"
    }

    private func unitJSON(_ u: ScanStatistics.UnitSums, _ activation: Activation?) -> String {
        let saturated =
            ScanStatistics.measuresSaturation(activation)
            ? (u.saturatedShare.map { JSONText.number(Float($0)) } ?? "null")
            : "null"
        let at = u.largestAt.map { "{\"window\": \($0.window), \"t\": \($0.t)}" } ?? "null"
        return "{\"mean\": \(u.mean.map { JSONText.number(Float($0)) } ?? "null"), "
            + "\"std\": \(u.std.map { JSONText.number(Float($0)) } ?? "null"), \"saturated\": \(saturated), "
            + "\"largest_abs\": \(JSONText.number(u.largest)), \"largest_at\": \(at), \"steps\": \(u.count), "
            + "\"non_finite\": \(u.nonFinite)}"
    }

    // MARK: CSV

    /// Long-form CSV, one value a row: `section,layer,unit,vector,window,t,statistic,value`.
    /// Sections: `window` (its error and output values), `unit` (mean, std, saturated,
    /// largest_abs with its window and t), `step` (mean_abs_dh at window row t).
    public func csv(_ write: (String) -> Void) {
        write("section,layer,unit,vector,window,t,statistic,value\n")
        for w in statistics.windowsByError {
            if let e = w.error { write("window,,,,\(w.window),,error,\(JSONText.number(e))\n") }
            for (j, v) in w.output.enumerated() { write("window,,\(j),,\(w.window),,output,\(JSONText.number(v))\n") }
        }
        for layer in statistics.layers {
            let name = csvField(layer.name)
            for (n, vector) in layer.vectors.enumerated() {
                for u in 0..<layer.unitCount {
                    let sums = layer.sums(n, unit: u)
                    let prefix = "unit,\(name),\(u),\(vector.rawValue)"
                    if let mean = sums.mean { write("\(prefix),,,mean,\(JSONText.number(Float(mean)))\n") }
                    if let std = sums.std { write("\(prefix),,,std,\(JSONText.number(Float(std)))\n") }
                    if ScanStatistics.measuresSaturation(layer.activations[n]), let share = sums.saturatedShare {
                        write("\(prefix),,,saturated,\(JSONText.number(Float(share)))\n")
                    }
                    if let at = sums.largestAt {
                        write("\(prefix),\(at.window),\(at.t),largest_abs,\(JSONText.number(sums.largest))\n")
                    }
                }
            }
            for t in 0..<statistics.steps {
                guard let change = layer.meanChange(at: t) else { continue }
                write("step,\(name),,h,,\(t),mean_abs_dh,\(JSONText.number(Float(change)))\n")
            }
        }
    }

    private func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
