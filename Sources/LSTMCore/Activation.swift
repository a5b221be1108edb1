import Foundation

/// An element-wise (or, for softmax, row-wise) activation function, with Keras's exact definitions.
///
/// Keras changed `hard_sigmoid` between versions, so it is two cases here:
/// `.hardSigmoid(.keras3)` is clip(x/6 + 0.5, 0, 1) and `.hardSigmoid(.keras2)` is
/// clip(0.2·x + 0.5, 0, 1). ``Activation/init(kerasName:kerasMajorVersion:)`` picks the one that
/// the Keras version which saved a file used.
public enum Activation: Sendable, Equatable, Hashable {
    /// Which Keras generation's definition a version-dependent activation follows.
    public enum Generation: Sendable, Equatable, Hashable {
        /// Keras 2 and tf.keras (TensorFlow ≤ 2.15).
        case keras2
        /// Keras 3.
        case keras3
    }

    case linear, tanh, sigmoid, relu, relu6, elu, selu, softplus, softsign, silu, gelu
    case exponential, mish, leakyRelu, hardTanh, tanhShrink, logSigmoid, softmax, logSoftmax
    case hardSigmoid(Generation)
    case hardSilu

    /// Maps a Keras activation name to an activation, or nil when we do not know it.
    ///
    /// ```swift
    /// Activation(kerasName: "hard_sigmoid", kerasMajorVersion: 2)  // .hardSigmoid(.keras2)
    /// ```
    public init?(kerasName: String, kerasMajorVersion: Int = 3) {
        let generation: Generation = kerasMajorVersion <= 2 ? .keras2 : .keras3
        switch kerasName.lowercased() {
        case "linear", "none", "": self = .linear
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "hard_sigmoid": self = .hardSigmoid(generation)
        case "relu": self = .relu
        case "relu6": self = .relu6
        case "elu": self = .elu
        case "selu": self = .selu
        case "softplus": self = .softplus
        case "softsign": self = .softsign
        case "silu", "swish": self = .silu
        case "gelu": self = .gelu
        case "exponential": self = .exponential
        case "mish": self = .mish
        case "leaky_relu": self = .leakyRelu
        case "hard_tanh": self = .hardTanh
        case "tanh_shrink": self = .tanhShrink
        case "log_sigmoid": self = .logSigmoid
        case "hard_silu", "hard_swish": self = .hardSilu
        case "softmax": self = .softmax
        case "log_softmax": self = .logSoftmax
        default: return nil
        }
    }

    /// The name Keras uses, for display and JSON.
    public var kerasName: String {
        switch self {
        case .linear: "linear"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        case .hardSigmoid: "hard_sigmoid"
        case .relu: "relu"
        case .relu6: "relu6"
        case .elu: "elu"
        case .selu: "selu"
        case .softplus: "softplus"
        case .softsign: "softsign"
        case .silu: "silu"
        case .gelu: "gelu"
        case .exponential: "exponential"
        case .mish: "mish"
        case .leakyRelu: "leaky_relu"
        case .hardTanh: "hard_tanh"
        case .tanhShrink: "tanh_shrink"
        case .logSigmoid: "log_sigmoid"
        case .hardSilu: "hard_silu"
        case .softmax: "softmax"
        case .logSoftmax: "log_softmax"
        }
    }

    /// A short formula, shown in the explorer so the user sees which definition is in use.
    public var formula: String {
        switch self {
        case .hardSigmoid(.keras3): "clip(x/6 + 0.5, 0, 1)  (Keras 3)"
        case .hardSigmoid(.keras2): "clip(0.2x + 0.5, 0, 1)  (Keras 2)"
        case .sigmoid: "1 / (1 + e^-x)"
        case .tanh: "tanh(x)"
        case .linear: "x"
        case .relu: "max(x, 0)"
        default: kerasName
        }
    }

    /// True when the function works on a whole vector rather than element by element.
    public var isRowWise: Bool { self == .softmax || self == .logSoftmax }

    /// Applies an element-wise activation to one value. Row-wise activations use ``apply(_:)``.
    @inline(__always)
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .linear: return x
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .hardSigmoid(.keras3): return min(max(x / 6 + 0.5, 0), 1)
        case .hardSigmoid(.keras2): return min(max(0.2 * x + 0.5, 0), 1)
        case .relu: return max(x, 0)
        case .relu6: return min(max(x, 0), 6)
        case .elu: return x > 0 ? x : Foundation.expm1(x)
        case .selu:
            let alpha: Float = 1.6732632423543772848170429916717
            let scale: Float = 1.0507009873554804934193349852946
            return scale * (x > 0 ? x : alpha * Foundation.expm1(x))
        case .softplus: return Activation.softplusValue(x)
        case .softsign: return x / (1 + abs(x))
        case .silu: return x / (1 + Foundation.exp(-x))
        case .gelu: return 0.5 * x * (1 + Foundation.erf(x / Float(2).squareRoot()))
        case .exponential: return Foundation.exp(x)
        case .mish: return x * Foundation.tanh(Activation.softplusValue(x))
        case .leakyRelu: return x >= 0 ? x : 0.2 * x
        case .hardTanh: return min(max(x, -1), 1)
        case .tanhShrink: return x - Foundation.tanh(x)
        case .logSigmoid: return -Activation.softplusValue(-x)
        case .hardSilu: return x * min(max(x + 3, 0), 6) / 6
        case .softmax, .logSoftmax: return x
        }
    }

    /// Applies the activation to a whole vector (softmax and log-softmax over all of it).
    public func apply(_ v: [Float]) -> [Float] {
        switch self {
        case .softmax:
            let m = v.max() ?? 0
            let e = v.map { Foundation.exp($0 - m) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        case .logSoftmax:
            let m = v.max() ?? 0
            let s = v.reduce(0) { $0 + Foundation.exp($1 - m) }
            let log = Foundation.log(s)
            return v.map { $0 - m - log }
        default:
            return v.map { self($0) }
        }
    }

    private static func softplusValue(_ x: Float) -> Float {
        // log1p(exp(x)) overflows for large x; this form is exact there and stable below.
        x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x))
    }
}
