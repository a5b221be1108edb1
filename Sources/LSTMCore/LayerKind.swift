/// The kinds of recurrent layer lstmscope replays, and the Bidirectional wrapper around them.
///
/// The raw value is the Keras class name, which traces and reports write (`"type": "GRU"`), and
/// `description` is the same, so a kind reads as its name in any message.
public enum LayerKind: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case lstm = "LSTM"
    case gru = "GRU"
    case simpleRNN = "SimpleRNN"
    case bidirectional = "Bidirectional"

    public var description: String { rawValue }
}
