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

    /// Name, kind, units and vector names of a recurrent layer.
    public struct LayerInfo: Sendable, Equatable {
        public let name: String
        public let kind: LayerKind
        public let units: Int
        public let vectorNames: [String]
        /// `forward` or `backward` for the halves of a Bidirectional layer, else nil.
        public var direction: BidirectionalLayer.Direction?
        /// The Bidirectional layer's merge mode, for its halves.
        public var mergeMode: String?
        /// Whether the layer reads the window last row first (Keras `go_backwards`; a
        /// Bidirectional's backward half): its step s is the window's row T − 1 − s.
        public var readsBackwards = false
    }

    /// The model replayed.
    public let model: Model
    /// The window (T × xu).
    public let input: Matrix
    /// The recurrent layers.
    public let layers: [LayerInfo]
    /// Steps computed so far (the whole window once ``isComplete``).
    public private(set) var computedSteps: Int
    /// The model's output, once the whole window has run.
    public private(set) var output: [Float]?
    /// The output's shape without the batch axis, once known.
    public private(set) var outputShape: [Int]?
    /// Per layer and vector (in ``LayerInfo/vectorNames`` order), the largest finite |value| so far.
    public private(set) var largestMagnitude: [[Float]]

    /// Where NaN first appears: the earliest step (and, at that step, the first layer and
    /// vector in display order) among the steps computed so far.
    public struct NaNSite: Sendable, Equatable {
        public let layer: Int
        public let step: Int
        public let vector: String
    }

    /// The first NaN among the computed steps, if any.
    public private(set) var firstNaN: NaNSite?

    /// The whole trace, for windows small enough to keep (or models that cannot run in blocks).
    private let full: ModelTrace?
    /// Per recurrent layer: its state (h, then c for an LSTM) every `checkpointInterval` steps, flat.
    private var checkpoints: [[Float]]
    /// Per recurrent layer, the state after the last computed step ([h] or [h, c]).
    private var frontier: [[[Float]]]
    /// Head output rows so far (per-step heads), or last-layer output rows (heads with Flatten;
    /// a Bidirectional's forward half with return_sequences).
    private var headRows: [Float] = []
    /// A Bidirectional's backward outputs so far (with return_sequences): the head needs row
    /// T − 1 − t of them beside forward row t, so both halves' rows are kept until the window
    /// has run (the head itself runs on each time step as soon as both rows for it exist).
    private var backwardRows: [Float] = []
    /// The head's output rows after a Bidirectional with return_sequences, by time step, filled
    /// in as both halves' rows for a time become known.
    private var mergedHeadRows: [Float] = []

    /// Number of steps.
    public var steps: Int { input.rows }
    /// Whether every step has run and ``output`` is known.
    public var isComplete: Bool { computedSteps == steps }
    /// Whether steps are recomputed from checkpoints rather than kept.
    public var isLazy: Bool { full == nil }

    /// Floats held for the window's steps: the whole trace, or the checkpoints.
    public var heldFloats: Int {
        if let full { return full.layers.reduce(0) { $0 + $1.series.reduce(0) { $0 + $1.count } } }
        return checkpoints.reduce(0) { $0 + $1.count } + headRows.count + backwardRows.count + mergedHeadRows.count
    }

    /// Whether a window of `steps` is traced whole at once, rather than lazily: when the trace
    /// is small, and for models the lazy replay cannot take.
    public static func tracesWhole(_ model: Model, steps: Int, eagerLimit: Int = WindowReplay.defaultEagerLimit) -> Bool
    {
        traceFloats(model, steps: steps) <= eagerLimit || !canReplayLazily(model)
    }

    /// Floats of the whole trace of a window of `steps`: every vector of every recurrent layer.
    public static func traceFloats(_ model: Model, steps: Int) -> Int {
        model.tracedLayers.compactMap(\.recurrentInfo).reduce(0) { $0 + $1.vectorNames.count * $1.units } * steps
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
        // A Bidirectional's two halves are traced under the wrapper's name.
        layers = model.layers.flatMap { outer in
            outer.tracedLayers.enumerated().compactMap { half, traced in
                guard let info = traced.recurrentInfo else { return nil }
                var layer = LayerInfo(
                    name: outer.name, kind: info.kind, units: info.units, vectorNames: info.vectorNames)
                layer.readsBackwards = traced.readsBackwards
                if case .bidirectional(let b) = outer {
                    layer.direction = half == 0 ? .forward : .backward
                    layer.mergeMode = b.merge.rawValue
                }
                return layer
            }
        }
        if Self.tracesWhole(model, steps: input.rows, eagerLimit: eagerLimit) {
            let trace = try ModelTrace(model: model, input: input)
            full = trace
            computedSteps = input.rows
            output = trace.output
            outputShape = trace.outputShape
            largestMagnitude = trace.layers.map { layer in layer.series.map { Self.largest($0.values) } }
            checkpoints = []
            frontier = []
            for (l, layer) in trace.layers.enumerated() {
                noteNaN(
                    layer: l, firstStep: 0, units: layer.units, names: layer.vectorNames, layer.series.map(\.values))
            }
        } else {
            full = nil
            computedSteps = 0
            largestMagnitude = layers.map { [Float](repeating: 0, count: $0.vectorNames.count) }
            frontier = model.tracedLayers.map(\.zeroState)
            // Reserved at once: growing by doubling would copy tens of megabytes mid-run.
            let intervals = (input.rows + Self.checkpointInterval - 1) / Self.checkpointInterval
            checkpoints = frontier.map { state in
                var saved = [Float]()
                saved.reserveCapacity(intervals * state.count * (state.first?.count ?? 0))
                return saved
            }
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
        var states = frontier
        let lastOutputs = Self.walk(
            model, rows: rowsOfWindow(range), backwardRows: backwardRowsOfWindow(range, for: nil),
            states: &states, only: nil
        ) { l, run in
            let info = layers[l]
            for (n, values) in run.series.enumerated() {
                largestMagnitude[l][n] = Swift.max(largestMagnitude[l][n], Self.largest(values))
            }
            noteNaN(layer: l, firstStep: range.lowerBound, units: info.units, names: info.vectorNames, run.series)
            // The state before each step that starts an interval: the frontier for the first
            // step of the block, else the state after the step before it.
            let hu = info.units
            for s in range where s % k == 0 {
                if s == range.lowerBound {
                    for vector in frontier[l] { checkpoints[l] += vector }
                } else {
                    let row = s - 1 - range.lowerBound
                    for n in Self.stateSeries(info) { checkpoints[l] += run.series[n][row * hu..<(row + 1) * hu] }
                }
            }
        }
        frontier = states
        computedSteps += count
        finishHead(lastOutputs: lastOutputs)
    }

    /// Applies the head to what the last recurrent layer passed on in this block, and at the
    /// end of the window fixes the output.
    private mutating func finishHead(lastOutputs outputs: [Matrix]) {
        let last = model.lastRecurrentIndex
        let sequences = model.layers[last].recurrentInfo!.returnSequences
        if case .bidirectional(let b) = model.layers[last] {
            finishBidirectionalHead(b, outputs: outputs)
            return
        }
        let lastOutputs = outputs[0]
        let flatten = model.headFlattens
        if sequences && !flatten {
            headRows += model.applyHead(from: last + 1, to: lastOutputs).values
        } else if sequences {
            headRows += lastOutputs.values
        }
        guard isComplete else { return }
        let out: Matrix
        if sequences && !flatten {
            let width = headRows.count / steps
            out = Matrix(rows: steps, columns: width, values: headRows)
        } else if sequences {
            out = model.applyHead(
                from: last + 1, to: Matrix(rows: steps, columns: lastOutputs.columns, values: headRows))
        } else {
            out = model.applyHead(from: last + 1, to: Matrix(rowArrays: [lastOutputs.row(lastOutputs.rows - 1)]))
        }
        headRows = []
        fixOutput(out)
    }

    /// The head after a Bidirectional last layer. Without return_sequences it takes the two
    /// halves' last outputs at the window's end. With it, time t merges forward row t with
    /// backward row T − 1 − t; both are known once the halves have run past t and T − 1 − t,
    /// so from the window's middle on each block applies the head to the times it completes,
    /// and the end costs no more than any block (a Flatten head waits for the end).
    private mutating func finishBidirectionalHead(_ b: BidirectionalLayer, outputs: [Matrix]) {
        let last = model.lastRecurrentIndex
        guard b.returnSequences else {
            guard isComplete else { return }
            fixOutput(
                model.applyHead(
                    from: last + 1,
                    to: b.mergedOutput(
                        forward: Matrix(rowArrays: [outputs[0].row(outputs[0].rows - 1)]),
                        backward: Matrix(rowArrays: [outputs[1].row(outputs[1].rows - 1)]))))
            return
        }
        let before = computedSteps - outputs[0].rows
        headRows += outputs[0].values
        backwardRows += outputs[1].values
        defer {
            if isComplete {
                headRows = []
                backwardRows = []
                mergedHeadRows = []
            }
        }
        if model.headFlattens {
            if isComplete { fixOutput(model.applyHead(from: last + 1, to: mergedSequence(b, times: 0..<steps))) }
            return
        }
        // Times with both halves known after c steps: T − c ..< c, growing from the middle.
        func paired(_ c: Int) -> Range<Int> { steps - c < c ? (steps - c)..<c : 0..<0 }
        let known = paired(computedSteps), old = paired(before)
        let completed = old.isEmpty ? [known] : [known.lowerBound..<old.lowerBound, old.upperBound..<known.upperBound]
        var columns = mergedHeadRows.count / steps
        for range in completed {
            for start in stride(from: range.lowerBound, to: range.upperBound, by: 1024) {
                let times = start..<min(start + 1024, range.upperBound)
                let out = model.applyHead(from: last + 1, to: mergedSequence(b, times: times))
                if mergedHeadRows.isEmpty {
                    columns = out.columns
                    mergedHeadRows = [Float](repeating: 0, count: steps * columns)
                }
                mergedHeadRows.replaceSubrange(
                    times.lowerBound * columns..<times.upperBound * columns, with: out.values)
            }
        }
        if isComplete { fixOutput(Matrix(rows: steps, columns: columns, values: mergedHeadRows)) }
    }

    /// A Bidirectional's merged output at `times`: forward rows `times`, backward rows counted
    /// from the window's end.
    private func mergedSequence(_ b: BidirectionalLayer, times: Range<Int>) -> Matrix {
        let hu = b.units
        let forward = Matrix(
            rows: times.count, columns: hu, values: Array(headRows[times.lowerBound * hu..<times.upperBound * hu]))
        let backward = Matrix(
            rows: times.count, columns: hu,
            values: Array(backwardRows[(steps - times.upperBound) * hu..<(steps - times.lowerBound) * hu]))
        return b.mergedOutput(forward: forward, backward: backward)
    }

    private mutating func fixOutput(_ out: Matrix) {
        output = out.values
        outputShape = model.outputShape(of: out)
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
        let info = layers[layer]
        var trace = LayerTrace(
            layerName: info.name, kind: info.kind, units: info.units, inputs: run.inputs,
            vectorNames: info.vectorNames,
            series: run.series.map { Matrix(rows: run.inputs.rows, columns: info.units, values: $0) }, firstStep: start)
        trace.masked = run.masked
        trace.direction = info.direction
        trace.mergeMode = info.mergeMode
        return trace.slice(range)
    }

    /// The model's output had the window ended at step `t`: the head on the last layer's h at `t`.
    /// Nil when `t` is not computed yet or a Flatten in the head needs the whole window.
    public func output(ifWindowEndedAt t: Int) -> [Float]? {
        guard t >= 0, t < computedSteps else { return nil }
        if let full { return full.output(ifWindowEndedAt: t, model: model) }
        // A Bidirectional's backward half has read the whole window by any step.
        if case .bidirectional = model.layers[model.lastRecurrentIndex] { return nil }
        return headOutput(lastHidden: segment(layer: layers.count - 1, steps: t..<t + 1).vector("h", at: t)!)
    }

    /// The head applied to a last-layer hidden state, or nil when a Flatten needs the whole window.
    public func headOutput(lastHidden h: [Float]) -> [Float]? {
        let last = model.lastRecurrentIndex
        // A Bidirectional's backward half needs the whole window: no output "had it ended here".
        if case .bidirectional = model.layers[last] { return nil }
        guard h.count == model.layers[last].recurrentInfo?.units else { return nil }
        if model.headFlattens { return nil }
        return model.applyHead(from: last + 1, to: Matrix(rows: 1, columns: h.count, values: h)).values
    }

    /// Runs layers 0…`target` over `range` (starting at a checkpoint) from their saved states
    /// and returns the target layer's run.
    private func recompute(through target: Int, steps range: Range<Int>) -> BlockRun {
        let interval = range.lowerBound / Self.checkpointInterval
        var states = (0...target).map { l in
            let hu = layers[l].units, width = frontier[l].count * hu
            let saved = checkpoints[l][interval * width..<(interval + 1) * width]
            return (0..<frontier[l].count).map {
                Array(saved[saved.startIndex + $0 * hu..<saved.startIndex + ($0 + 1) * hu])
            }
        }
        var result: BlockRun?
        _ = Self.walk(
            model, rows: rowsOfWindow(range), backwardRows: backwardRowsOfWindow(range, for: target),
            states: &states, only: target
        ) { _, run in result = run }
        return result!
    }

    /// Indexes into a layer's vectors of those that make its state, in checkpoint order.
    private static func stateSeries(_ info: LayerInfo) -> [Int] {
        (info.kind == .lstm ? ["h", "c"] : ["h"]).map { info.vectorNames.firstIndex(of: $0)! }
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

    /// Keeps `firstNaN` the earliest NaN seen, given one layer's vectors for steps from `firstStep`.
    private mutating func noteNaN(layer: Int, firstStep: Int, units: Int, names: [String], _ vectors: [[Float]]) {
        guard units > 0 else { return }
        var best: NaNSite?
        for (n, values) in vectors.enumerated() {
            guard let index = values.firstIndex(where: \.isNaN) else { continue }
            let step = firstStep + index / units
            if best == nil || step < best!.step { best = NaNSite(layer: layer, step: step, vector: names[n]) }
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
