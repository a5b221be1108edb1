/// What `scan` learns from a set of windows, as running sums: every window's output (and its
/// error against an expected output), and per traced layer, vector and unit the mean, spread,
/// saturation and largest value over every step of every window, and per window row the mean
/// change of h. Memory is one row per window plus sums of the model's size, whatever the steps.
///
/// Each thread fills its own (``add(_:window:expected:)``) and they are merged
/// (``merge(_:)``); the sums are Double, so a split changes them only by Double rounding.
public struct ScanStatistics: Sendable {
    /// One window's result.
    public struct WindowResult: Sendable, Equatable {
        /// Its index in the set.
        public let window: Int
        /// The model's output for it, flattened.
        public let output: [Float]
        /// The largest |output − expected| (nil without an expected output); NaN when either is.
        public let error: Float?
    }

    /// Running sums of one unit of one vector over every step it computed (masked steps left out).
    public struct UnitSums: Sendable, Equatable {
        public var count = 0
        public var sum = 0.0
        public var sumOfSquares = 0.0
        /// Steps whose value is saturated for its activation (see ``Saturation``).
        public var saturated = 0
        /// Non-finite values seen (left out of the sums).
        public var nonFinite = 0
        /// The largest |value| and where: window and window row t.
        public var largest: Float = 0
        public var largestAt: (window: Int, t: Int)?

        /// The mean over the steps counted, nil before any.
        public var mean: Double? { count > 0 ? sum / Double(count) : nil }
        /// The standard deviation (population, as NumPy's default), nil before any step.
        public var std: Double? {
            guard let mean else { return nil }
            return max(0, sumOfSquares / Double(count) - mean * mean).squareRoot()
        }
        /// The share of the steps counted that were saturated.
        public var saturatedShare: Double? { count > 0 ? Double(saturated) / Double(count) : nil }

        mutating func add(_ v: Float, saturated isSaturated: Bool, window: Int, t: Int) {
            guard v.isFinite else {
                nonFinite += 1
                return
            }
            count += 1
            let d = Double(v)
            sum += d
            sumOfSquares += d * d
            if isSaturated { saturated += 1 }
            if abs(v) > largest || largestAt == nil {
                largest = abs(v)
                largestAt = (window, t)
            }
        }

        mutating func merge(_ other: UnitSums) {
            count += other.count
            sum += other.sum
            sumOfSquares += other.sumOfSquares
            saturated += other.saturated
            nonFinite += other.nonFinite
            guard let at = other.largestAt else { return }
            // The earlier window wins a tie, as a single pass in window order would give.
            if largestAt == nil || other.largest > largest
                || (other.largest == largest && (at.window, at.t) < (largestAt!.window, largestAt!.t))
            {
                largest = other.largest
                largestAt = at
            }
        }

        public static func == (a: UnitSums, b: UnitSums) -> Bool {
            a.count == b.count && a.sum == b.sum && a.sumOfSquares == b.sumOfSquares && a.saturated == b.saturated
                && a.nonFinite == b.nonFinite && a.largest == b.largest && a.largestAt?.window == b.largestAt?.window
                && a.largestAt?.t == b.largestAt?.t
        }
    }

    /// Per traced layer: its vectors' sums (``TracedLayer/vectorNames`` order, then unit), and
    /// per window row t the sum of mean |Δh| over the units.
    public struct LayerSums: Sendable, Equatable {
        public let name: String
        public let vectors: [VectorName]
        /// The activation each vector comes out of (nil for the states), which says what saturated is.
        public let activations: [Activation?]
        public var units: [[UnitSums]]
        /// Per window row t: Σ over windows of the mean over units of |h_t − h_before| (h_before
        /// the h of the layer's previous step, or its start state), and how many windows added one.
        public var changeSum: [Double]
        public var changeCount: [Int]

        /// Vector `n`'s sums over every unit together.
        public func pooled(_ n: Int) -> UnitSums {
            units[n].reduce(into: UnitSums()) { $0.merge($1) }
        }

        /// The mean |Δh| at window row t over the windows, nil where no window computed it.
        public func meanChange(at t: Int) -> Double? {
            changeCount[t] > 0 ? changeSum[t] / Double(changeCount[t]) : nil
        }
    }

    public let steps: Int
    public private(set) var layers: [LayerSums]
    public private(set) var windows: [WindowResult] = []

