/// One layer of a model that lstmscope can replay.
///
/// Recurrent kinds (LSTM, GRU, SimpleRNN) carry their own named step vectors in a ``LayerTrace``;
/// the rest transform the data between them.
public enum Layer: Sendable, Equatable {
    /// A Keras LSTM layer.
    case lstm(LSTMLayer)
    /// A Keras GRU layer.
    case gru(GRULayer)
    /// A Keras SimpleRNN layer.
    case simpleRNN(SimpleRNNLayer)
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

    /// The layer's name in the model.
    public var name: String {
        switch self {
        case .lstm(let l): l.name
        case .gru(let g): g.name
        case .simpleRNN(let r): r.name
        case .bidirectional(let b): b.name
        case .dense(let d): d.name
        case .activation(let name, _), .flatten(let name), .identity(let name, _), .masking(let name, _): name
        }
    }

    /// The Keras class name (`LSTM`, `Dense`, …).
    public var className: String {
        switch self {
        case .lstm: "LSTM"
        case .gru: "GRU"
        case .simpleRNN: "SimpleRNN"
        case .bidirectional: "Bidirectional"
        case .dense: "Dense"
        case .activation: "Activation"
        case .flatten: "Flatten"
        case .masking: "Masking"
        case .identity(_, let className): className
        }
    }

    /// Whether this is a recurrent layer with a step-by-step trace.
    public var isRecurrent: Bool {
        switch self {
        case .lstm, .gru, .simpleRNN, .bidirectional: true
        default: false
        }
    }

    /// The recurrent layers whose steps are traced, in trace order: the layer itself, or a
    /// Bidirectional's forward and backward layers.
    public var tracedLayers: [Layer] {
        switch self {
        case .bidirectional(let b): [b.forward, b.backward]
        case .lstm, .gru, .simpleRNN: [self]
        default: []
        }
    }

    /// Runs a recurrent layer (or a Bidirectional pair) over `input`: its traces and what it
    /// passes on (the h sequence, or the last h; merged for a Bidirectional). Nil for other layers.
    public func run(_ input: Matrix, threads: Int = 1, mask: [Bool]? = nil) -> (traces: [LayerTrace], output: Matrix)? {
        if let mask, isRecurrent { return runMasked(input, mask: mask) }
        if case .bidirectional(let b) = self { return b.run(input, threads: threads) }
        guard let trace = trace(input, threads: threads), let info = recurrentInfo else { return nil }
        return ([trace], info.returnSequences ? trace.hidden : Matrix(rowArrays: [trace.hidden.row(trace.steps - 1)]))
    }

    /// For a recurrent layer: name, kind, units, the vectors a step keeps, whether it returns
    /// sequences, and its input size.
    public var recurrentInfo:
        (name: String, kind: LayerKind, units: Int, vectorNames: [String], returnSequences: Bool, inputSize: Int)?
    {
        switch self {
        case .lstm(let l): (l.name, .lstm, l.units, LSTMLayer.vectorNames, l.returnSequences, l.inputSize)
        case .gru(let g): (g.name, .gru, g.units, GRULayer.vectorNames, g.returnSequences, g.inputSize)
        case .simpleRNN(let r):
            (r.name, .simpleRNN, r.units, SimpleRNNLayer.vectorNames, r.returnSequences, r.inputSize)
        case .bidirectional(let b): (b.name, .bidirectional, b.outputSize, [], b.returnSequences, b.inputSize)
        default: nil
        }
    }

    /// Gate blocks side by side in a recurrent layer's W and U: 4 for LSTM (i, f, c̃, o), 3 for
    /// GRU (z, r, h̃), 1 for SimpleRNN; 0 for the rest (a Bidirectional counts its halves).
    public var gateBlocks: Int {
        switch self {
        case .lstm, .gru: gateLayout!.count
        case .simpleRNN: 1
        default: 0
        }
    }

    /// The named gate blocks of an LSTM (i f c̃ o) or GRU (z r h̃) along its gate axis; nil
    /// for other layers.
    public var gateLayout: [GateBlock]? {
        switch self {
        case .lstm: GateBlock.lstm
        case .gru: GateBlock.gru
        default: nil
        }
    }

    /// Runs a recurrent layer over `input` and keeps every step's vectors (nil for other layers).
    public func trace(_ input: Matrix, threads: Int = 1) -> LayerTrace? {
        switch self {
        case .lstm(let l): l.trace(input, threads: threads)
        case .gru(let g): g.trace(input)
        case .simpleRNN(let r): r.trace(input)
        default: nil
        }
    }

    /// Trainable parameter count, as Keras's `count_params()` counts it.
    public var parameterCount: Int {
        switch self {
        case .lstm(let l): l.parameterCount
        case .gru(let g): g.parameterCount
        case .simpleRNN(let r): r.parameterCount
        case .bidirectional(let b): b.parameterCount
        case .dense(let d): d.parameterCount
        default: 0
        }
    }

    /// A short label for chains: `LSTM(5)`, `Dense(1, softmax)`.
    public var label: String {
        switch self {
        case .lstm(let l): "LSTM(\(l.units)\(l.returnSequences ? ", seq" : ""))"
        case .gru(let g): "GRU(\(g.units)\(g.returnSequences ? ", seq" : ""))"
        case .simpleRNN(let r): "SimpleRNN(\(r.units)\(r.returnSequences ? ", seq" : ""))"
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
