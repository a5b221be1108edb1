import LSTMCore

/// Jumps to where something happens to the selected unit of the selected layer, searched
/// from t on through the steps the replay has run, a block of steps at a time.
public enum StepEvent: Sendable, Equatable {
    /// A gate of the unit becomes saturated (σ below 0.01 or above 0.99, tanh beyond ±0.99,
    /// hard_sigmoid at 0 or 1), from a step where it was not.
    case saturationOnset
    /// The vector the history strip shows changes sign.
    case signChange
    /// The largest |c| of the unit in the window (|h| for kinds without c), wherever it is.
    case largestState
    /// The next step the mask skipped.
    case maskedStep

    /// What the status line calls it.
    var name: String {
        switch self {
        case .saturationOnset: "saturation onset"
        case .signChange: "sign change"
        case .largestState: "largest state"
        case .maskedStep: "masked step"
        }
    }
}

extension ExplorerState {
    /// Steps the search reads at once (from the replay's checkpoints when the window is long).
    static let eventBlockSteps = 4096

    /// Goes to the next `event` of the selected unit after t (or, for the largest state, to
    /// where it is), saying where it went or that there is none in the steps run.
    mutating func goTo(_ event: StepEvent) {
        let computed = replay.computedSteps
        let lt = replay.layers[layer]
        let searched = event == .largestState ? 0..<computed : min(t + 1, computed)..<computed
        let vectors = lt.vectorNames
        let activations = vectors.map { selectedLayer.activation(of: $0) }
        let saturated = { (n: Int, v: Float) in ScanStatistics.isSaturated(v, activations[n]) }
        let state = vectors.contains(.c) ? VectorName.c : .h
        var found: Int?
        var largest: (value: Float, step: Int)?
        // The step before the first searched, for onsets and sign changes that start at it.
        var previous: [Float]? =
            searched.lowerBound > 0
            ? replay.segment(layer: layer, steps: (searched.lowerBound - 1)..<searched.lowerBound).series.map {
                $0[0, unit]
            } : nil
        var start = searched.lowerBound
        search: while start < searched.upperBound {
            let block = replay.segment(
                layer: layer, steps: start..<min(searched.upperBound, start + Self.eventBlockSteps))
            for s in 0..<block.steps {
                let step = start + s
                let values = block.series.map { $0[s, unit] }
                // A masked step computes nothing (its gates are zeros): it is not a "before".
                defer { if !block.isMasked(at: step) { previous = values } }
                switch event {
                case .maskedStep:
                    if block.isMasked(at: step) { found = step; break search }
                case .saturationOnset:
                    guard !block.isMasked(at: step) else { continue }
                    let now = vectors.indices.map { saturated($0, values[$0]) }
                    let before = previous.map { p in vectors.indices.map { saturated($0, p[$0]) } }
                    if vectors.indices.contains(where: { now[$0] && !(before?[$0] ?? false) }) {
                        found = step
                        break search
                    }
                case .signChange:
                    // The vector on screen: the Plot view's one alone, else the history strip's.
                    let shownVector = view == .plot ? plot.vector ?? historyVector : historyVector
                    let n = vectors.firstIndex(of: shownVector) ?? vectors.count - 1
                    if let p = previous, (p[n] < 0) != (values[n] < 0), values[n] != 0, p[n] != 0 {
                        found = step
                        break search
                    }
                case .largestState:
                    let v = abs(values[vectors.firstIndex(of: state)!])
                    if v.isFinite, largest == nil || v > largest!.value { largest = (v, step) }
                }
            }
            start += block.steps
        }
        if event == .largestState, let largest { found = largest.step }
        let rest = replay.isComplete ? "" : " (searched the \(computed) steps run so far)"
        guard let step = found else {
            // A layer reading backwards searches down the window.
            let onward = replay.layers[layer].readsBackwards ? "before" : "after"
            say("no \(event.name) of unit \(unit) \(onward) t = \(shownT)\(rest)")
            return
        }
        t = step
        playing = false
        let what =
            event == .largestState
            ? "the largest |\(state)| of unit \(unit), \(plain(largest!.value))," : "\(event.name) of unit \(unit)"
        say("\(what) at t = \(shownT)\(rest)")
    }
}
