import LSTMCore

/// A model as a readable NumPy program: `model.py` (one line per equation, W, U and b split into
/// the kind's gate blocks, as the seed tutorial's loop) and the arrays for `weights.npz`.
public struct NumPyExport: Sendable {
    /// One array of `weights.npz`.
    public struct Array: Sendable {
        public let name: String
        public let shape: [Int]
        public let values: [Float]
    }

    public let model: Model
    public let arrays: [Array]
    let plan: ExportPlan
    var stages: [ExportPlan.Stage] { plan.stages }

    /// Prepares the export; refuses what the C export refuses, naming the layer.
    public init(model: Model) throws {
        let plan = try ExportPlan(model: model)
        self.model = model
        self.plan = plan
        var arrays: [Array] = []
        func add(_ name: String, _ m: Matrix) {
            arrays.append(Array(name: name, shape: [m.rows, m.columns], values: m.values))
        }
        func add(_ name: String, _ v: [Float]) { arrays.append(Array(name: name, shape: [v.count], values: v)) }
        for (k, stage) in plan.stages.enumerated() {
            if let h = stage.hybrid {
                arrays += Self.hybridArrays(k, h)
                switch stage {
                case .lstm(let l): if let b = l.bias { add("b\(k)", b) }
                case .dense(let d): if let b = d.bias { add("b\(k)", b) }
                default: break
                }
                continue
            }
            switch stage {
            case .lstm(let l):
                add("W\(k)", l.kernel)
                add("U\(k)", l.recurrentKernel)
                add("b\(k)", l.bias ?? [Float](repeating: 0, count: 4 * l.units))
            case .gru(let g):
                add("W\(k)", g.kernel)
                add("U\(k)", g.recurrentKernel)
                add("b\(k)", g.inputBias ?? [Float](repeating: 0, count: 3 * g.units))
                add("b_rec\(k)", g.recurrentBias ?? [Float](repeating: 0, count: 3 * g.units))
            case .simpleRNN(let r):
                add("W\(k)", r.kernel)
                add("U\(k)", r.recurrentKernel)
                add("b\(k)", r.bias ?? [Float](repeating: 0, count: r.units))
            case .dense(let d):
                add("W\(k)", d.kernel)
                add("b\(k)", d.bias ?? [Float](repeating: 0, count: d.units))
            case .activation, .masking, .merge, .flatten:
                break
            }
            // The initial state a converted file gives (ONNX initial_h, initial_c): h_start0, c_start0.
            if let layer = stage.recurrentLayer, let start = layer.initialState {
                for (name, values) in zip(layer.stateNames, start) { add("\(name)_start\(k)", values) }
            }
        }
        self.arrays = arrays
    }

    /// A Python expression of `a` applied to the NumPy array expression `x`.
    static func python(_ a: Activation, _ expression: String) -> String {
        // Parenthesised: the argument is a sum, and the formulas use it inside products.
        let x = a == .linear ? expression : "(\(expression))"
        return switch a {
        case .linear: x
        case .tanh: "np.tanh(\(x))"
        case .sigmoid: "sigmoid(\(x))"
        case .hardSigmoid(.keras3): "np.clip(\(x) / f32(6) + f32(0.5), 0, 1)"
        case .hardSigmoid(.keras2): "np.clip(f32(0.2) * \(x) + f32(0.5), 0, 1)"
        case .relu: "np.maximum(\(x), 0)"
        case .relu6: "np.clip(\(x), 0, 6)"
        case .elu: "elu(\(x))"
        case .selu: "f32(1.0507009873554805) * np.where(\(x) > 0, \(x), f32(1.6732632423543772) * np.expm1(\(x)))"
        case .softplus: "softplus(\(x))"
        case .softsign: "\(x) / (f32(1) + np.abs(\(x)))"
        case .silu: "\(x) / (f32(1) + np.exp(-(\(x))))"
        case .gelu: "gelu(\(x))"
        case .exponential: "np.exp(\(x))"
        case .mish: "\(x) * np.tanh(softplus(\(x)))"
        case .leakyRelu: "np.where(\(x) >= 0, \(x), f32(0.2) * \(x))"
        case .hardTanh: "np.clip(\(x), -1, 1)"
        case .tanhShrink: "\(x) - np.tanh(\(x))"
        case .logSigmoid: "-softplus(-(\(x)))"
        case .hardSilu: "\(x) * np.clip(\(x) + f32(3), 0, 6) / f32(6)"
        case .softmax: "softmax(\(x))"
        case .logSoftmax: "log_softmax(\(x))"
        }
    }
}
