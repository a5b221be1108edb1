/// The states a lazily replayed window is recomputed from: per traced layer, its state (h,
/// then c for an LSTM) before every ``WindowReplay/checkpointInterval``-th step, flat, and the
/// state after the last step computed.
struct CheckpointStore {
    /// Per traced layer, the saved states, one interval after another.
    private var saved: [[Float]]
    /// Per traced layer, the state after the last computed step.
    var frontier: [[[Float]]]

    /// Zero states for `model`, with room for a window of `steps` reserved at once: growing
    /// by doubling would copy tens of megabytes mid-run.
    init(model: Model, steps: Int) {
        frontier = ForwardWalk.startStates(model)
        let intervals = (steps + WindowReplay.checkpointInterval - 1) / WindowReplay.checkpointInterval
        saved = frontier.map { state in
            var saved = [Float]()
            saved.reserveCapacity(intervals * state.count * (state.first?.count ?? 0))
            return saved
        }
    }

    /// Floats held.
    var heldFloats: Int { saved.reduce(0) { $0 + $1.count } }

    /// Saves traced layer `l`'s state before each step of `range` that starts an interval: the
    /// frontier for the block's first step, else the state after the step before it (from
    /// `run`, which kept every vector). Call before the frontier moves past the block.
    mutating func record(layer l: Int, _ layer: any RecurrentLayer, steps range: Range<Int>, run: RecurrentRun) {
        let hu = layer.units
        let stateSeries = layer.stateNames.map { layer.vectorNames.firstIndex(of: $0)! }
        for s in range where s % WindowReplay.checkpointInterval == 0 {
            if s == range.lowerBound {
                for vector in frontier[l] { saved[l] += vector }
            } else {
                let row = s - 1 - range.lowerBound
                for n in stateSeries { saved[l] += run.series[n][row * hu..<(row + 1) * hu] }
            }
        }
    }

    /// The saved states of traced layers 0…`target` before step `step` (a multiple of the interval).
    func states(through target: Int, at step: Int) -> [[[Float]]] {
        let interval = step / WindowReplay.checkpointInterval
        return (0...target).map { l in
            let count = frontier[l].count, hu = frontier[l].first?.count ?? 0, width = count * hu
            let state = saved[l][interval * width..<(interval + 1) * width]
            return (0..<count).map { Array(state[state.startIndex + $0 * hu..<state.startIndex + ($0 + 1) * hu]) }
        }
    }
}
