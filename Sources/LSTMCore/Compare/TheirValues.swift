/// What a second implementation of the model ("theirs": a port, a converted model) computed on
/// the window, as much of it as it gave: any layers, steps, vectors and units, and the output.
public struct TheirValues: Sendable {
    /// A vector at one step of one traced layer (its index in ``Model/traced``); `t` is the
    /// window's row, as `trace` writes it (backward halves included).
    public struct Key: Hashable, Sendable {
        public let layer: Int
        public let t: Int
        public let vector: VectorName

        /// Creates a key.
        public init(layer: Int, t: Int, vector: VectorName) {
            self.layer = layer
            self.t = t
            self.vector = vector
        }
    }

    /// Per key, the value of each unit theirs gave (nil where it gave none).
    public var vectors: [Key: [Float?]] { vectorsStorage }
    var vectorsStorage: [Key: [Float?]] = [:]
    /// The model's output, when theirs gave it (flattened).
    public var output: [Float]?

    /// Nothing yet.
    public init() {}

    /// Whether theirs gave any step values (not only the output).
    public var hasSteps: Bool { !vectors.isEmpty }

    /// Sets unit `unit` (of `units`) of `key`; false when theirs gave that value already.
    public mutating func set(_ key: Key, unit: Int, of units: Int, to value: Float) -> Bool {
        var values = vectorsStorage[key] ?? [Float?](repeating: nil, count: units)
        guard values[unit] == nil else { return false }
        values[unit] = value
        vectorsStorage[key] = values
        return true
    }

    /// Sets the whole vector `key`; false when theirs gave it already.
    public mutating func set(_ key: Key, to values: [Float]) -> Bool {
        guard vectorsStorage[key] == nil else { return false }
        vectorsStorage[key] = values
        return true
    }
}
