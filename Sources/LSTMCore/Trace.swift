/// Every vector one recurrent layer computed, step by step, over a window.
///
/// A step is a set of named vectors (for LSTM: i, f, c̃, o, c, h: ``VectorName``), each kept
/// as a T × units matrix so a step's vector is one row and a unit's history one column.
public struct LayerTrace: Sendable, Equatable {
    /// The layer's name.
    public let layerName: String
    /// The recurrent kind, e.g. `LSTM`.
    public let kind: LayerKind
    /// Number of hidden units.
    public let units: Int
    /// The layer's input, one row per step (in the order the layer read them).
    public let inputs: Matrix
    /// Names of the vectors each step has, in display order.
    public let vectorNames: [VectorName]
    /// One T × units matrix per name in ``vectorNames``.
    public let series: [Matrix]
    /// The step of the first row: 0 for a whole window, more for a segment of a long one.
    public let firstStep: Int
    /// `forward` or `backward` for the two halves of a Bidirectional layer, else nil.
    public internal(set) var direction: BidirectionalLayer.Direction?
    /// The Bidirectional layer's merge mode, for its two halves.
    public internal(set) var mergeMode: String?
    /// After a Masking layer: per row, whether the step was skipped (state carried). Nil when
    /// no row held is masked.
    public internal(set) var masked: [Bool]?

    /// Whether step `t` was skipped by a mask.
    public func isMasked(at t: Int) -> Bool {
        guard let masked, stepRange.contains(t) else { return false }
        return masked[t - firstStep]
    }

    /// Creates a layer trace; `firstStep` is the step of the first row when it covers only a segment.
    public init(
        layerName: String, kind: LayerKind, units: Int, inputs: Matrix, vectorNames: [VectorName],
        series: [Matrix], firstStep: Int = 0
    ) {
        self.layerName = layerName
        self.kind = kind
        self.units = units
        self.inputs = inputs
        self.vectorNames = vectorNames
        self.series = series
        self.firstStep = firstStep
    }

    /// Number of steps (rows) held.
    public var steps: Int { inputs.rows }

    /// The steps held: `firstStep ..< firstStep + steps`.
    public var stepRange: Range<Int> { firstStep..<firstStep + steps }

    /// The vector `name` at step `t`, or nil if the layer has no such vector or `t` is not held.
    public func vector(_ name: VectorName, at t: Int) -> [Float]? {
        guard let k = vectorNames.firstIndex(of: name), stepRange.contains(t) else { return nil }
        return series[k].row(t - firstStep)
    }

    /// Value `unit` of vector `name` at step `t`, or nil when not held.
    public func value(_ name: VectorName, at t: Int, unit: Int) -> Float? {
        guard let k = vectorNames.firstIndex(of: name), stepRange.contains(t), unit >= 0, unit < units else {
            return nil
        }
        return series[k][t - firstStep, unit]
    }

    /// The layer's input at step `t`, or nil when not held.
    public func input(at t: Int) -> [Float]? {
        stepRange.contains(t) ? inputs.row(t - firstStep) : nil
    }

    /// This trace followed by `next`, which must start at the step where this one ends.
    public func joined(_ next: LayerTrace) -> LayerTrace {
        precondition(next.firstStep == stepRange.upperBound, "joined: \(next.stepRange) does not follow \(stepRange)")
        func join(_ a: Matrix, _ b: Matrix) -> Matrix {
            Matrix(rows: a.rows + b.rows, columns: a.columns, values: a.values + b.values)
        }
        var joined = LayerTrace(
            layerName: layerName, kind: kind, units: units, inputs: join(inputs, next.inputs),
            vectorNames: vectorNames, series: zip(series, next.series).map(join), firstStep: firstStep)
        joined.direction = direction
        joined.mergeMode = mergeMode
        if masked != nil || next.masked != nil {
            joined.masked =
                (masked ?? [Bool](repeating: false, count: steps))
                + (next.masked ?? [Bool](repeating: false, count: next.steps))
        }
        return joined
    }

    /// Rows `range` (absolute steps, within ``stepRange``) as a trace of their own.
    public func slice(_ range: Range<Int>) -> LayerTrace {
        let rows = (range.lowerBound - firstStep)..<(range.upperBound - firstStep)
        func cut(_ m: Matrix) -> Matrix {
            Matrix(
                rows: rows.count, columns: m.columns,
                values: Array(m.values[rows.lowerBound * m.columns..<rows.upperBound * m.columns]))
        }
        var part = LayerTrace(
            layerName: layerName, kind: kind, units: units, inputs: cut(inputs),
            vectorNames: vectorNames, series: series.map(cut), firstStep: range.lowerBound)
        part.direction = direction
        part.mergeMode = mergeMode
        part.masked = masked.map { Array($0[rows]) }.flatMap { $0.contains(true) ? $0 : nil }
        return part
    }

