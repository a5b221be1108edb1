/// A window replayed for exploring: all of it at once when it is small, lazily when it is long.
///
/// A full trace keeps T × 6 × hu floats per layer: 2.4 GB for 100,000 steps of 1,024 units.
/// A long window is instead run forward in blocks (``advance(steps:)``), keeping only the
/// state (h, c) of every layer every ``checkpointInterval`` steps and the largest |value| of
/// each vector; ``segment(layer:steps:)`` recomputes any range of steps from the checkpoint
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
        public let kind: String
        public let units: Int
        public let vectorNames: [String]
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
    /// Per recurrent layer: h then c, every `checkpointInterval` steps, flat.
    private var checkpoints: [[Float]]
    /// Per recurrent layer, the state after the last computed step.
    private var frontier: [LSTMState]
    /// Head output rows so far (per-step heads), or last-layer h rows (heads with Flatten).
    private var headRows: [Float] = []

    /// Number of steps.
    public var steps: Int { input.rows }
    /// Whether every step has run and ``output`` is known.
    public var isComplete: Bool { computedSteps == steps }
    /// Whether steps are recomputed from checkpoints rather than kept.
    public var isLazy: Bool { full == nil }

    /// Floats held for the window's steps: the whole trace, or the checkpoints.
    public var heldFloats: Int {
        if let full { return full.layers.reduce(0) { $0 + $1.series.reduce(0) { $0 + $1.count } } }
        return checkpoints.reduce(0) { $0 + $1.count } + headRows.count
    }

    /// Whether a window of `steps` is traced whole at once, rather than lazily: when the trace
    /// is small, and for models the lazy replay cannot take.
    public static func tracesWhole(_ model: Model, steps: Int, eagerLimit: Int = WindowReplay.defaultEagerLimit) -> Bool {
        traceFloats(model, steps: steps) <= eagerLimit || !canReplayLazily(model)
    }

    /// Floats of the whole trace of a window of `steps`: every vector of every recurrent layer.
    public static func traceFloats(_ model: Model, steps: Int) -> Int {
        model.layers.flatMap(\.tracedLayers).compactMap(\.recurrentInfo).reduce(0) { $0 + $1.vectorNames.count * $1.units } * steps
    }

    /// Blocks need each layer's step s to read the layer below's step s: only the first
    /// recurrent layer may read its window backwards. GRU and SimpleRNN have no fast kernel
    /// yet and are traced whole.
    public static func canReplayLazily(_ model: Model) -> Bool {
        model.isLSTMOnly && !model.recurrentLayers.dropFirst().contains(where: \.goBackwards)
    }

    /// Prepares the replay; small windows (and models whose inner layers read backwards) are
    /// traced completely here, long ones compute nothing until ``advance(steps:)``.
    public init(model: Model, input: Matrix, eagerLimit: Int = WindowReplay.defaultEagerLimit) throws(ShapeError) {
        try model.checkWindow(input)
        self.model = model
        self.input = input
        let recurrent = model.recurrentLayers
        // A Bidirectional's two halves are traced under the wrapper's name.
        layers = model.layers.flatMap { outer in
            outer.tracedLayers.compactMap(\.recurrentInfo).map { info in
                LayerInfo(name: outer.name, kind: info.kind, units: info.units, vectorNames: info.vectorNames)
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
                noteNaN(layer: l, firstStep: 0, units: layer.units, names: layer.vectorNames, layer.series.map(\.values))
            }
        } else {
            full = nil
            computedSteps = 0
            largestMagnitude = recurrent.map { _ in [Float](repeating: 0, count: 6) }
            // Reserved at once: growing by doubling would copy tens of megabytes mid-run.
            let intervals = (input.rows + Self.checkpointInterval - 1) / Self.checkpointInterval
            checkpoints = recurrent.map { layer in
                var saved = [Float]()
                saved.reserveCapacity(intervals * 2 * layer.units)
                return saved
            }
            frontier = recurrent.map { .zero(units: $0.units) }
        }
    }

    // MARK: Running forward

    /// Runs up to `steps` more steps (rounded up to whole checkpoint intervals) and, at the
    /// end of the window, the head.
    public mutating func advance(steps budget: Int) {
        guard !isComplete else { return }
        let k = Self.checkpointInterval
        let count = min(max(1, (budget + k - 1) / k) * k, steps - computedSteps)
        let range = computedSteps..<(computedSteps + count)
        var data = rowsOfWindow(range)
        var recurrentIndex = 0
        for index in 0...model.lastRecurrentIndex {
            guard case .lstm(let layer) = model.layers[index] else {
                data = model.applyLayers(index..<index + 1, to: data)
                continue
            }
            let before = frontier[recurrentIndex]
            let vectors = [Float].uninitialized(6, count: count * layer.units) { v in
                layer.fastKernel.run(data, order: Array(0..<count), state: &frontier[recurrentIndex],
                                     sink: TraceSink(i: v[0], f: v[1], cTilde: v[2], o: v[3], c: v[4], h: v[5]))
            }
            for (n, values) in vectors.enumerated() {
                largestMagnitude[recurrentIndex][n] = Swift.max(largestMagnitude[recurrentIndex][n], Self.largest(values))
            }
            noteNaN(layer: recurrentIndex, firstStep: range.lowerBound, units: layer.units, names: LSTMLayer.vectorNames, vectors)
            // The state before each step that starts an interval: the frontier for the first
            // step of the block, else the h and c after the step before it.
            let hu = layer.units
            for s in range where s % k == 0 {
                if s == range.lowerBound {
                    checkpoints[recurrentIndex] += before.h
                    checkpoints[recurrentIndex] += before.c
                } else {
                    let row = s - 1 - range.lowerBound
                    checkpoints[recurrentIndex] += vectors[5][row * hu ..< (row + 1) * hu]
                    checkpoints[recurrentIndex] += vectors[4][row * hu ..< (row + 1) * hu]
                }
            }
            data = Matrix(rows: count, columns: hu, values: vectors[5])
            recurrentIndex += 1
        }
        computedSteps += count
        finishHead(lastHidden: data)
    }

    /// Applies the head to what the last recurrent layer produced in this block, and at the
    /// end of the window fixes the output.
    private mutating func finishHead(lastHidden: Matrix) {
        let last = model.lastRecurrentIndex
        let sequences = model.recurrentLayers.last!.returnSequences
        let flatten = model.layers[(last + 1)...].contains { if case .flatten = $0 { true } else { false } }
        if sequences && !flatten {
            headRows += model.applyHead(from: last + 1, to: lastHidden).values
        } else if sequences {
            headRows += lastHidden.values
        }
        guard isComplete else { return }
        let out: Matrix
        if sequences && !flatten {
            let width = headRows.count / steps
            out = Matrix(rows: steps, columns: width, values: headRows)
        } else if sequences {
            out = model.applyHead(from: last + 1, to: Matrix(rows: steps, columns: lastHidden.columns, values: headRows))
        } else {
            out = model.applyHead(from: last + 1, to: Matrix(rows: 1, columns: lastHidden.columns, values: frontier.last!.h))
        }
        headRows = []
        output = out.values
        outputShape = model.outputShape(of: out)
    }

    // MARK: Segments

    /// Every vector of recurrent layer `layer` for `steps` (which must be computed already).
    public func segment(layer: Int, steps range: Range<Int>) -> LayerTrace {
        precondition(range.lowerBound >= 0 && range.upperBound <= computedSteps && !range.isEmpty, "segment \(range) outside the computed steps 0..<\(computedSteps)")
        if let full { return full.layers[layer].slice(range) }
        let k = Self.checkpointInterval
        let start = range.lowerBound / k * k
        let run = recompute(through: layer, steps: start..<range.upperBound)
        let info = layers[layer]
        let trace = LayerTrace(layerName: info.name, kind: info.kind, units: info.units, inputs: run.inputs,
                               vectorNames: info.vectorNames, series: run.vectors, firstStep: start)
        return trace.slice(range)
    }

    /// The model's output had the window ended at step `t`: the head on the last layer's h at `t`.
    /// Nil when `t` is not computed yet or a Flatten in the head needs the whole window.
    public func output(ifWindowEndedAt t: Int) -> [Float]? {
        guard t >= 0, t < computedSteps else { return nil }
        if let full { return full.output(ifWindowEndedAt: t, model: model) }
        return headOutput(lastHidden: segment(layer: layers.count - 1, steps: t..<t + 1).vector("h", at: t)!)
    }

    /// The head applied to a last-layer hidden state, or nil when a Flatten needs the whole window.
    public func headOutput(lastHidden h: [Float]) -> [Float]? {
        let last = model.lastRecurrentIndex
        // A Bidirectional's backward half needs the whole window: no output "had it ended here".
        if case .bidirectional = model.layers[last] { return nil }
        guard h.count == model.layers[last].recurrentInfo?.units else { return nil }
        if model.layers[(last + 1)...].contains(where: { if case .flatten = $0 { true } else { false } }) { return nil }
        return model.applyHead(from: last + 1, to: Matrix(rows: 1, columns: h.count, values: h)).values
    }

    /// Runs layers 0…`target` over `range` (starting at a checkpoint) and returns the target
    /// layer's input rows and six vectors.
    private func recompute(through target: Int, steps range: Range<Int>) -> (inputs: Matrix, vectors: [Matrix]) {
        let k = Self.checkpointInterval
        var data = rowsOfWindow(range)
        var recurrentIndex = 0
        for index in 0...model.lastRecurrentIndex {
            guard case .lstm(let layer) = model.layers[index] else {
                data = model.applyLayers(index..<index + 1, to: data)
                continue
            }
            let hu = layer.units
            let saved = checkpoints[recurrentIndex]
            let at = range.lowerBound / k * 2 * hu
            var state = LSTMState(h: Array(saved[at ..< at + hu]), c: Array(saved[at + hu ..< at + 2 * hu]))
            let order = Array(0..<range.count)
            if recurrentIndex == target {
                let v = [Float].uninitialized(6, count: range.count * hu) { v in
                    layer.fastKernel.run(data, order: order, state: &state,
                                         sink: TraceSink(i: v[0], f: v[1], cTilde: v[2], o: v[3], c: v[4], h: v[5]))
                }
                return (data, v.map { Matrix(rows: range.count, columns: hu, values: $0) })
            }
            let h = [Float].uninitialized(1, count: range.count * hu) { v in
                layer.fastKernel.run(data, order: order, state: &state, sink: .hidden(v[0]))
            }
            data = Matrix(rows: range.count, columns: hu, values: h[0])
            recurrentIndex += 1
        }
        preconditionFailure("recurrent layer \(target) does not exist")
    }

    /// The window rows read at steps `range` of the first recurrent layer (in its reading order),
    /// through the row-wise layers before it.
    private func rowsOfWindow(_ range: Range<Int>) -> Matrix {
        let backwards = model.recurrentLayers.first!.goBackwards
        var values = [Float]()
        values.reserveCapacity(range.count * input.columns)
        for s in range {
            let row = backwards ? steps - 1 - s : s
            values.append(contentsOf: input.values[row * input.columns ..< (row + 1) * input.columns])
        }
        return Matrix(rows: range.count, columns: input.columns, values: values)
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