    /// Nothing seen yet, for `model` over windows of `steps` rows.
    public init(model: Model, steps: Int) {
        self.steps = steps
        layers = model.traced.map { traced in
            let layer = traced.layer
            return LayerSums(
                name: traced.name + (traced.direction.map { "/\($0.rawValue)" } ?? ""), vectors: layer.vectorNames,
                activations: layer.vectorNames.map { layer.activation(of: $0) },
                units: layer.vectorNames.map { _ in [UnitSums](repeating: UnitSums(), count: layer.units) },
                changeSum: [Double](repeating: 0, count: steps), changeCount: [Int](repeating: 0, count: steps))
        }
    }

    /// Whether `value` out of `activation` is saturated: σ below 0.01 or above 0.99, tanh
    /// beyond ±0.99, hard_sigmoid clipped at 0 or 1; other activations never are.
    public static func isSaturated(_ value: Float, _ activation: Activation?) -> Bool {
        switch activation {
        case .sigmoid: value < 0.01 || value > 0.99
        case .tanh: abs(value) > 0.99
        case .hardSigmoid: value <= 0 || value >= 1
        default: false
        }
    }

    /// Whether values out of `activation` have a saturated range (σ, tanh, hard_sigmoid).
    public static func measuresSaturation(_ activation: Activation?) -> Bool {
        switch activation {
        case .sigmoid, .tanh, .hardSigmoid: true
        default: false
        }
    }

    /// Adds window `index`'s trace (made by `model`), and its expected output when given.
    public mutating func add(_ trace: ModelTrace, model: Model, window index: Int, expected: [Float]?) {
        let error = expected.map { Self.largestDifference(trace.output, $0) }
        windows.append(WindowResult(window: index, output: trace.output, error: error))
        let times = model.windowTimes(steps: steps)
        for (l, layerTrace) in trace.layers.enumerated() {
            let start = model.tracedLayers[l].startState[0]
            let hIndex = layerTrace.vectorNames.firstIndex(of: .h)!
            let hu = layerTrace.units
            var previous = start
            for step in 0..<layerTrace.steps {
                let t = times[l][step]
                guard !layerTrace.isMasked(at: step) else { continue }
                for (n, series) in layerTrace.series.enumerated() {
                    let activation = layers[l].activations[n]
                    for u in 0..<hu {
                        let v = series[step, u]
                        layers[l].units[n][u].add(
                            v, saturated: Self.isSaturated(v, activation), window: index, t: t)
                    }
                }
                var change = 0.0
                for u in 0..<hu {
                    let h = layerTrace.series[hIndex][step, u]
                    change += Double(abs(h - previous[u]))
                    previous[u] = h
                }
                if change.isFinite {
                    layers[l].changeSum[t] += change / Double(hu)
                    layers[l].changeCount[t] += 1
                }
            }
        }
    }

    /// Adds what `other` (another share of the same set) saw.
    public mutating func merge(_ other: ScanStatistics) {
        windows += other.windows
        for l in layers.indices {
            for n in layers[l].units.indices {
                for u in layers[l].units[n].indices { layers[l].units[n][u].merge(other.layers[l].units[n][u]) }
            }
            for t in 0..<steps {
                layers[l].changeSum[t] += other.layers[l].changeSum[t]
                layers[l].changeCount[t] += other.layers[l].changeCount[t]
            }
        }
    }

    /// The windows, worst first when they have errors (NaN worst of all), else in order.
    public var windowsByError: [WindowResult] {
        windows.sorted { a, b in
            let x = a.error ?? 0, y = b.error ?? 0
            if x.isNaN || y.isNaN { return x.isNaN != y.isNaN ? x.isNaN : a.window < b.window }
            return x != y ? x > y : a.window < b.window
        }
    }

    /// Units whose h hardly moves over the set: standard deviation below `threshold` (1e-3).
    public func deadUnits(layer: Int, threshold: Double = 1e-3) -> [Int] {
        guard let h = layers[layer].vectors.firstIndex(of: .h) else { return [] }
        return layers[layer].units[h].indices.filter { (layers[layer].units[h][$0].std ?? 0) < threshold }
    }

    /// The largest |a − b| over both (NaN when either has one); the longer's tail counts in full.
    static func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        var worst: Float = 0
        for k in 0..<max(a.count, b.count) {
            let d = k < a.count && k < b.count ? abs(a[k] - b[k]) : .infinity
            if d.isNaN { return .nan }
            worst = max(worst, d)
        }
        return worst
    }
}
