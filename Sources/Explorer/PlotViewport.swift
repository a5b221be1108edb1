import LSTMCore

/// The part of the window the Plot view shows, and which of the unit's vectors.
public struct PlotViewport: Sendable, Equatable {
    /// Steps shown, nil for the whole window.
    public var span: Int?
    /// The first step shown (kept so that t is in view).
    public var first = 0
    /// The one vector shown, nil for all of the kind's vectors stacked.
    public var vector: VectorName?

    /// The fewest steps a zoom shows.
    public static let smallestSpan = 8
}

extension ExplorerState {
    /// Columns of the Plot view's charts: two dot columns (samples) each.
    var plotColumns: Int { max(1, width - PlotLayout.labelWidth - 1) }

    /// Steps the Plot view shows at its zoom.
    var plotSpan: Int { min(plot.span ?? steps, steps) }

    /// The steps the Plot view shows: its span, from its first step moved just enough that t is in view.
    public var plotRange: Range<Int> {
        let span = plotSpan
        var first = plot.first
        if t < first { first = t } else if t >= first + span { first = t - span + 1 }
        first = clamp(first, 0, steps - span)
        return first..<first + span
    }

    /// Zooms in (`by` > 0: half the steps) or out around t.
    mutating func zoomPlot(_ by: Int) {
        let span = plotSpan
        let wanted = by > 0 ? max(PlotViewport.smallestSpan, span / 2) : span * 2
        guard wanted != span || by < 0 else {
            say("zoomed in as far as it goes (\(span) steps)")
            return
        }
        plot.span = wanted >= steps ? nil : wanted
        plot.first = t - plotSpan / 2
        plot.first = plotRange.lowerBound
        say(plot.span == nil ? "the whole window (\(steps) steps)" : "\(plotSpan) steps shown (z: the whole window)")
    }

    /// The whole window, or (again) back to the last zoom.
    mutating func showWholePlot() {
        plot.span = nil
        plot.first = 0
        say("the whole window (\(steps) steps)")
    }

    /// The next vector alone, then all of them again.
    mutating func nextPlotVector() {
        let names = layerTrace.vectorNames
        if let current = plot.vector, let k = names.firstIndex(of: current) {
            plot.vector = k + 1 < names.count ? names[k + 1] : nil
        } else {
            plot.vector = names.first
        }
        say(plot.vector.map { "\(glyphs.symbol($0)) alone (v: the next)" } ?? "every vector of the step")
    }

    /// Keeps the Plot view's first step with t in view, and for a long window holds the steps
    /// shown when they are few enough to recompute in a key's time and its summary's blocks are
    /// coarser than a dot column.
    mutating func refreshPlot() {
        guard view == .plot else {
            plotSegment = nil
            return
        }
        if plotSegmentLayer != layer { plotSegment = nil }
        if let vector = plot.vector, !layerTrace.vectorNames.contains(vector) { plot.vector = nil }
        let range = plotRange
        plot.first = range.lowerBound
        guard let summary = replay.summary else { return }
        let samples = 2 * plotColumns
        let wanted = range.clamped(to: 0..<replay.computedSteps)
        // Only once every step shown has run: a part would be recomputed at every idle block.
        guard range.count < summary.blockSize * samples, wanted == range, wanted.count <= plotSegmentLimit else {
            plotSegment = nil
            return
        }
        if let held = plotSegment, plotSegmentLayer == layer, held.stepRange.contains(wanted.lowerBound),
            held.stepRange.contains(wanted.upperBound - 1)
        {
            return
        }
        plotSegment = replay.segment(layer: layer, steps: wanted)
        plotSegmentLayer = layer
    }

    /// Steps the Plot view recomputes at once, within a frame's time: about two idle blocks'
    /// work (~10 ms; four took a zoom key at 64 units to 17 ms), and no more floats than half
    /// the summary may hold.
    private var plotSegmentLimit: Int {
        let perStep = replay.layers[...layer].reduce(0) { $0 + $1.vectorNames.count * $1.units }
        return min(2 * idleBlockSteps, StepSummary.floatBudget / 2 / max(perStep, 1))
    }
}
