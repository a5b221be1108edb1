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
        /// hu.
        public let unitCount: Int
        /// Vector-major: vector n's unit u at n · hu + u (one flat array: the scan's inner loop).
        var flat: [UnitSums]
        /// Per window row t: Σ over windows of the mean over units of |h_t − h_before| (h_before
        /// the h of the layer's previous step, or its start state), and how many windows added one.
        public var changeSum: [Double]
        public var changeCount: [Int]

        /// Vector `n`'s sums of unit `u`.
        public func sums(_ n: Int, unit u: Int) -> UnitSums { flat[n * unitCount + u] }

        /// Vector `n`'s sums over every unit together.
        public func pooled(_ n: Int) -> UnitSums {
            flat[(n * unitCount)..<((n + 1) * unitCount)].reduce(into: UnitSums()) { $0.merge($1) }
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
                unitCount: layer.units,
                flat: [UnitSums](repeating: UnitSums(), count: layer.vectorNames.count * layer.units),
                changeSum: [Double](repeating: 0, count: steps), changeCount: [Int](repeating: 0, count: steps))
        }
    }

    /// What saturated means for one vector, decided once per layer rather than per value.
    enum SaturationRule {
        case never, sigmoid, tanh, hardSigmoid

        init(_ activation: Activation?) {
            switch activation {
            case .sigmoid: self = .sigmoid
            case .tanh: self = .tanh
            case .hardSigmoid: self = .hardSigmoid
            default: self = .never
            }
        }

        @inline(__always) func holds(_ v: Float) -> Bool {
            switch self {
            case .never: false
            case .sigmoid: v < 0.01 || v > 0.99
            case .tanh: v < -0.99 || v > 0.99
            case .hardSigmoid: v <= 0 || v >= 1
            }
        }
    }

    /// Whether `value` out of `activation` is saturated: σ below 0.01 or above 0.99, tanh
    /// beyond ±0.99, hard_sigmoid clipped at 0 or 1; other activations never are.
    public static func isSaturated(_ value: Float, _ activation: Activation?) -> Bool {
        SaturationRule(activation).holds(value)
    }

    /// Whether values out of `activation` have a saturated range (σ, tanh, hard_sigmoid).
    public static func measuresSaturation(_ activation: Activation?) -> Bool {
        SaturationRule(activation) != .never
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
            let rules = layers[l].activations.map(SaturationRule.init)
            let kept = (0..<layerTrace.steps).filter { !layerTrace.isMasked(at: $0) }
            var window = WindowSums(units: hu)
            layers[l].flat.withUnsafeMutableBufferPointer { sums in
                for (n, series) in layerTrace.series.enumerated() {
                    series.values.withUnsafeBufferPointer { values in
                        // The window's sums per unit in one branch-free pass; a window with an
                        // inf or NaN is added value by value instead, which counts them apart.
                        if window.fill(values, steps: kept, rule: rules[n]) {
                            for u in 0..<hu {
                                window.add(unit: u, to: &sums[n * hu + u], window: index, times: times[l])
                            }
                        } else {
                            for step in kept {
                                let t = times[l][step], row = step * hu
                                for u in 0..<hu {
                                    let v = values[row + u]
                                    sums[n * hu + u].add(v, saturated: rules[n].holds(v), window: index, t: t)
                                }
                            }
                        }
                    }
                }
            }
            for step in 0..<layerTrace.steps {
                let t = times[l][step]
                guard !layerTrace.isMasked(at: step) else { continue }
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
            for k in layers[l].flat.indices { layers[l].flat[k].merge(other.layers[l].flat[k]) }
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
        // A unit with no finite h at all (NaN throughout, or masked everywhere) is not called dead.
        return (0..<layers[layer].unitCount).filter {
            layers[layer].sums(h, unit: $0).std.map { $0 < threshold } ?? false
        }
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

    /// One window's sums of one vector, per unit, before they join the set's.
    struct WindowSums {
        var sum: [Double], squares: [Double], saturated: [Int], largest: [Float], largestStep: [Int]
        var count = 0

        init(units: Int) {
            sum = [Double](repeating: 0, count: units)
            squares = sum
            saturated = [Int](repeating: 0, count: units)
            largest = [Float](repeating: -1, count: units)
            largestStep = saturated
        }

        /// Sums `values` (steps × units) over `steps`; false when a value is not finite.
        mutating func fill(_ values: UnsafeBufferPointer<Float>, steps: [Int], rule: SaturationRule) -> Bool {
            let hu = sum.count
            for u in 0..<hu {
                sum[u] = 0
                squares[u] = 0
                saturated[u] = 0
                largest[u] = -1
            }
            count = steps.count
            // Separate loops with the rule chosen outside them, so that each vectorises.
            sum.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    for step in steps {
                        let row = values.baseAddress! + step &* hu
                        for u in 0..<hu {
                            let d = Double(row[u])
                            s[u] += d
                            q[u] += d * d
                        }
                    }
                }
            }
            saturated.withUnsafeMutableBufferPointer { k in
                func count(_ holds: (Float) -> Bool) {
                    for step in steps {
                        let row = values.baseAddress! + step &* hu
                        for u in 0..<hu { k[u] &+= holds(row[u]) ? 1 : 0 }
                    }
                }
                switch rule {
                case .never: break
                case .sigmoid: count { $0 < 0.01 || $0 > 0.99 }
                case .tanh: count { $0 < -0.99 || $0 > 0.99 }
                case .hardSigmoid: count { $0 <= 0 || $0 >= 1 }
                }
            }
            guard squares.allSatisfy(\.isFinite) && sum.allSatisfy(\.isFinite) else { return false }
            for step in steps {
                let row = step * hu
                for u in 0..<hu where abs(values[row + u]) > largest[u] {
                    largest[u] = abs(values[row + u])
                    largestStep[u] = step
                }
            }
            return true
        }

        /// Unit `u`'s sums added to the set's (`times` maps a step to its window row).
        func add(unit u: Int, to sums: inout UnitSums, window: Int, times: [Int]) {
            guard count > 0 else { return }
            sums.count += count
            sums.sum += sum[u]
            sums.sumOfSquares += squares[u]
            sums.saturated += saturated[u]
            if largest[u] > sums.largest || sums.largestAt == nil {
                sums.largest = largest[u]
                sums.largestAt = (window, times[largestStep[u]])
            }
        }
    }
}
