/// TFLite keeps weights as (out, in) row-major, one matrix per gate; lstmscope as Keras does,
/// (in, out) with the gates side by side. These rearrange values of any element type (float
/// weights and the int8 ones of a hybrid layer alike).
enum TFLiteLayout {
    /// A (rows, columns) row-major matrix's values as its (columns, rows) transpose.
    static func transposed<T>(_ values: [T], rows: Int, columns: Int) -> [T] {
        guard let first = values.first else { return [] }
        var out = [T](repeating: first, count: values.count)
        for r in 0..<rows {
            for c in 0..<columns { out[c * rows + r] = values[r * columns + c] }
        }
        return out
    }

    /// Blocks of (rows, width) values each, side by side: one (rows, width · blocks) matrix.
    static func sideBySide<T>(_ blocks: [[T]], rows: Int, width: Int) -> [T] {
        guard let first = blocks.first?.first else { return [] }
        let total = width * blocks.count
        var out = [T](repeating: first, count: rows * total)
        for (g, block) in blocks.enumerated() {
            for r in 0..<rows {
                for j in 0..<width { out[r * total + g * width + j] = block[r * width + j] }
            }
        }
        return out
    }
}
