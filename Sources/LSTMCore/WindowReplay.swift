/// A window replayed for exploring: all of it at once when it is small, lazily when it is long.
///
/// A full trace keeps T × 6 × hu floats per LSTM layer: 2.4 GB for 100,000 steps of 1,024
/// units. A long window is instead run forward in blocks (``advance(steps:)``), keeping only
/// the state of every layer (h, and c for an LSTM) every ``checkpointInterval`` steps and the
/// largest |value| of each vector; ``segment(layer:steps:)`` recomputes any range of steps from the checkpoint
/// before it, so what is on screen costs at most one interval more than what is shown.
///
/// ```swift
/// var replay = try WindowReplay(model: model, input: window)
/// while !replay.isComplete { replay.advance(steps: 4096) }
/// replay.segment(layer: 0, steps: 500..<520).vector("f", at: 510)
/// ```
public struct WindowReplay: Sendable {
    /// Steps between stored states: a jump recomputes at most this many. Even, because the
    /// kernel's rounding follows the step's parity (it walks U in alternate directions).
    public static let checkpointInterval = 16
    /// Windows whose full trace has at most this many floats are traced at once (32 MB).
    public static let defaultEagerLimit = 8 << 20

    /// The model replayed.
    public let model: Model
    /// The window (T × xu).
    public let input: Matrix
    /// The recurrent layers, as they are traced.
    public let layers: [TracedLayer]
    /// Steps computed so far (the whole window once ``isComplete``).
    public private(set) var computedSteps: Int
    /// The model's output, once the whole window has run.
    public private(set) var output: [Float]?
    /// The output's shape without the batch axis, once known.
    public private(set) var outputShape: [Int]?
    /// The largest values and the first NaN among the steps computed so far.
    public private(set) var statistics: ReplayStatistics
    /// Per layer and vector (in ``TracedLayer/vectorNames`` order), the largest finite |value| so far.
    public var largestMagnitude: [[Float]] { statistics.largestMagnitude }
    /// The first NaN among the computed steps, if any.
    public var firstNaN: ReplayStatistics.NaNSite? { statistics.firstNaN }

    /// The whole trace, for windows small enough to keep (or models that cannot run in blocks).
    private let full: ModelTrace?
    /// The states a long window's steps are recomputed from.
    private var checkpoints: CheckpointStore
    /// A long window's blocks of steps in min…max, for plots (nil when the trace is whole).
    public private(set) var summary: StepSummary?
    /// The head's output, assembled as the last recurrent layer's rows arrive.
    private var head: HeadAssembler

    /// Number of steps.
    public var steps: Int { input.rows }
    /// Whether every step has run and ``output`` is known.
    public var isComplete: Bool { computedSteps == steps }
    /// Whether steps are recomputed from checkpoints rather than kept.
    public var isLazy: Bool { full == nil }

    /// Floats held for the window's steps: the whole trace, or the checkpoints.
    public var heldFloats: Int {
        if let full { return full.layers.reduce(0) { $0 + $1.series.reduce(0) { $0 + $1.count } } }
        return checkpoints.heldFloats + head.heldFloats + (summary?.heldFloats ?? 0)
    }

    /// Whether a window of `steps` is traced whole at once, rather than lazily: when the trace
    /// is small, and for models the lazy replay cannot take.
    public static func tracesWhole(_ model: Model, steps: Int, eagerLimit: Int = WindowReplay.defaultEagerLimit) -> Bool
    {
        traceFloats(model, steps: steps) <= eagerLimit || !canReplayLazily(model)
    }

    /// Floats of the whole trace of a window of `steps`: every vector of every recurrent layer.
    public static func traceFloats(_ model: Model, steps: Int) -> Int {
        model.tracedLayers.reduce(0) { $0 + $1.vectorNames.count * $1.units } * steps
    }

    /// Whether `model` can be run in blocks; ``wholeTraceReason(_:)`` says why not.
    public static func canReplayLazily(_ model: Model) -> Bool {
        wholeTraceReason(model) == nil
    }

