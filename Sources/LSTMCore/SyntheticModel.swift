/// Seeded random models of any size, for benchmarks and for trying the explorer on a big model
/// without a file.
public enum SyntheticModel {
    /// `LSTM(units) → Dense(1)` on `inputSize` features, weights uniform in ±1/√units from `seed`.
    ///
    /// ```swift
    /// let model = try SyntheticModel.make(inputSize: 64, units: 256, seed: 0)
    /// ```
    public static func make(inputSize: Int, units: Int, seed: UInt64 = 0) throws(ShapeError) -> Model {
        var random = SplitMix64(seed: seed)
        let scale = 1 / Float(units).squareRoot()
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in random.nextSigned() * scale } }
        let lstm = try LSTMLayer(
            name: "lstm",
            kernel: Matrix(rows: inputSize, columns: 4 * units, values: values(inputSize * 4 * units)),
            recurrentKernel: Matrix(rows: units, columns: 4 * units, values: values(units * 4 * units)),
            bias: values(4 * units))
        let dense = try DenseLayer(
            name: "dense", kernel: Matrix(rows: units, columns: 1, values: values(units)), bias: values(1))
        return try Model(
            name: "synthetic", layers: [.lstm(lstm), .dense(dense)], inputSize: inputSize,
            provenance: Provenance(path: "synthetic \(inputSize),\(units) seed \(seed)", format: .synthetic))
    }

    /// A seeded window of `steps` rows, uniform in ±1.
    public static func window(steps: Int, features: Int, seed: UInt64 = 1) -> Matrix {
        var random = SplitMix64(seed: seed)
        return Matrix(rows: steps, columns: features, values: (0..<steps * features).map { _ in random.nextSigned() })
    }
}

/// SplitMix64: tiny, fast and the same on every platform, so a seed means the same weights everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence `seed` decides.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    mutating func nextSigned() -> Float {
        Float(next() >> 40) / Float(1 << 23) - 1
    }
}
