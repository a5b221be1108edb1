import LSTMCore

/// What `lstmscope compare` prints: whether theirs agrees with ours, where it first diverges
/// (with the step before it), the largest difference per layer and vector, and which named
/// bugs a replay confirmed.
public struct CompareReport {
    public let model: Model
    /// The first divergence's step before and step, ours and theirs.
    public let neighbourhood: Neighbourhood?
    /// What theirs is, for a person: `theirs.csv (a trace CSV: 1 layer, …)`.
    public let theirsDescription: String
    public let comparison: TraceComparison
    public let diagnosis: [Diagnosis.Explanation]
    public let tolerance: Float

    /// A report of a comparison already made.
    public init(
        model: Model, neighbourhood: Neighbourhood?, theirsDescription: String, comparison: TraceComparison,
        diagnosis: [Diagnosis.Explanation], tolerance: Float
    ) {
        self.model = model
        self.neighbourhood = neighbourhood
        self.theirsDescription = theirsDescription
        self.comparison = comparison
        self.diagnosis = diagnosis
        self.tolerance = tolerance
    }

    /// Whether everything theirs gave agrees within the tolerance.
    public var agrees: Bool { comparison.agrees(tolerance: tolerance) }

    /// `lstm`, or `bi/backward` for a Bidirectional's half, as trace CSV names layers.
    func layerName(_ index: Int) -> String {
        let traced = model.traced[index]
        return traced.name + (traced.direction.map { "/" + $0.rawValue } ?? "")
    }

    private var comparedLayers: [Int] { comparison.comparedLayers.sorted() }
    private var comparedVectors: [VectorName] { VectorName.allCases.filter(comparison.comparedVectors.contains) }
    private var gaveOutput: Bool { comparison.outputDifference != nil }

    // MARK: JSON

    /// The JSON form (one object; the README documents it).
    public var json: String {
        let compared =
            "{\"layers\": [\(comparedLayers.map { JSONText.string(layerName($0)) }.joined(separator: ", "))], "
            + "\"vectors\": [\(comparedVectors.map { JSONText.string($0.rawValue) }.joined(separator: ", "))], "
            + "\"output\": \(gaveOutput), \"steps\": \(comparison.comparedSteps.count), "
            + "\"values\": \(comparison.comparedValues)}"
        let first = comparison.firstDivergence.map { d in
            "{\"layer\": \(JSONText.string(layerName(d.layer))), \"t\": \(d.t.map(String.init) ?? "null"), "
                + "\"step\": \(d.step.map(String.init) ?? "null"), "
                + "\"vector\": \(JSONText.string(d.vector?.rawValue ?? "output")), \"unit\": \(d.unit), "
                + "\"ours\": \(JSONText.number(d.ours)), \"theirs\": \(JSONText.number(d.theirs)), "
                + "\"abs_diff\": \(JSONText.number(d.difference))}"
        }
        let largest =
            comparison.largestBySeries.keys.sorted().map { s in
                "{\"layer\": \(JSONText.string(layerName(s.layer))), "
                    + "\"vector\": \(JSONText.string(s.vector.rawValue)), "
                    + "\"max_abs_diff\": \(JSONText.number(comparison.largestBySeries[s]!))}"
            }
            + (comparison.outputDifference.map {
                ["{\"vector\": \"output\", \"max_abs_diff\": \(JSONText.number($0))}"]
            }
                ?? [])
        let diagnosis = self.diagnosis.map { e in
            let h = e.hypothesis
            var fields = [
                "\"hypothesis\": \(JSONText.string(h.name.rawValue))", "\"layer\": \(JSONText.string(h.layer))",
            ]
            if let order = h.order {
                fields.append("\"order\": [\(order.map(JSONText.string).joined(separator: ", "))]")
            }
            if let a = h.activation { fields.append("\"activation\": \(JSONText.string(a))") }
            if let m = h.matrix { fields.append("\"matrix\": \(JSONText.string(m))") }
            fields += [
                "\"max_abs_diff\": \(JSONText.number(e.largestDifference))", "\"text\": \(JSONText.string(h.text))",
            ]
            return "{" + fields.joined(separator: ", ") + "}"
        }
        return "{\"agree\": \(agrees), \"tolerance\": \(JSONText.number(tolerance)),\n"
            + " \"theirs\": \(JSONText.string(theirsDescription)),\n"
            + " \"compared\": \(compared),\n"
            + " \"max_abs_diff\": \(JSONText.number(comparison.largestDifference)),\n"
            + " \"first_divergence\": \(first ?? "null"),\n"
            + " \"largest\": [\(largest.joined(separator: ", "))],\n"
            + " \"diagnosis\": [\(diagnosis.joined(separator: ",\n  "))]}\n"
    }

