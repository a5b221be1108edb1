/// What a replay notes about the values it has computed: the largest finite |value| of each
/// vector (the explorer scales its bars by it) and where NaN first appears.
public struct ReplayStatistics: Sendable {
    /// Where NaN first appears: the earliest step (and, at that step, the first layer and
    /// vector in display order) among the steps computed so far.
    public struct NaNSite: Sendable, Equatable {
        public let layer: Int
        public let step: Int
        public let vector: VectorName
    }

    /// Per traced layer and vector (in its ``TracedLayer/vectorNames`` order), the largest finite |value|.
    public private(set) var largestMagnitude: [[Float]]
    /// The first NaN seen, if any.
    public private(set) var firstNaN: NaNSite?
    private let names: [[VectorName]]

    /// Nothing noted yet, for `layers`.
    init(layers: [TracedLayer]) {
        names = layers.map(\.vectorNames)
        largestMagnitude = names.map { [Float](repeating: 0, count: $0.count) }
    }

    /// Notes traced layer `layer`'s vectors (steps × `units` each, in its vector order) for the
    /// steps from `firstStep`.
    mutating func note(layer: Int, firstStep: Int, units: Int, _ vectors: [[Float]]) {
        for (n, values) in vectors.enumerated() {
            largestMagnitude[layer][n] = Swift.max(largestMagnitude[layer][n], Self.largest(values))
        }
        guard units > 0 else { return }
        var best: NaNSite?
        for (n, values) in vectors.enumerated() {
            guard let index = values.firstIndex(where: \.isNaN) else { continue }
            let step = firstStep + index / units
            if best == nil || step < best!.step { best = NaNSite(layer: layer, step: step, vector: names[layer][n]) }
        }
        guard let best else { return }
        if let current = firstNaN, (current.step, current.layer) <= (best.step, best.layer) { return }
        firstNaN = best
    }

    private static func largest(_ values: [Float]) -> Float {
        values.withUnsafeBufferPointer { buffer in
            var m: Float = 0
            for v in buffer where v.isFinite { m = Swift.max(m, Swift.abs(v)) }
            return m
        }
    }
}
