/// What a long window's replay keeps for plots: per layer, vector and unit, the smallest and
/// largest finite value over each block of ``blockSize`` steps, whether a NaN or ±∞ was among
/// them, and per block whether a mask skipped a step.
///
/// The steps themselves are not kept (a lazy replay recomputes them from checkpoints), so a
/// plot of the whole of a 100,000-step window is drawn from these blocks in microseconds.
/// The block size grows with the window so the summary stays within ``floatBudget``.
public struct StepSummary: Sendable {
    /// Floats the summary may hold over every layer (16 MB).
    public static let floatBudget = 4 << 20
    /// Steps per block: a multiple of ``WindowReplay/checkpointInterval``, a power of two.
    public let blockSize: Int
    /// Steps in the window.
    public let steps: Int
    /// Per layer and vector: blocks × units minima and maxima (±∞ where nothing is noted yet).
    private var lower: [[[Float]]]
    private var upper: [[[Float]]]
    /// Per layer and vector: blocks × units, whether a value was NaN or ±∞.
    private var nonFinite: [[[Bool]]]
    /// Per layer: per block, whether a mask skipped one of its steps.
    private var masked: [[Bool]]
    private let units: [Int]
    /// Per layer and vector: whether it is a state (c, h), which a masked step carries; the
    /// gates of a masked step are not computed and are left out.
    private let carried: [[Bool]]

    /// An empty summary of a window of `steps` for `layers`.
    init(layers: [TracedLayer], steps: Int) {
        self.steps = steps
        units = layers.map(\.units)
        let perStep = layers.reduce(0) { $0 + $1.vectorNames.count * $1.units }
        blockSize = Self.blockSize(steps: steps, floatsPerStep: perStep)
        let blocks = (steps + blockSize - 1) / blockSize
        lower = layers.map { l in l.vectorNames.map { _ in [Float](repeating: .infinity, count: blocks * l.units) } }
        upper = layers.map { l in l.vectorNames.map { _ in [Float](repeating: -.infinity, count: blocks * l.units) } }
        nonFinite = layers.map { l in l.vectorNames.map { _ in [Bool](repeating: false, count: blocks * l.units) } }
        masked = layers.map { _ in [Bool](repeating: false, count: blocks) }
        carried = layers.map { $0.vectorNames.map(\.isState) }
    }

    /// The smallest block (a power of two, at least one checkpoint interval) whose summary of
    /// `steps` fits ``floatBudget``: two floats and a flag per vector and unit.
    static func blockSize(steps: Int, floatsPerStep: Int) -> Int {
        var size = WindowReplay.checkpointInterval
        while size < steps && (steps + size - 1) / size * floatsPerStep * 9 / 4 > floatBudget { size *= 2 }
        return size
    }

    /// Floats held (the NaN flags, a byte each, counted as a quarter of a float).
    public var heldFloats: Int { lower.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } * 9 / 4 }

    /// Notes layer `layer`'s vectors (steps × units each, in its vector order) from `firstStep`.
    mutating func note(layer: Int, firstStep: Int, series: [[Float]], masked rows: [Bool]?) {
        let u = units[layer]
        guard u > 0 else { return }
        for (k, values) in series.enumerated() {
            let count = values.count / u
            values.withUnsafeBufferPointer { v in
                lower[layer][k].withUnsafeMutableBufferPointer { low in
                    upper[layer][k].withUnsafeMutableBufferPointer { high in
                        nonFinite[layer][k].withUnsafeMutableBufferPointer { bad in
                            for row in 0..<count where carried[layer][k] || !(rows?[row] ?? false) {
                                Self.fold(
                                    v.baseAddress! + row * u, units: u,
                                    low: low.baseAddress! + (firstStep + row) / blockSize * u,
                                    high: high.baseAddress! + (firstStep + row) / blockSize * u,
                                    bad: bad.baseAddress! + (firstStep + row) / blockSize * u)
                            }
                        }
                    }
                }
            }
        }
        if let rows {
            for (row, skipped) in rows.enumerated() where skipped {
                masked[layer][(firstStep + row) / blockSize] = true
            }
        }
    }

    /// Folds one step's `units` values into a block's minima and maxima, 16 lanes at a time
    /// (a scalar loop with a finite test per value cost the replay of 256 units 8–15%), then,
    /// only when a value was NaN or ±∞, a second pass that marks its units.
    @inline(__always)
    private static func fold(
        _ x: UnsafePointer<Float>, units u: Int, low: UnsafeMutablePointer<Float>, high: UnsafeMutablePointer<Float>,
        bad: UnsafeMutablePointer<Bool>
    ) {
        // v − v is 0 for a finite v, NaN for NaN and ±∞: summed, NaN says one was there.
        var check = Vec16(repeating: 0)
        var j = 0
        while j + 16 <= u {
            let v = PanelMatrix.load(x, j)
            let zero = v - v
            let finite = zero .== 0
            check += zero
            var l = PanelMatrix.load(low, j)
            l.replace(with: v, where: finite .& (v .< l))
            PanelMatrix.store(l, low, j)
            var h = PanelMatrix.load(high, j)
            h.replace(with: v, where: finite .& (v .> h))
            PanelMatrix.store(h, high, j)
            j += 16
        }
        var nonFinite = (0..<16).contains { check[$0].isNaN }
        while j < u {
            let v = x[j]
            if v.isFinite {
                low[j] = Swift.min(low[j], v)
                high[j] = Swift.max(high[j], v)
            } else {
                nonFinite = true
            }
            j += 1
        }
        guard nonFinite else { return }
        for j in 0..<u where !x[j].isFinite { bad[j] = true }
    }

    /// Unit `unit`'s vector number `vector` (in the layer's vector order) of layer `layer` over
    /// `range` in `samples` samples, each the union of the blocks it touches.
    public func envelope(layer: Int, vector: Int, unit: Int, steps range: Range<Int>, samples: Int) -> Envelope {
        var envelope = Envelope(steps: range, samples: samples, resolution: blockSize)
        let u = units[layer]
        for s in 0..<samples {
            let covered = Envelope.steps(ofSample: s, of: samples, in: range)
            for block in covered.lowerBound / blockSize...(covered.upperBound - 1) / blockSize {
                let at = block * u + unit
                envelope.lower[s] = Swift.min(envelope.lower[s], lower[layer][vector][at])
                envelope.upper[s] = Swift.max(envelope.upper[s], upper[layer][vector][at])
                if nonFinite[layer][vector][at] { envelope.nonFinite[s] = true }
                if masked[layer][block] { envelope.masked[s] = true }
            }
        }
        return envelope
    }
}
