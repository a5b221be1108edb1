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

    /// The definition of `activation` (an elementwise one), as a static C function. tanh and σ
    /// call their one-value ``arrayFunction(_:count:libmMacro:)``, so a value is the same
    /// whichever form computed it.
    static func definition(_ activation: Activation) -> String {
        let body: String
        switch activation {
        case .linear: body = "return x;"
        case .tanh, .sigmoid: body = "float y; \(name(activation))_1(&y, &x); return y;"
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

    /// Whether `activation` has a vectorisable approximation (tanh and σ, lstmscope's kernel's).
    static func isApproximated(_ activation: Activation) -> Bool { activation == .tanh || activation == .sigmoid }

    /// `y[0..<n] = activation(x[0..<n])` as `static void <name>_<n>(float *y, const float *x)`
    /// (y and x distinct): for tanh and σ, lstmscope's kernel's approximations (`VectorMath`),
    /// unless `libmMacro` is defined when the C is built (then libm's tanhf and expf), else a loop
    /// of the scalar function.
    ///
    /// The approximations are a rational tanh (Eigen's and onnxruntime's: within 4.2e-7 of tanhf
    /// without FMA, as -O2 builds it; the kernel's, with FMA, 3e-7)
    /// and σ from a Cephes e^-|x| (within 3 ULP down to 1.2e-38), NaN kept. They are written so
    /// that `cc -O2` vectorises them (gcc's too, which will not if-convert a float select that
    /// arithmetic follows): the clamps are loops of selects alone, and σ's final choices are
    /// made on the bits. libm's tanhf and expf, one value at a time, are most of a small
    /// LSTM's step.
    static func arrayFunction(_ activation: Activation, count n: Int, libmMacro: String) -> String {
        let head = "static void \(name(activation))_\(n)(float *restrict y, const float *restrict x) {\n    int j;\n"
        guard isApproximated(activation) else {
            let value = activation == .linear ? "x[j]" : "\(name(activation))(x[j])"
            return head + "    for (j = 0; j < \(n); j++) y[j] = \(value);\n}"
        }
        let libm = activation == .tanh ? "tanhf(x[j])" : "1.0f / (1.0f + expf(-x[j]))"
        return head + """
            #ifdef \(libmMacro)
                for (j = 0; j < \(n); j++) y[j] = \(libm);
            #else
            \(activation == .tanh ? approximateTanh(n) : approximateSigmoid(n))
            #endif
            }
            """
    }

    /// tanh(x) = x·P(x²)/Q(x²) on [-7.905, 7.905], clamped outside; within 4.2e-7 of tanhf.
    private static func approximateTanh(_ n: Int) -> String {
        """
            for (j = 0; j < \(n); j++) {
                float v = x[j] < -7.90531110763549805f ? -7.90531110763549805f : x[j];
                y[j] = v > 7.90531110763549805f ? 7.90531110763549805f : v;
            }
            for (j = 0; j < \(n); j++) {
                float v = y[j], x2 = v * v, p, q;
                p = -2.76076847742355e-16f;
                p = p * x2 + 2.00018790482477e-13f;
                p = p * x2 + -8.60467152213735e-11f;
                p = p * x2 + 5.12229709037114e-08f;
                p = p * x2 + 1.48572235717979e-05f;
                p = p * x2 + 6.37261928875436e-04f;
                p = p * x2 + 4.89352455891786e-03f;
                q = 1.19825839466702e-06f;
                q = q * x2 + 1.18534705686654e-04f;
                q = q * x2 + 2.26843463243900e-03f;
                q = q * x2 + 4.89352518554385e-03f;
                y[j] = v * p / q;
            }
        """
    }

    /// σ(x) = 1 / (1 + e^-x) for x ≥ 0 and e^x / (1 + e^x) below, from one e = e^-|x| (Cephes:
    /// -|x| = n·ln 2 + r, a polynomial for e^r, 2^n put in the exponent bits); σ is 0 where e
    /// is no normal float32 (|x| > 87.34), NaN stays NaN.
    private static func approximateSigmoid(_ n: Int) -> String {
        """
            for (j = 0; j < \(n); j++) {
                float t = -fabsf(x[j]);
                t = t < -87.3365447505531f ? -87.3365447505531f : t;
                y[j] = t != t ? 0.0f : t;
            }
            for (j = 0; j < \(n); j++) {
                union { float f; uint32_t u; } bits, in, below, above;
                float t = y[j], shifted, m, r, e;
                uint32_t negative, nan, tiny;
                /* m = round(t / ln 2): adding 1.5·2^23 leaves m in the low bits. */
                shifted = t * 1.44269504088896341f + 12582912.0f;
                m = shifted - 12582912.0f;
                r = t + m * -0.693359375f;
                r = r + m * 2.12194440e-4f;
                e = 1.9875691500e-4f;
                e = e * r + 1.3981999507e-3f;
                e = e * r + 8.3334519073e-3f;
                e = e * r + 4.1665795894e-2f;
                e = e * r + 1.6666665459e-1f;
                e = e * r + 5.0000001201e-1f;
                e = (r + 1.0f) + e * (r * r);
                bits.f = shifted;
                bits.u = (bits.u - 0x4B400000u + 127u) << 23;
                e = e * bits.f;
                in.f = x[j];
                below.f = e / (e + 1.0f);
                above.f = 1.0f / (e + 1.0f);
                /* Chosen on the bits: x's sign, x NaN, |x| beyond 87.3365 (0x42AEAC50). */
                negative = 0u - (in.u >> 31);
                nan = 0u - (uint32_t)((in.u & 0x7FFFFFFFu) > 0x7F800000u);
                tiny = 0u - (uint32_t)((in.u & 0x7FFFFFFFu) > 0x42AEAC50u);
                below.u &= ~tiny;
                bits.u = (below.u & negative) | (above.u & ~negative);
                bits.u = (in.u & nan) | (bits.u & ~nan);
                y[j] = bits.f;
            }
        """
    }
}