    /// Why a long window of `model` has to be traced whole, or nil when it can run in blocks.
    /// Blocks need each layer's step s to read the layer below's step s.
    public static func wholeTraceReason(_ model: Model) -> String? {
        let recurrent = model.layers.filter(\.isRecurrent)
        if recurrent.count > 1, recurrent.contains(where: { if case .bidirectional = $0 { true } else { false } }) {
            return
                "a Bidirectional layer's backward half starts at the window's end, "
                + "and it is stacked with other recurrent layers"
        }
        if recurrent.dropFirst().contains(where: \.readsBackwards) {
            return "a recurrent layer after the first reads its input backwards"
        }
        // Keras hands the next layer a go_backwards layer's outputs in reading order but its
        // mask in time order; only a whole run reproduces that pairing.
        if recurrent.count > 1, recurrent[0].readsBackwards, model.masks {
            return "a masked window is read backwards by the first of several recurrent layers"
        }
        return nil
    }

    /// Prepares the replay; small windows (and models whose inner layers read backwards) are
    /// traced completely here, long ones compute nothing until ``advance(steps:)``.
    public init(model: Model, input: Matrix, eagerLimit: Int = WindowReplay.defaultEagerLimit) throws(ShapeError) {
        try model.checkWindow(input)
        self.model = model
        self.input = input
        layers = model.traced
        head = HeadAssembler(model: model, steps: input.rows)
        if Self.tracesWhole(model, steps: input.rows, eagerLimit: eagerLimit) {
            let trace = try ModelTrace(model: model, input: input)
            full = trace
            computedSteps = input.rows
            output = trace.output
            outputShape = trace.outputShape
            statistics = ReplayStatistics(layers: layers)
            checkpoints = CheckpointStore(model: model, steps: 0)
            summary = nil
            for (l, layer) in trace.layers.enumerated() {
                statistics.note(layer: l, firstStep: 0, units: layer.units, layer.series.map(\.values))
            }
        } else {
            full = nil
            computedSteps = 0
            statistics = ReplayStatistics(layers: layers)
            checkpoints = CheckpointStore(model: model, steps: input.rows)
            summary = StepSummary(layers: layers, steps: input.rows)
        }
    }

    // MARK: Running forward

    /// Runs up to `steps` more steps (rounded up to whole checkpoint intervals) and, at the
    /// end of the window, the head.
    public mutating func advance(steps budget: Int) {
        guard !isComplete else { return }
        let k = Self.checkpointInterval
        let count = min(max(1, (min(budget, steps) + k - 1) / k) * k, steps - computedSteps)
        let range = computedSteps..<(computedSteps + count)
        var states = checkpoints.frontier
        let lastOutputs = ForwardWalk(model: model, keeping: .everything).walk(
            .block(rows: rowsOfWindow(range), backward: backwardRowsOfWindow(range, for: nil)), states: &states
        ) { l, run in
            statistics.note(layer: l, firstStep: range.lowerBound, units: layers[l].units, run.series)
            checkpoints.record(layer: l, layers[l].layer, steps: range, run: run)
            summary?.note(layer: l, firstStep: range.lowerBound, series: run.series, masked: run.masked)
        }
        checkpoints.frontier = states
        computedSteps += count
        if let out = head.take(lastOutputs, computedSteps: computedSteps) {
            output = out.values
            outputShape = model.outputShape(of: out)
        }
    }

    // MARK: Segments

