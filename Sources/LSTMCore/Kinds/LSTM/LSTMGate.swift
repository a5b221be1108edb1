/// One of the four LSTM gate blocks, in the order Keras lays them out along the 4·hu axis.
///
/// Column block `k` of W, U and b belongs to gate `k`: `[0,hu)` input gate i, `[hu,2hu)` forget
/// gate f, `[2hu,3hu)` candidate c̃, `[3hu,4hu)` output gate o.
public enum LSTMGate: Int, CaseIterable, Sendable {
    case input = 0, forget, candidate, output

    /// The vector the gate's block makes: `i`, `f`, `c_tilde`, `o`.
    public var vector: VectorName {
        switch self {
        case .input: .i
        case .forget: .f
        case .candidate: .cTilde
        case .output: .o
        }
    }

    /// The short name used in traces and JSON: `i`, `f`, `c_tilde`, `o`.
    public var traceName: String { vector.rawValue }

    /// The symbol shown to people: i, f, c̃, o.
    public var symbol: String { vector.symbol }

    /// What the gate does, in words.
    public var title: String {
        switch self {
        case .input: "input gate"
        case .forget: "forget gate"
        case .candidate: "candidate"
        case .output: "output gate"
        }
    }

    /// Columns of this gate's block for a layer with `units` hidden units.
    public func columns(units: Int) -> Range<Int> { rawValue * units..<(rawValue + 1) * units }

    /// The gate and unit that a column of the 4·hu axis belongs to.
    public static func locate(column: Int, units: Int) -> (gate: LSTMGate, unit: Int)? {
        guard units > 0, column >= 0, column < 4 * units,
            let gate = LSTMGate(rawValue: column / units)
        else { return nil }
        return (gate, column % units)
    }
}