    // MARK: Text

    /// The text form, for a person.
    public var text: String {
        var lines: [String] = []
        lines.append("theirs:  \(terminalSafe(theirsDescription))")
        lines.append(
            "compared: \(comparison.comparedValues) values"
                + (comparison.comparedSteps.isEmpty ? "" : " at \(comparison.comparedSteps.count) steps")
                + " of \(comparedLayers.count) layer\(comparedLayers.count == 1 ? "" : "s")"
                + (gaveOutput ? ", and the output" : "") + "; tolerance \(fixed(tolerance))")
        lines.append("")
        if agrees {
            lines.append(
                "AGREE: everything theirs gave is within \(fixed(tolerance)) of ours "
                    + "(largest |ours − theirs| \(fixed(comparison.largestDifference)))")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("DIFFER: largest |ours − theirs| \(fixed(comparison.largestDifference))")
        if let d = comparison.firstDivergence {
            lines.append("")
            lines += divergenceLines(d)
        }
        if !comparison.largestBySeries.isEmpty || comparison.outputDifference != nil {
            lines.append("")
            lines.append("largest |ours − theirs| by layer and vector:")
            for s in comparison.largestBySeries.keys.sorted() {
                let d = comparison.largestBySeries[s]!
                lines.append(
                    "  \(pad(terminalSafe(layerName(s.layer)), 16)) \(pad(s.vector.rawValue, 8)) \(pad(fixed(d), 11))"
                        + (d.isNaN || d > tolerance ? "differs" : "agrees"))
            }
            if let d = comparison.outputDifference {
                lines.append(
                    "  \(pad("output", 16)) \(pad("y", 8)) \(pad(fixed(d), 11))"
                        + (d.isNaN || d > tolerance ? "differs" : "agrees"))
            }
        }
        lines.append("")
        if diagnosis.isEmpty {
            lines.append(
                "diagnosis: none of the porting bugs lstmscope knows explains theirs (each was replayed: gate order, "
                    + "activations, biases, forget bias +1, state reset, time reversal, memory order, GRU reset, "
                    + "float16 weights); start from the first divergence above")
        } else {
            lines.append("diagnosis: your numbers match this model changed one way, replayed on the same window:")
            for e in diagnosis {
                lines.append("  - \(terminalSafe(e.hypothesis.text)) (largest |diff| \(fixed(e.largestDifference)))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The first divergence and its neighbourhood: the vector at the step before and at it,
    /// ours and theirs side by side.
    private func divergenceLines(_ d: TraceComparison.Divergence) -> [String] {
        guard let vector = d.vector, let t = d.t else {
            return [
                "first divergence: the output, y[\(d.unit)]: ours \(fixed(d.ours)), theirs \(fixed(d.theirs)) "
                    + "(|diff| \(fixed(d.difference))); every step theirs gave agrees"
            ]
        }
        var lines = [
            "first divergence: layer \(terminalSafe(layerName(d.layer))), t = \(t), \(vector.symbol)[\(d.unit)]: "
                + "ours \(fixed(d.ours)), theirs \(fixed(d.theirs)) (|diff| \(fixed(d.difference)))"
        ]
        guard let neighbourhood, let first = neighbourhood.rows.first else { return lines }
        let units = Array(0..<min(first.ours.count, 8))
        lines.append("  \(pad("", 14)) " + units.map { pad("unit \($0)", 10) }.joined(separator: " "))
        for row in neighbourhood.rows {
            lines.append(
                "  \(pad("t=\(row.t) ours", 14)) " + units.map { pad(fixed(row.ours[$0]), 10) }.joined(separator: " "))
            lines.append(
                "  \(pad("t=\(row.t) theirs", 14)) "
                    + units.map { pad(row.theirs[$0].map(fixed) ?? "—", 10) }.joined(separator: " "))
        }
        return lines
    }
}
