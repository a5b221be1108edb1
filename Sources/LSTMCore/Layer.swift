/// One layer of a model that lstmscope can replay.
///
/// Recurrent kinds (LSTM, GRU, SimpleRNN, …) are ``RecurrentLayer`` values; they carry their
/// own named step vectors in a ``LayerTrace``. The rest transform the data between them.
public enum Layer: Sendable {
    /// A recurrent layer of any kind.
    case recurrent(any RecurrentLayer)
    /// A Keras Bidirectional wrapper around one of the recurrent kinds.
    indirect case bidirectional(BidirectionalLayer)
    /// A Keras Dense layer, applied to the last axis (per timestep on a sequence).
    case dense(DenseLayer)
    /// A Keras `Activation` layer.
    case activation(name: String, Activation)
    /// A Keras `Flatten` layer: a (T, F) sequence becomes one vector of T·F values.
    case flatten(name: String)
    /// A Keras `Masking` layer: rows equal to `value` everywhere are skipped by the recurrent
    /// layers after it (and reach them as zeros).
    case masking(name: String, value: Float)
    /// A layer that does nothing at inference time (Dropout, GaussianNoise, …); `className` is Keras's.
    case identity(name: String, className: String)

    /// A Keras LSTM layer.
    public static func lstm(_ layer: LSTMLayer) -> Layer { .recurrent(layer) }
    /// A Keras GRU layer.
    public static func gru(_ layer: GRULayer) -> Layer { .recurrent(layer) }
    /// A Keras SimpleRNN layer.
    public static func simpleRNN(_ layer: SimpleRNNLayer) -> Layer { .recurrent(layer) }

    /// The layer's name in the model.
    public var name: String {
        switch self {
        case .recurrent(let r): r.name
        case .bidirectional(let b): b.name
        case .dense(let d): d.name
        case .activation(let name, _), .flatten(let name), .identity(let name, _), .masking(let name, _): name
        }
    }

    /// The Keras class name (`LSTM`, `Dense`, …).
    public var className: String {
        switch self {
        case .recurrent(let r): r.kind.rawValue
        case .bidirectional: "Bidirectional"
        case .dense: "Dense"
        case .activation: "Activation"
        case .flatten: "Flatten"
        case .masking: "Masking"
        case .identity(_, let className): className
        }
    }

    /// The recurrent layer itself, for `.recurrent`; nil for the rest (a Bidirectional too).
    public var recurrentLayer: (any RecurrentLayer)? {
        if case .recurrent(let r) = self { r } else { nil }
    }

    /// Whether this is a recurrent layer with a step-by-step trace (a Bidirectional included).
    public var isRecurrent: Bool { !tracedLayers.isEmpty }

    /// The recurrent layers whose steps are traced, in trace order: the layer itself, or a
    /// Bidirectional's forward and backward layers.
    public var tracedLayers: [any RecurrentLayer] {
        switch self {
        case .recurrent(let r): [r]
        case .bidirectional(let b): [b.forward, b.backward]
        default: []
        }
    }

    /// For a recurrent layer (or a Bidirectional): the width of what it passes on per step.
    public var outputWidth: Int? {
        switch self {
        case .recurrent(let r): r.units
        case .bidirectional(let b): b.outputSize
        default: nil
        }
    }

    /// For a recurrent layer (or a Bidirectional): the input size its W reads.
    public var recurrentInputSize: Int? { tracedLayers.first?.inputSize }

    /// Whether a recurrent layer (or a Bidirectional) passes on every step, not only the last.
    public var returnsSequences: Bool { tracedLayers.first?.returnSequences ?? false }

    /// Whether a recurrent layer reads its window last row first (Keras `go_backwards`); a
    /// Bidirectional as a whole does not.
    public var readsBackwards: Bool { recurrentLayer?.goBackwards ?? false }

    /// Whether the layer passes a mask on unchanged (it works row by row).
    var keepsMask: Bool {
        switch self {
        case .dense, .activation, .identity, .masking: true
        default: false
        }
    }

    /// Gate blocks side by side in a recurrent layer's W and U: 4 for LSTM (i, f, c̃, o), 3 for
    /// GRU (z, r, h̃), 1 for SimpleRNN; 0 for the rest (a Bidirectional counts its halves).
    public var gateBlocks: Int {
        guard let r = recurrentLayer else { return 0 }
        return r.gateLayout?.count ?? 1
    }

    /// Trainable parameter count, as Keras's `count_params()` counts it.
    public var parameterCount: Int {
        switch self {
        case .recurrent(let r): r.parameterCount
        case .bidirectional(let b): b.parameterCount
        case .dense(let d): d.parameterCount
        default: 0
        }
    }

    /// A short label for chains: `LSTM(5)`, `Dense(1, softmax)`.
    public var label: String {
        switch self {
        case .recurrent(let r): r.label
        case .bidirectional(let b): "Bidirectional(\(b.forward.label), \(b.merge.rawValue))"
        case .dense(let d):
            d.activation == .linear ? "Dense(\(d.units))" : "Dense(\(d.units), \(d.activation.kerasName))"
        case .activation(_, let a): "Activation(\(a.kerasName))"
        case .flatten: "Flatten"
        case .masking(_, let value): "Masking(\(value))"
        case .identity(_, let className): className
        }
    }
}

extension Layer: Equatable {
    /// Layers are equal when they are the same kind with the same weights and settings.
    public static func == (a: Layer, b: Layer) -> Bool {
        switch (a, b) {
        case (.recurrent(let x), .recurrent(let y)): x.isEqual(to: y)
        case (.bidirectional(let x), .bidirectional(let y)): x == y
        case (.dense(let x), .dense(let y)): x == y
        case (.activation(let n, let x), .activation(let m, let y)): n == m && x == y
        case (.flatten(let n), .flatten(let m)): n == m
        case (.masking(let n, let x), .masking(let m, let y)): n == m && x == y
        case (.identity(let n, let x), .identity(let m, let y)): n == m && x == y
        default: false
        }
    }
}
