/// Every vector one recurrent layer computed, step by step, over a window.
///
/// A step is a set of named vectors (for LSTM: `i`, `f`, `c_tilde`, `o`, `c`, `h`), each kept
/// as a T × units matrix so a step's vector is one row and a unit's history one column.
public struct LayerTrace: Sendable, Equatable {
    /// The layer's name.
    public let layerName: String
    /// The recurrent kind, e.g. `LSTM`.
    public let kind: String
    /// Number of hidden units.
    public let units: Int
    /// The layer's input, one row per step (in the order the layer read them).
    public let inputs: Matrix
    /// Names of the vectors each step has, in display order.
    public let vectorNames: [String]
    /// One T × units matrix per name in ``vectorNames``.
    public let series: [Matrix]

    /// Number of steps.
    public var steps: Int { inputs.rows }

    /// The vector `name` at step `t`, or nil if the layer has no such vector.
    public func vector(_ name: String, at t: Int) -> [Float]? {
        guard let k = vectorNames.firstIndex(of: name), t >= 0, t < steps else { return nil }
        return series[k].row(t)
    }

    /// All steps of vector `name` as a T × units matrix.
    public func series(_ name: String) -> Matrix? {
        vectorNames.firstIndex(of: name).map { series[$0] }
    }

    /// The hidden-state sequence, T × units (what the layer passes on with return_sequences).
    public var hidden: Matrix { series("h")! }
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

    /// Runs `model` over `input` from zero state, keeping every step's vectors.
    public init(model: Model, input: Matrix) throws(ShapeError) {
        try model.checkWindow(input)
        var data = input
        var traces: [LayerTrace] = []
        var index = 0
        let lastRecurrent = model.lastRecurrentIndex
        while index <= lastRecurrent {
            switch model.layers[index] {
            case .lstm(let l):
                let trace = l.trace(data)
                traces.append(trace)
                data = l.returnSequences ? trace.hidden : Matrix(rowArrays: [trace.hidden.row(trace.steps - 1)])
            default:
                data = model.applyLayers(index..<index + 1, to: data)
            }
            index += 1
        }
        let out = model.applyHead(from: lastRecurrent + 1, to: data)
        self.input = input
        self.layers = traces
        self.output = out.values
        self.outputShape = model.outputShape(of: out)
    }

    /// The model's output had the window ended at step `t` (what the head gives for h at t).
    ///
    /// Recurrent layers are causal, so the last layer's h at `t` is exactly what a window of
    /// t + 1 rows would produce. Nil when a Flatten in the head needs the whole window.
    public func output(ifWindowEndedAt t: Int, model: Model) -> [Float]? {
        guard let last = layers.last, t >= 0, t < last.steps else { return nil }
        let head = model.layers[(model.lastRecurrentIndex + 1)...]
        if head.contains(where: { if case .flatten = $0 { true } else { false } }) { return nil }
        return model.applyHead(from: model.lastRecurrentIndex + 1, to: Matrix(rowArrays: [last.hidden.row(t)])).values
    }
}
