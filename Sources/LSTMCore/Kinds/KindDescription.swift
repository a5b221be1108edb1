/// A weight array as a kind names it: the tutorial's name, Keras's, the values and the axes.
public struct WeightArray: Sendable {
    /// The tutorial's name before numbering: `W`, `U`, `b`.
    public let seedName: String
    /// Keras's variable name: `kernel`, `recurrent_kernel`, `bias`.
    public let kerasName: String
    /// The values as a matrix (a bias is one row).
    public let matrix: Matrix
    /// What each axis means: `xu`, `hu`, `4·hu`.
    public let axes: [String]
    /// The shape as Keras has it, when it is not the matrix's (a bias is `(n,)`).
    public let shape: [Int]?
    /// Whether the last axis is split into the kind's gate blocks.
    public let gated: Bool

    /// Creates an array description.
    public init(
        _ seedName: String, _ kerasName: String, _ matrix: Matrix, axes: [String], shape: [Int]? = nil, gated: Bool
    ) {
        self.seedName = seedName
        self.kerasName = kerasName
        self.matrix = matrix
        self.axes = axes
        self.shape = shape
        self.gated = gated
    }

    /// A bias vector as one row, shaped `(n,)`.
    public static func vector(_ seedName: String, _ kerasName: String, _ values: [Float], axis: String, gated: Bool)
        -> WeightArray
    {
        WeightArray(
            seedName, kerasName, Matrix(rows: 1, columns: values.count, values: values), axes: [axis],
            shape: [values.count], gated: gated)
    }
}

/// One setting of a layer, as `inspect --format json` writes it.
public struct LayerSetting: Sendable, Equatable {
    /// A setting's value.
    public enum Value: Sendable, Equatable {
        case string(String)
        case bool(Bool)
        case null
    }

    /// The JSON key: `activation`, `reset_after`, ….
    public let key: String
    /// Its value.
    public let value: Value

    /// Creates a setting.
    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }
}
