/// One gate's block of columns along a recurrent layer's gate axis (4·hu for an LSTM, 3·hu for
/// a GRU): block `k` is columns `[k·hu, (k+1)·hu)`.
public struct GateBlock: Sendable, Equatable {
    /// The vector the block's columns make (`i`, `c_tilde`, `z`, `h_tilde`, …).
    public let vector: VectorName
    /// What the gate does, in words.
    public let title: String

    /// Creates a block named by the vector it makes.
    public init(_ vector: VectorName, _ title: String) {
        self.vector = vector
        self.title = title
    }

    /// The short name used in traces and JSON (`i`, `c_tilde`, `z`, `h_tilde`, …).
    public var traceName: String { vector.rawValue }

    /// The block and unit that a column of a gate axis of `blocks` blocks of `units` belongs to.
    public static func locate(column: Int, units: Int, blocks: [GateBlock]) -> (block: GateBlock, unit: Int)? {
        guard units > 0, column >= 0, column < blocks.count * units else { return nil }
        return (blocks[column / units], column % units)
    }

    /// `[ i 0–4 | f 5–9 | c̃ 10–14 | o 15–19 ]` for `units` = 5.
    public static func layoutText(_ blocks: [GateBlock], units: Int) -> String {
        "[ "
            + blocks.enumerated().map { k, block in "\(block.vector.symbol) \(k * units)–\((k + 1) * units - 1)" }
            .joined(separator: " | ") + " ]"
    }
}
