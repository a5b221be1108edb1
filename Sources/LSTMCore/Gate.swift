/// One of the four LSTM gate blocks, in the order Keras lays them out along the 4·hu axis.
///
/// Column block `k` of W, U and b belongs to gate `k`: `[0,hu)` input gate i, `[hu,2hu)` forget
/// gate f, `[2hu,3hu)` candidate c̃, `[3hu,4hu)` output gate o.
public enum LSTMGate: Int, CaseIterable, Sendable {
    case input = 0, forget, candidate, output

    /// The short name used in traces and JSON: `i`, `f`, `c_tilde`, `o`.
    public var traceName: String {
        switch self {
        case .input: "i"
        case .forget: "f"
        case .candidate: "c_tilde"
        case .output: "o"
        }
    }

    /// The symbol shown to people: i, f, c̃, o.
    public var symbol: String {
        switch self {
        case .input: "i"
        case .forget: "f"
        case .candidate: "c\u{303}"
        case .output: "o"
        }
    }

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

/// One gate's block of columns along a recurrent layer's gate axis (4·hu for an LSTM, 3·hu for
/// a GRU): block `k` is columns `[k·hu, (k+1)·hu)`.
public struct GateBlock: Sendable, Equatable {
    /// The short name used in traces and JSON (`i`, `c_tilde`, `z`, `h_tilde`, …).
    public let traceName: String
    /// What the gate does, in words.
    public let title: String

    /// An LSTM's blocks in Keras's order: i, f, c̃, o.
    public static let lstm = LSTMGate.allCases.map { GateBlock(traceName: $0.traceName, title: $0.title) }
    /// A GRU's blocks in Keras's order: z, r, h̃.
    public static let gru = [
        GateBlock(traceName: "z", title: "update gate"), GateBlock(traceName: "r", title: "reset gate"),
        GateBlock(traceName: "h_tilde", title: "candidate"),
    ]

    /// The block and unit that a column of a gate axis of `blocks` blocks of `units` belongs to.
    public static func locate(column: Int, units: Int, blocks: [GateBlock]) -> (block: GateBlock, unit: Int)? {
        guard units > 0, column >= 0, column < blocks.count * units else { return nil }
        return (blocks[column / units], column % units)
    }
}
