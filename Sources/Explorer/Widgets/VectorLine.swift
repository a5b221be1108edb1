/// A vector as the explorer writes it inline: `[+0.1234 -0.5 …]`, its first `limit` values
/// and an ellipsis when there are more.
struct VectorLine {
    let values: [Float]
    let limit: Int

    func text(_ glyphs: Glyphs) -> String {
        "[" + values.prefix(limit).map { signed($0).trimmingSpaces() }.joined(separator: " ")
            + (values.count > limit ? " \(glyphs.ellipsis)" : "") + "]"
    }
}
