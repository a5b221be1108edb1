/// A model lstmscope can replay: recurrent layers, then Dense (and shape-only) layers.
///
/// The data between layers is a ``Matrix`` of T rows (a sequence) or one row (a vector).
/// ```swift
/// let model = try Model(layers: [.lstm(lstm), .dense(dense)], inputSize: 3, lookBack: 4)
/// let y = model.predict(window)   // equals Keras model.predict(window[None])[0], flattened
/// ```
public struct Model: Sendable, Equatable {
    /// The layers in order.
    public let layers: [Layer]
    /// xu: size of one input row.
    public let inputSize: Int
    /// The window length from the model's input shape, when it has a fixed one.
    public let lookBack: Int?
    /// The model's name from its config (`sequential`, …).
    public var name: String
    /// Where the model came from.
    public var provenance: Provenance

    /// Creates a model after checking that each layer's input size matches what the previous produces.
    public init(
        name: String = "model", layers: [Layer], inputSize: Int, lookBack: Int? = nil,
        provenance: Provenance = Provenance(path: "", format: .memory)
    ) throws(ShapeError) {
        guard layers.contains(where: \.isRecurrent) else {
            throw ShapeError("the model has no recurrent layer (LSTM, GRU, SimpleRNN) to replay")
        }
        // Walk the shapes: (isSequence, features), with T unknown so Flatten needs lookBack.
        var sequence = true
        var features = inputSize
        var steps = lookBack
        for (position, layer) in layers.enumerated() {
            if case .bidirectional(let b) = layer, b.merge == .none,
                layers[(position + 1)...].contains(where: { $0.parameterCount > 0 })
            {
                throw ShapeError(
                    "layer \"\(b.name)\": Bidirectional with merge_mode=None gives two outputs, "
                        + "so no layer with weights can follow it"
                )
            }
            switch layer {
            case .recurrent, .bidirectional:
                let width = layer.outputWidth!, inputSize = layer.recurrentInputSize!
                let kind = layer.recurrentLayer?.kind ?? .bidirectional
                guard sequence else {
                    throw ShapeError(
                        "layer \"\(layer.name)\" (\(kind)) needs a sequence, "
                            + "but the layer before it returns a single vector (set return_sequences=True on it)"
                    )
                }
                guard inputSize == features else {
                    throw ShapeError(
                        "layer \"\(layer.name)\": kernel W has \(inputSize) rows but its input has "
                            + "\(features) features (W must have xu = \(features) rows)"
                    )
                }
                features = width
                sequence = layer.returnsSequences
            case .dense(let d):
                guard d.inputSize == features else {
                    throw ShapeError(
                        "layer \"\(d.name)\": Dense kernel has \(d.inputSize) rows but the layer before it gives "
                            + "\(features) values (the kernel must be (\(features), units))"
                    )
                }
                features = d.units
            case .flatten(let name):
                if sequence {
                    guard let t = steps else {
                        throw ShapeError(
                            "layer \"\(name)\" (Flatten) needs a fixed window length, "
                                + "and the model's input shape has none"
                        )
                    }
                    features *= t
                    sequence = false
                    steps = 1
                }
            case .activation, .identity, .masking:
                break
            }
        }
        self.name = name
        self.layers = layers
        self.inputSize = inputSize
        self.lookBack = lookBack
        self.provenance = provenance
    }

    /// Per row of `data`: whether any value differs from `value` (Keras's Masking rule).
    static func mask(of data: Matrix, value: Float) -> [Bool] {
        (0..<data.rows).map { t in data.row(t).contains { $0 != value } }
    }

    /// The recurrent layers as they run, in trace order: each one, and a Bidirectional's
    /// forward and backward layers in its place.
    public var tracedLayers: [any RecurrentLayer] { layers.flatMap(\.tracedLayers) }

    /// Whether a Flatten follows the last recurrent layer: the head then needs the whole window.
    var headFlattens: Bool {
        layers[(lastRecurrentIndex + 1)...].contains { if case .flatten = $0 { true } else { false } }
    }

    /// Whether a Masking layer makes recurrent layers skip rows.
    public var masks: Bool { layers.contains { if case .masking = $0 { true } else { false } } }

