/// The first divergence's neighbourhood, for a person: the diverging vector at the step before
/// and at it, ours and theirs side by side.
public struct Neighbourhood: Sendable {
    /// One step of the vector.
    public struct Row: Sendable {
        /// The window's row.
        public let t: Int
        public let ours: [Float]
        /// Theirs, nil where it gave nothing.
        public let theirs: [Float?]
    }

    public let rows: [Row]

    /// The neighbourhood of `divergence` (a step's, not the output's): ours from `model` replayed
    /// on `window`, theirs read once more from `theirs`.
    public init(
        of divergence: TraceComparison.Divergence, model: Model, window: Matrix, theirs: some TheirsStream
    ) throws {
        guard let vector = divergence.vector, let t = divergence.t else {
            rows = []
            return
        }
        let times = model.windowTimes(steps: window.rows)[divergence.layer]
        guard let row = times.firstIndex(of: t) else {
            rows = []
            return
        }
        let wanted = [row - 1, row].filter { $0 >= 0 }.map { times[$0] }
        var given: [Int: [Float?]] = [:]
        // Theirs is read only until both rows are found.
        do {
            try theirs.forEach { key, values in
                if key.layer == divergence.layer, key.vector == vector, wanted.contains(key.t) { given[key.t] = values }
                if given.count == wanted.count { throw FoundThem() }
            } output: { _ in
            }
        } catch is FoundThem {}
        var lookup = try ReplayLookup(model, window: window)
        rows = wanted.map { time in
            let ours = lookup.vector(layer: divergence.layer, t: time, vector: vector) ?? []
            return Row(t: time, ours: ours, theirs: given[time] ?? [Float?](repeating: nil, count: ours.count))
        }
    }
}

/// Ends a read of theirs early: what was looked for is found.
private struct FoundThem: Error {}