    /// Every vector of recurrent layer `layer` for `steps` (which must be computed already).
    public func segment(layer: Int, steps range: Range<Int>) -> LayerTrace {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= computedSteps && !range.isEmpty,
            "segment \(range) outside the computed steps 0..<\(computedSteps)")
        if let full { return full.layers[layer].slice(range) }
        let k = Self.checkpointInterval
        let start = range.lowerBound / k * k
        let run = recompute(through: layer, steps: start..<range.upperBound)
        return layers[layer].trace(of: run, firstStep: start).slice(range)
    }

    /// Unit `unit`'s `vector` of layer `layer` over `range` in `samples` samples: exact for a
    /// window traced whole, or from `held` when it holds the steps (a segment); else from the
    /// ``summary``'s blocks. Steps not computed yet are empty samples. Nil when the layer has
    /// no such vector.
    public func envelope(
        layer: Int, _ vector: VectorName, unit: Int, steps range: Range<Int>, samples: Int, held: LayerTrace? = nil
    ) -> Envelope? {
        guard layers.indices.contains(layer), let k = layers[layer].vectorNames.firstIndex(of: vector),
            unit >= 0, unit < layers[layer].units, samples > 0, !range.isEmpty, range.upperBound <= steps
        else { return nil }
        if let full { return full.layers[layer].envelope(vector, unit: unit, steps: range, samples: samples) }
        if let held, held.layerName == layers[layer].name, held.direction == layers[layer].direction,
            let exact = held.envelope(vector, unit: unit, steps: range, samples: samples)
        {
            return exact
        }
        return summary?.envelope(layer: layer, vector: k, unit: unit, steps: range, samples: samples)
    }

    /// The model's output had the window ended at step `t`: the head on the last layer's h at `t`.
    /// Nil when `t` is not computed yet or a Flatten in the head needs the whole window.
    public func output(ifWindowEndedAt t: Int) -> [Float]? {
        guard t >= 0, t < computedSteps else { return nil }
        if let full { return full.output(ifWindowEndedAt: t, model: model) }
        // A Bidirectional's backward half has read the whole window by any step.
        if case .bidirectional = model.layers[model.lastRecurrentIndex] { return nil }
        return headOutput(lastHidden: segment(layer: layers.count - 1, steps: t..<t + 1).vector(.h, at: t)!)
    }

    /// The head applied to a last-layer hidden state, or nil when a Flatten needs the whole window.
    public func headOutput(lastHidden h: [Float]) -> [Float]? {
        let last = model.lastRecurrentIndex
        // A Bidirectional's backward half needs the whole window: no output "had it ended here".
        if case .bidirectional = model.layers[last] { return nil }
        guard h.count == model.layers[last].outputWidth else { return nil }
        if model.headFlattens { return nil }
        return model.applyHead(from: last + 1, to: Matrix(rows: 1, columns: h.count, values: h)).values
    }

    /// Runs layers 0…`target` over `range` (starting at a checkpoint) from their saved states
    /// and returns the target layer's run.
    private func recompute(through target: Int, steps range: Range<Int>) -> RecurrentRun {
        var states = checkpoints.states(through: target, at: range.lowerBound)
        var result: RecurrentRun?
        _ = ForwardWalk(model: model, keeping: .only(target)).walk(
            .block(rows: rowsOfWindow(range), backward: backwardRowsOfWindow(range, for: target)), states: &states
        ) { _, run in result = run }
        return result!
    }

    /// For a Bidirectional model, the window rows its backward half reads at steps `range`
    /// (nil when the walk will not run that half: another layer is `target`).
    private func backwardRowsOfWindow(_ range: Range<Int>, for target: Int?) -> Matrix? {
        guard layers.last?.direction == .backward, target == nil || target == layers.count - 1 else { return nil }
        return rowsOfWindow(range, backwards: layers[layers.count - 1].readsBackwards)
    }

    /// The window rows read at steps `range` of the first recurrent layer (or of a
    /// Bidirectional's half reading `backwards`), before the row-wise layers ahead of it.
    /// Keras lets a Bidirectional's forward layer read backwards, its backward one forwards.
    private func rowsOfWindow(_ range: Range<Int>, backwards: Bool? = nil) -> Matrix {
        let backwards = backwards ?? layers[0].readsBackwards
        return input.rows(range.lazy.map { backwards ? steps - 1 - $0 : $0 })
    }
}
