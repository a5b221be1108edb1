import LSTMCore

/// What `compare` found, laid over the explorer (`lstmscope MODEL --theirs FILE`): theirs'
/// values beside ours in the Step view, the first divergence a key away, the diagnosis.
public struct TheirsOverlay: Sendable {
    /// What theirs gave.
    public let values: TheirValues
    /// What theirs is: `port.csv: a trace CSV: 1 layer, …`.
    public let description: String
    public let comparison: TraceComparison
    public let diagnosis: [Diagnosis.Explanation]
    public let tolerance: Float

    /// An overlay of a comparison already made.
    public init(
        values: TheirValues, description: String, comparison: TraceComparison, diagnosis: [Diagnosis.Explanation],
        tolerance: Float
    ) {
        self.values = values
        self.description = description
        self.comparison = comparison
        self.diagnosis = diagnosis
        self.tolerance = tolerance
    }

    /// Theirs for unit `unit` of `vector` at step `step` of traced layer `layer` (a layer that
    /// reads backwards numbers its steps from the window's end), nil where theirs gave nothing.
    func value(_ layer: TracedLayer, index: Int, step: Int, steps: Int, vector: VectorName, unit: Int) -> Float? {
        let t = layer.readsBackwards ? steps - 1 - step : step
        return values.vectors[TheirValues.Key(layer: index, t: t, vector: vector)]?[unit] ?? nil
    }

    /// One line for the status: agree, or where theirs differs first and why.
    public var summary: String {
        guard let first = comparison.firstDivergence, !comparison.agrees(tolerance: tolerance) else {
            return "theirs agrees with ours within \(tolerance) on everything it gave"
        }
        let place =
            first.vector.map { "\($0.symbol)[\(first.unit)] at t = \(first.t ?? 0)" }
            ?? "the output y[\(first.unit)]"
        let why = diagnosis.first.map { "; " + $0.hypothesis.text } ?? "; no known porting bug explains it"
        return "theirs differs first at \(place) (D goes there, d shows theirs)" + why
    }
}

/// What the Step view's table shows when theirs is given.
public enum TheirsDisplay: Sendable, Equatable, CaseIterable {
    case ours, theirs, difference

    /// The next one (the `d` key).
    var next: TheirsDisplay {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// How the table's heading names it.
    var label: String {
        switch self {
        case .ours: "ours"
        case .theirs: "theirs"
        case .difference: "ours − theirs"
        }
    }
}
