import LSTMCore

/// What the Units view's table shows: `scan`'s statistics of the selected layer's units, over
/// the current window or the whole set, in an order the user picks.
public struct UnitsTable: Sendable, Equatable {
    /// Over which windows the statistics run.
    public enum Scope: Sendable, Equatable {
        case window, set
    }

    /// A column the rows can be ordered by.
    public enum Column: Sendable, Equatable {
        case unit, mean, std
        /// The saturated share of the layer's vector at this index.
        case saturated(Int)
        /// The largest |c| (|h| for kinds without c).
        case largest

        /// The heading the table gives it.
        func heading(_ vectors: [VectorName], glyphs: Glyphs) -> String {
            switch self {
            case .unit: "unit"
            case .mean: "h mean"
            case .std: "h std"
            case .saturated(let n): "\(glyphs.symbol(vectors[n])) sat"
            case .largest: "largest"
            }
        }
    }

    public var scope = Scope.window
    public var column = Column.unit
    /// Largest first (the default for every column but the unit's).
    public var descending = false
    /// The selected row (not unit) of the ordered table.
    public var row = 0

    /// The columns of a layer with `vectors` coming out of `activations`, in the order `s` steps through.
    static func columns(_ activations: [Activation?]) -> [Column] {
        [.unit, .mean, .std]
            + activations.indices.filter { ScanStatistics.measuresSaturation(activations[$0]) }.map { .saturated($0) }
            + [.largest]
    }

    /// The units of `layer` in this table's order.
    func order(_ layer: ScanStatistics.LayerSums) -> [Int] {
        let h = layer.vectors.firstIndex(of: .h)!
        let state = layer.vectors.firstIndex(of: .c) ?? h
        func key(_ u: Int) -> Double {
            switch column {
            case .unit: Double(u)
            case .mean: layer.sums(h, unit: u).mean ?? -.infinity
            case .std: layer.sums(h, unit: u).std ?? -.infinity
            case .saturated(let n): layer.sums(n, unit: u).saturatedShare ?? -.infinity
            case .largest: Double(layer.sums(state, unit: u).largest)
            }
        }
        let units = Array(0..<layer.unitCount)
        // Ties keep unit order, whichever way the column runs.
        return units.sorted { a, b in
            let ka = key(a), kb = key(b)
            if ka == kb { return a < b }
            return descending ? ka > kb : ka < kb
        }
    }
}

extension ExplorerState {
    /// Windows a long pass over the set takes per idle slice: about 200,000 step-units.
    var setSliceWindows: Int {
        let units = model.tracedLayers.map(\.units).reduce(0, +)
        return max(1, 200_000 / max(1, steps * units))
    }

    /// Windows of a trace longer than this many floats get no per-window table (it would hold
    /// the whole trace); `scan` computes them in a stream.
    static let windowStatisticsLimit = 1 << 24

    /// The current window's statistics, nil when the window is too long to trace whole here.
    var windowStatistics: ScanStatistics? {
        windowStatisticsCache.value(for: 0) {
            guard WindowReplay.traceFloats(model, steps: input.rows) <= Self.windowStatisticsLimit,
                let trace = try? ModelTrace(model: model, input: input)
            else { return nil }
            var statistics = ScanStatistics(model: model, steps: input.rows)
            statistics.add(trace, model: model, window: windowIndex, expected: expected)
            return statistics
        }
    }

    /// The statistics the Units view shows: the window's, or the set's as far as they have run.
    var unitsStatistics: ScanStatistics? {
        unitsTable.scope == .set && windowSet != nil ? setStatistics : windowStatistics
    }

    /// How many windows of the set the set's statistics have seen.
    var setWindowsDone: Int { setStatistics?.windows.count ?? 0 }

    /// Whether the set's statistics still have windows to see while the Units view shows them.
    var setScanPending: Bool {
        guard view == .units, unitsTable.scope == .set, let set = windowSet else { return false }
        return setWindowsDone < set.count
    }

    /// One idle slice of the pass over the set.
    mutating func advanceSetScan() {
        guard let set = windowSet else { return }
        var statistics = setStatistics ?? ScanStatistics(model: model, steps: steps)
        let start = statistics.windows.count
        for k in start..<min(set.count, start + setSliceWindows) {
            guard let trace = try? ModelTrace(model: model, input: set.window(k)) else {
                // Cannot happen for a set opened against this model; if it does, stop rather than retry.
                fail("window \(k) of \(set.name) does not replay; the Units view shows the current window")
                unitsTable.scope = .window
                break
            }
            statistics.add(trace, model: model, window: k, expected: set.expected?[k])
        }
        setStatistics = statistics
        if statistics.windows.count == set.count { say("the whole set's statistics are done: \(set.count) windows") }
    }
}
