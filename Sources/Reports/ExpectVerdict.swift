import LSTMCore

/// How a trace's output compares with the output given by `--expect` (what Keras's `predict`
/// said), for the text line, the JSON and the exit status alike.
public struct ExpectVerdict: Sendable, Equatable {
    /// The `--expect` file, as the user named it.
    public var file: String
    /// The comparison of the output with the file's values.
    public var comparison: OutputComparison
    /// The tolerance it was held to.
    public var tolerance: Float

    /// The largest |difference| (see ``OutputComparison``), or nil when the lengths differ.
    public var largestDifference: Float? { comparison.largestDifference }

    /// Why there is no difference to report: the file's length is not the output's.
    public var problem: String?

    /// Compares `output` with `expected` from `file`.
    public init(file: String, expected: [Float], output: [Float], outputShape: [Int], tolerance: Float) {
        self.file = file
        self.tolerance = tolerance
        comparison = OutputComparison(output: output, expected: expected)
        problem =
            comparison.largestDifference == nil
            ? "has \(expected.count) values but the model's output has \(output.count) "
                + "(shape \(formatShape(outputShape)))"
            : nil
    }

    /// Whether the output is within the tolerance.
    public var matches: Bool { comparison.matches(tolerance: tolerance) }

    /// One line for a person: `largest |difference| from y.npy: 1.2e-07 (tolerance 1e-05): matches`.
    public var line: String {
        if let problem { return "\(terminalSafe(file)) \(problem): DIFFERS" }
        return "largest |difference| from \(terminalSafe(file)): \(formatScientific(largestDifference ?? .nan)) "
            + "(tolerance \(formatScientific(tolerance))): \(matches ? "matches" : "DIFFERS")"
    }

    /// The JSON object: `{"file", "largest_difference", "tolerance", "matches"}` (and `"problem"`).
    public var json: String {
        var out = "{\"file\": \(JSONText.string(file)), \"largest_difference\": "
        out += largestDifference.map(JSONText.number) ?? "null"
        out += ", \"tolerance\": \(JSONText.number(tolerance)), \"matches\": \(matches)"
        if let problem { out += ", \"problem\": \(JSONText.string(problem))" }
        return out + "}"
    }
}
