/// One unit's vector over a range of steps, cut into samples: per sample the smallest and
/// largest finite value, whether a NaN was among them and whether a step was masked.
///
/// A plot draws one sample per column of dots: over a long window each sample summarises many
/// steps (min…max, so a spike is never averaged away), over a short one a step spans several
/// samples. Sample `s` of `n` over steps `a..<b` covers ``steps(ofSample:)``.
public struct Envelope: Sendable, Equatable {
    /// The steps summarised.
    public let steps: Range<Int>
    /// Per sample, the smallest finite value (+∞ when the sample has none: not computed yet, or none finite).
    public internal(set) var lower: [Float]
    /// Per sample, the largest finite value (−∞ when the sample has none).
    public internal(set) var upper: [Float]
    /// Per sample, whether a NaN or ±∞ was among its steps (not drawable: a plot marks it).
    public internal(set) var nonFinite: [Bool]
    /// Per sample, whether a mask skipped one of its steps.
    public internal(set) var masked: [Bool]
    /// The steps the finest detail stands for: 1 when every sample is exact, else the block of
    /// steps a summary kept (a sample narrower than that shows its whole block's min…max).
    public let resolution: Int

    /// `samples` empty samples over `steps`.
    init(steps: Range<Int>, samples: Int, resolution: Int) {
        self.steps = steps
        lower = [Float](repeating: .infinity, count: samples)
        upper = [Float](repeating: -.infinity, count: samples)
        nonFinite = [Bool](repeating: false, count: samples)
        masked = [Bool](repeating: false, count: samples)
        self.resolution = resolution
    }

    /// Number of samples.
    public var samples: Int { lower.count }

    /// The steps sample `s` covers: a share of ``steps`` (at least one step; neighbours share a
    /// step when there are more samples than steps).
    public func steps(ofSample s: Int) -> Range<Int> {
        Self.steps(ofSample: s, of: samples, in: steps)
    }

    /// The steps sample `s` of `n` covers over `range`.
    public static func steps(ofSample s: Int, of n: Int, in range: Range<Int>) -> Range<Int> {
        let span = range.count
        let a = range.lowerBound + s * span / n
        let b = range.lowerBound + (s + 1) * span / n
        return a..<max(b, a + 1)
    }

    /// The first sample that shows step `t` (a step wider than a sample spans several; marks
    /// and the cursor go at its left edge, where its tick is), nil when outside ``steps``.
    public func sample(ofStep t: Int) -> Int? {
        guard steps.contains(t), samples > 0 else { return nil }
        var s = min(samples - 1, (t - steps.lowerBound) * samples / steps.count)
        while s > 0 && self.steps(ofSample: s - 1).upperBound > t { s -= 1 }
        while s + 1 < samples && self.steps(ofSample: s).upperBound <= t { s += 1 }
        return s
    }

    /// The smallest and largest finite value over all samples, nil when there is none.
    public var finiteRange: ClosedRange<Float>? {
        var low = Float.infinity
        var high = -Float.infinity
        for s in 0..<samples where lower[s] <= upper[s] {
            low = Swift.min(low, lower[s])
            high = Swift.max(high, upper[s])
        }
        return low <= high ? low...high : nil
    }

    /// Adds `value` to sample `s`.
    mutating func add(_ value: Float, to s: Int) {
        if value.isFinite {
            lower[s] = Swift.min(lower[s], value)
            upper[s] = Swift.max(upper[s], value)
        } else {
            nonFinite[s] = true
        }
    }
}

extension LayerTrace {
    /// Unit `unit`'s `vector` over `steps` (all held) in `samples` samples, exactly: nil when the
    /// layer has no such vector or the steps are not all held.
    public func envelope(_ vector: VectorName, unit: Int, steps: Range<Int>, samples: Int) -> Envelope? {
        guard let k = vectorNames.firstIndex(of: vector), unit >= 0, unit < units, samples > 0, !steps.isEmpty,
            stepRange.lowerBound <= steps.lowerBound, steps.upperBound <= stepRange.upperBound
        else { return nil }
        var envelope = Envelope(steps: steps, samples: samples, resolution: 1)
        series[k].values.withUnsafeBufferPointer { values in
            for s in 0..<samples {
                for t in Envelope.steps(ofSample: s, of: samples, in: steps) {
                    let skipped = masked?[t - firstStep] ?? false
                    if skipped { envelope.masked[s] = true }
                    // A masked step computes no gates (the trace holds zeros): only c and h, carried, count.
                    if !skipped || vector.isState { envelope.add(values[(t - firstStep) * units + unit], to: s) }
                }
            }
        }
        return envelope
    }
}
