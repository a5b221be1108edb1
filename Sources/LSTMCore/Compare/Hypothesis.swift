/// A bug a port may have, named as `compare` reports it: the model changed that one way.
public struct Hypothesis: Sendable, Equatable {
    /// The kinds of bug, by the names the JSON writes.
    public enum Name: String, Sendable, CaseIterable {
        case gateOrder = "gate_order"
        case hardSigmoidKeras2 = "hard_sigmoid_keras2"
        case hardSigmoidKeras3 = "hard_sigmoid_keras3"
        case recurrentActivation = "recurrent_activation"
        case activation
        case noBias = "no_bias"
        case noRecurrentBias = "no_recurrent_bias"
        case forgetBiasPlusOne = "forget_bias_plus_one"
        case stateResetEachStep = "state_reset_each_step"
        case timeReversed = "time_reversed"
        case kernelMemoryOrder = "kernel_memory_order"
        case gruResetBefore = "gru_reset_before"
        case gruResetAfter = "gru_reset_after"
        case weightsFloat16 = "weights_float16"
        case weightsBfloat16 = "weights_bfloat16"
        case cellClip = "cell_clip"
        case int8Hybrid = "int8_hybrid"
        case initialStateIgnored = "initial_state_ignored"
    }

    public let name: Name
    /// The layer it changes.
    public let layer: String
    /// For `gate_order`: the block order theirs read, in the kind's gate letters.
    public var order: [String]?
    /// For `activation` and `recurrent_activation`: the one theirs used.
    public var activation: String?
    /// For `kernel_memory_order`: `W`, `U` or `Wout`.
    public var matrix: String?
    /// The diagnosis in a sentence.
    public let text: String

    /// Creates a hypothesis.
    public init(
        _ name: Name, layer: String, text: String, order: [String]? = nil, activation: String? = nil,
        matrix: String? = nil
    ) {
        self.name = name
        self.layer = layer
        self.text = text
        self.order = order
        self.activation = activation
        self.matrix = matrix
    }
}

/// A recurrent layer as a buggy port would compute it, and the bug. The layer is made when it
/// is asked for: a diagnosis tries seventy of them, and most are rejected within a few steps.
public struct PortingVariant {
    public let hypothesis: Hypothesis
    private let make: () -> (any RecurrentLayer)?

    /// A variant made by `make` (nil when the change does not give a valid layer).
    public init(_ hypothesis: Hypothesis, make: @escaping () -> (any RecurrentLayer)?) {
        self.hypothesis = hypothesis
        self.make = make
    }

    /// The changed layer, made now.
    public var layer: (any RecurrentLayer)? { make() }
}

extension Matrix {
    /// The same values read in the other memory order: the (rows, columns) data taken as
    /// (columns, rows) row-major, as a port that indexes W[j][k] for W[k][j] reads it.
    public var readInTheOtherOrder: Matrix {
        let other = Matrix(rows: columns, columns: rows, values: values)
        var out = [Float](repeating: 0, count: count)
        for r in 0..<other.rows {
            for c in 0..<other.columns { out[c * other.rows + r] = other.values[r * other.columns + c] }
        }
        return Matrix(rows: rows, columns: columns, values: out)
    }

    /// Column blocks of `width` rearranged: block k of the result is block `order[k]` of this.
    public func blocks(width: Int, order: [Int]) -> Matrix {
        var out = [Float](repeating: 0, count: count)
        for r in 0..<rows {
            for (k, source) in order.enumerated() {
                for j in 0..<width { out[r * columns + k * width + j] = values[r * columns + source * width + j] }
            }
        }
        return Matrix(rows: rows, columns: columns, values: out)
    }

    /// Every value rounded through `round` (float16, bfloat16).
    public func rounded(_ round: (Float) -> Float) -> Matrix {
        Matrix(rows: rows, columns: columns, values: values.map(round))
    }
}

/// Rounding to narrower floats, as weights stored in them are.
public enum NarrowFloat {
    /// To the nearest float16.
    public static func float16(_ x: Float) -> Float { Float(Float16(x)) }

    /// To the nearest bfloat16 (the top 16 bits of a float32, rounded to even).
    public static func bfloat16(_ x: Float) -> Float {
        guard x.isFinite else { return x }
        let bits = x.bitPattern
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return Float(bitPattern: rounded & 0xFFFF_0000)
    }
}

/// Every permutation of `0..<n`, the identity first.
func permutations(_ n: Int) -> [[Int]] {
    guard n > 0 else { return [[]] }
    return permutations(n - 1).flatMap { p in (0...p.count).map { i in Array(p[..<i]) + [n - 1] + Array(p[i...]) } }
        .sorted { $0.lexicographicallyPrecedes($1) }
}
