/// The name of a vector a recurrent step computes: the gates, candidates and states of every kind.
///
/// The raw value is the name traces write (`"c_tilde"` in JSON and CSV); ``symbol`` is what
/// people read (c̃).
public enum VectorName: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// LSTM input gate.
    case i
    /// LSTM forget gate.
    case f
    /// LSTM candidate cell state c̃.
    case cTilde = "c_tilde"
    /// LSTM output gate.
    case o
    /// LSTM cell state.
    case c
    /// Hidden state: what every kind passes on.
    case h
    /// GRU update gate.
    case z
    /// GRU reset gate.
    case r
    /// GRU candidate h̃.
    case hTilde = "h_tilde"

    public var description: String { rawValue }

    /// The symbol with a combining tilde where it has one: c̃, h̃.
    public var symbol: String {
        switch self {
        case .cTilde: "c\u{303}"
        case .hTilde: "h\u{303}"
        default: rawValue
        }
    }

    /// Whether the vector is a candidate (c̃, h̃): a tanh whose sign matters as much as its size.
    public var isCandidate: Bool { self == .cTilde || self == .hTilde }

    /// Whether the vector is carried from step to step (c and h): what a skipped (masked) step keeps.
    public var isState: Bool { self == .c || self == .h }
}