    /// All steps of vector `name` as a T × units matrix.
    public func series(_ name: VectorName) -> Matrix? {
        vectorNames.firstIndex(of: name).map { series[$0] }
    }

    /// The hidden-state sequence, T × units (what the layer passes on with return_sequences).
    public var hidden: Matrix { series(.h)! }
}

/// A whole model run over one window: each recurrent layer's trace and the model's output.
///
/// ```swift
/// let trace = try ModelTrace(model: model, input: window)
/// trace.layers[0].vector("f", at: 2)   // forget gate at t = 2
/// trace.output                          // == model.predict(window[None])[0], flattened
/// ```
public struct ModelTrace: Sendable, Equatable {
    /// The window as used (T × xu).
    public let input: Matrix
    /// One trace per recurrent layer, in model order.
    public let layers: [LayerTrace]
    /// The model's output, flattened row-major.
    public let output: [Float]
    /// The output's shape without the batch axis: `[yu]`, or `[T, yu]` for per-step heads.
    public let outputShape: [Int]

    /// Runs `model` over `input` from its start state (zeros, or a converted file's initial
    /// state), keeping every step's vectors.
    public init(model: Model, input: Matrix, threads: Int = 1) throws(ShapeError) {
        try model.checkWindow(input)
        let traced = model.traced
        var traces: [LayerTrace] = []
        var states = ForwardWalk.startStates(model)
        let passed = ForwardWalk(model: model, keeping: .everything, threads: threads).walk(
            .window(input), states: &states
        ) { r, run in traces.append(traced[r].trace(of: run)) }
        self.init(model: model, input: input, layers: traces, passed: passed)
    }

    /// The traces of several windows of the same length, walked together (a kind with a
    /// batched kernel runs them side by side): each the same, bit for bit, as
    /// ``init(model:input:threads:)`` gives for that window alone.
    public static func batch(model: Model, inputs: [Matrix]) throws(ShapeError) -> [ModelTrace] {
        for input in inputs { try model.checkWindow(input) }
        guard let first = inputs.first else { return [] }
        guard inputs.count > 1, inputs.allSatisfy({ $0.rows == first.rows }) else {
            var traces: [ModelTrace] = []
            for input in inputs { traces.append(try ModelTrace(model: model, input: input)) }
            return traces
        }
        let traced = model.traced
        var layers = [[LayerTrace]](repeating: [], count: inputs.count)
        var states = [[[[Float]]]](repeating: ForwardWalk.startStates(model), count: inputs.count)
        let passed = ForwardWalk(model: model, keeping: .everything).walk(windows: inputs, states: &states) { r, runs in
            for (b, run) in runs.enumerated() { layers[b].append(traced[r].trace(of: run)) }
        }
        return inputs.indices.map { b in
            ModelTrace(model: model, input: inputs[b], layers: layers[b], passed: passed[b])
        }
    }

    /// A walked window's trace: its layers, and the head applied to what the last one `passed`.
    private init(model: Model, input: Matrix, layers: [LayerTrace], passed: [Matrix]) {
        let out = model.applyHead(from: model.lastRecurrentIndex + 1, to: model.merged(passed))
        self.input = input
        self.layers = layers
        self.output = out.values
        self.outputShape = model.outputShape(of: out)
    }

    /// The model's output had the window ended at step `t` (what the head gives for h at t).
    ///
    /// Recurrent layers are causal, so the last layer's h at `t` is exactly what a window of
    /// t + 1 rows would produce. Nil when a Flatten in the head needs the whole window.
    public func output(ifWindowEndedAt t: Int, model: Model) -> [Float]? {
        guard let last = layers.last, t >= 0, t < last.steps else { return nil }
        // A Bidirectional's backward half has read the whole window by any step.
        if case .bidirectional = model.layers[model.lastRecurrentIndex] { return nil }
        if model.headFlattens { return nil }
        return model.applyHead(from: model.lastRecurrentIndex + 1, to: Matrix(rowArrays: [last.hidden.row(t)])).values
    }
}
