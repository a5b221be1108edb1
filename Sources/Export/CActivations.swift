import LSTMCore

/// The activation functions a model names, as C99 with `<math.h>`, defined as lstmscope's
/// readable steps (and Keras) define them; Keras 2 and Keras 3 hard_sigmoid are two functions.
enum CActivations {
    /// The C function's name for `activation`.
    static func name(_ activation: Activation) -> String {
        switch activation {
        case .hardSigmoid(.keras2): "act_hard_sigmoid_keras2"
        case .hardSigmoid(.keras3): "act_hard_sigmoid_keras3"
        default: "act_" + activation.kerasName
        }
    }

    /// The definition of `activation` (an elementwise one), as a static C function.
    static func definition(_ activation: Activation) -> String {
        let body: String
        switch activation {
        case .linear: body = "return x;"
        case .tanh: body = "return tanhf(x);"
        case .sigmoid: body = "return 1.0f / (1.0f + expf(-x));"
        case .hardSigmoid(.keras3): body = "return MINF(MAXF(x / 6.0f + 0.5f, 0.0f), 1.0f);"
        case .hardSigmoid(.keras2): body = "return MINF(MAXF(0.2f * x + 0.5f, 0.0f), 1.0f);"
        case .relu: body = "return MAXF(x, 0.0f);"
        case .relu6: body = "return MINF(MAXF(x, 0.0f), 6.0f);"
        case .elu: body = "return x > 0.0f ? x : expm1f(x);"
        case .selu:
            body =
                "return 1.0507009873554804934193349852946f * "
                + "(x > 0.0f ? x : 1.6732632423543772848170429916717f * expm1f(x));"
        case .softplus: body = "return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x));"
        case .softsign: body = "return x / (1.0f + fabsf(x));"
        case .silu: body = "return x / (1.0f + expf(-x));"
        case .gelu: body = "return 0.5f * x * (1.0f + erff(x / sqrtf(2.0f)));"
        case .exponential: body = "return expf(x);"
        case .mish: body = "float sp = x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x)); return x * tanhf(sp);"
        case .leakyRelu: body = "return x >= 0.0f ? x : 0.2f * x;"
        case .hardTanh: body = "return MINF(MAXF(x, -1.0f), 1.0f);"
        case .tanhShrink: body = "return x - tanhf(x);"
        case .logSigmoid: body = "float y = -x; return -(y > 0.0f ? y + log1pf(expf(-y)) : log1pf(expf(y)));"
        case .hardSilu: body = "return x * MINF(MAXF(x + 3.0f, 0.0f), 6.0f) / 6.0f;"
        case .softmax, .logSoftmax: body = "return x; /* applied to the whole row by the head */"
        }
        return "static float \(name(activation))(float x) { \(body) }"
    }
}
