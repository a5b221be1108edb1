/// One layer of a model that lstmscope can replay.
///
/// Recurrent kinds (today only LSTM) carry their own named step vectors in a ``LayerTrace``;
/// the rest transform the data between them.
public enum Layer: Sendable, Equatable {
    /// A Keras LSTM layer.
    case lstm(LSTMLayer)
    /// A Keras Dense layer, applied to the last axis (per timestep on a sequence).
    case dense(DenseLayer)
    /// A Keras `Activation` layer.
    case activation(name: String, Activation)
    /// A Keras `Flatten` layer: a (T, F) sequence becomes one vector of T·F values.
    case flatten(name: String)
    /// A layer that does nothing at inference time (Dropout, GaussianNoise, …); `className` is Keras's.
    case identity(name: String, className: String)

    /// The layer's name in the model.
    public var name: String {
        switch self {
        case .lstm(let l): l.name
        case .dense(let d): d.name
        case .activation(let name, _), .flatten(let name), .identity(let name, _): name
        }
    }

    /// The Keras class name (`LSTM`, `Dense`, …).
    public var className: String {
        switch self {
        case .lstm: "LSTM"
        case .dense: "Dense"
        case .activation: "Activation"
        case .flatten: "Flatten"
        case .identity(_, let className): className
        }
    }

    /// Whether this is a recurrent layer with a step-by-step trace.
    public var isRecurrent: Bool {
        if case .lstm = self { return true }
        return false
    }

    /// Trainable parameter count, as Keras's `count_params()` counts it.
    public var parameterCount: Int {
        switch self {
        case .lstm(let l): l.parameterCount
        case .dense(let d): d.parameterCount
        default: 0
        }
    }

    /// A short label for chains: `LSTM(5)`, `Dense(1, softmax)`.
    public var label: String {
        switch self {
        case .lstm(let l): "LSTM(\(l.units)\(l.returnSequences ? ", seq" : ""))"
        case .dense(let d): d.activation == .linear ? "Dense(\(d.units))" : "Dense(\(d.units), \(d.activation.kerasName))"
        case .activation(_, let a): "Activation(\(a.kerasName))"
        case .flatten: "Flatten"
        case .identity(_, let className): className
        }
    }
}