    /// Trainable parameters, as Keras's `model.count_params()` counts them.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Parameters as the file's framework counts them (PyTorch: both LSTM biases).
    public var fileParameterCount: Int { parameterCount + provenance.foldedParameterCount }

    /// `LSTM(5) → Dense(1)`.
    public var chainDescription: String { layers.map(\.label).joined(separator: " → ") }

    /// Runs the model on one window (T × xu) from its start state (zeros, as Keras):
    /// Keras's `model.predict(window[None])[0]`, flattened.
    ///
    /// Keeps only what each layer passes on (no gate vectors), so it is the fastest way to an output.
    public func predict(_ window: Matrix, threads: Int = 1) throws(ShapeError) -> [Float] {
        try checkWindow(window)
        var states = ForwardWalk.startStates(self)
        let passed = ForwardWalk(model: self, keeping: .nothing, threads: threads).walk(
            .window(window), states: &states
        ) { _, _ in }
        return applyHead(from: lastRecurrentIndex + 1, to: merged(passed)).values
    }

    /// What the last recurrent layer passes on, from what the walk returned: the one output,
    /// or a Bidirectional's two halves merged.
    func merged(_ passed: [Matrix]) -> Matrix {
        guard passed.count == 2, case .bidirectional(let b) = layers[lastRecurrentIndex] else { return passed[0] }
        return b.mergedOutput(forward: passed[0], backward: passed[1])
    }

    /// Throws unless `window` is a non-empty T × xu matrix this model can run.
    func checkWindow(_ window: Matrix) throws(ShapeError) {
        guard window.columns == inputSize else {
            throw ShapeError(
                "the input has \(window.columns) columns but the model expects \(inputSize) features per step")
        }
        guard window.rows > 0 else { throw ShapeError("the input window has no rows") }
        if let t = lookBack, t != window.rows, layers.contains(where: { if case .flatten = $0 { true } else { false } })
        {
            throw ShapeError("the input has \(window.rows) steps but the model's Flatten layer needs exactly \(t)")
        }
    }

    /// The output's shape without the batch axis: `[yu]`, or `[T, yu]` for per-step heads.
    func outputShape(of out: Matrix) -> [Int] {
        let sequences = layers.last(where: \.isRecurrent)?.returnsSequences ?? false
        return out.rows == 1 && !sequences ? [out.columns] : [out.rows, out.columns]
    }

    /// Index of the last recurrent layer.
    var lastRecurrentIndex: Int { layers.lastIndex(where: \.isRecurrent)! }

    /// Applies the non-recurrent layers from `start` on to `data` (T rows, or 1 for a vector).
    func applyHead(from start: Int, to data: Matrix) -> Matrix {
        applyLayers(start..<layers.count, to: data)
    }

    /// Applies row-wise layer `index` to `data` and says what mask the layers after it see:
    /// a Masking layer makes one, layers that work row by row pass it on, others drop it.
    func applyRowWiseLayer(_ index: Int, to data: Matrix, mask: [Bool]?) -> (data: Matrix, mask: [Bool]?) {
        var mask = mask
        if case .masking(_, let value) = layers[index] { mask = Model.mask(of: data, value: value) }
        if !layers[index].keepsMask { mask = nil }
        return (applyLayers(index..<index + 1, to: data), mask)
    }

    /// Applies the non-recurrent layers in `range` to `data`.
    func applyLayers(_ range: Range<Int>, to data: Matrix) -> Matrix {
        var data = data
        for layer in layers[range] {
            switch layer {
            case .recurrent, .bidirectional:
                preconditionFailure("applyHead reached a recurrent layer")
            case .dense(let d):
                data = Matrix(rowArrays: data.rowArrays.map(d.apply))
            case .activation(_, let a):
                data = Matrix(rowArrays: data.rowArrays.map(a.apply))
            case .flatten:
                data = Matrix(rows: 1, columns: data.count, values: data.values)
            case .masking(_, let value):
                // Keras multiplies the input by the mask: skipped rows arrive as zeros.
                let mask = Model.mask(of: data, value: value)
                var values = data.values
                for (t, keep) in mask.enumerated() where !keep {
                    for k in 0..<data.columns { values[t * data.columns + k] = 0 }
                }
                data = Matrix(rows: data.rows, columns: data.columns, values: values)
            case .identity:
                break
            }
        }
        return data
    }
}
