import LSTMCore

/// The C of a TFLite int8 hybrid ("dynamic range") layer, as TFLite's x86 build computes it:
/// x and h quantized to int8 on every call, int8 × int8 products summed in int32, scaled back
/// in float; tanh and σ by Eigen's approximations. The same arithmetic, in the same order, as
/// lstmscope's replay (`addHybridProduct`, `quantize`, `EigenActivations` in LSTMCore), so the
/// int8 codes are the same and the program equals the interpreter, not only the float model.
extension CExport {
    /// Whether any stage is hybrid (the helpers below are then written once).
    var hasHybridStage: Bool { stages.contains { $0.hybrid != nil } }

    /// The C function stage `k`'s hybrid layer computes `activation` with: Eigen's tanh and
    /// logistic, any other activation exactly (its scalar function).
    static func hybridActivation(_ activation: Activation) -> String {
        switch activation {
        case .tanh: "eigen_tanh"
        case .sigmoid: "eigen_logistic"
        default: CActivations.name(activation)
        }
    }

    /// `int8_t` and `int32_t` tables of a hybrid stage: each matrix's codes, scales and column
    /// sums (`W0_q`, `W0_scale`, `W0_sums`, the same for U).
    func hybridTables(_ k: Int, _ stage: Stage) -> [String] {
        guard let h = stage.hybrid else { return [] }
        var matrices = [("W\(k)", h.kernel)]
        if let u = h.recurrentKernel { matrices.append(("U\(k)", u)) }
        return matrices.flatMap { name, m in
            [
                Self.integerTable("int8_t", "\(name)_q", m.values.map { "\($0)" }),
                Self.table("\(name)_scale", m.scales),
                Self.integerTable("int32_t", "\(name)_sums", m.columnSums.map { "\($0)" }),
            ]
        }
    }

    /// `static const type name[n] = { … };`, sixteen values a line.
    static func integerTable(_ type: String, _ name: String, _ values: [String]) -> String {
        let lines = stride(from: 0, to: values.count, by: 16).map { start in
            "    " + values[start..<min(start + 16, values.count)].joined(separator: ", ") + ","
        }
        return "static const \(type) \(name)[\(values.count)] = {\n" + lines.joined(separator: "\n") + "\n};"
    }

    /// The state's scratch of a hybrid stage: x's int8 codes and the int32 sums.
    func hybridFields(_ k: Int, _ stage: Stage) -> [String] {
        guard let h = stage.hybrid else { return [] }
        let rows = max(h.kernel.rows, h.recurrentKernel?.rows ?? 0)
        return ["int8_t q\(k)[\(rows)];", "int32_t dot\(k)[\(h.kernel.columns)];"]
    }

    /// `hybrid_product(x, …)` adding x·M into `sums` for matrix `name` of stage `k`.
    private func hybridProduct(
        _ k: Int, _ name: String, _ x: String, _ m: Int8Matrix, _ sums: String,
        _ inputs: InputQuantization
    ) -> String {
        "    hybrid_product(\(x), \(m.rows), \(name)_q, \(name)_scale, \(name)_sums, \(m.columns), "
            + "\(inputs == .asymmetric ? 1 : 0), s->q\(k), s->dot\(k), \(sums));"
    }

    /// The body of a hybrid LSTM's step after `head` (the input kept, the mask's skip).
    func hybridLSTMStep(_ k: Int, _ l: LSTMLayer, _ h: HybridWeights, head: String, clip: (Float) -> String)
        -> String
    {
        let hu = l.units
        let rec = Self.hybridActivation(l.recurrentActivation), act = Self.hybridActivation(l.activation)
        let forget = l.couplesForgetGate ? "1.0f - s->i\(k)[j]" : "\(rec)(s->z\(k)[\(hu) + j])"
        return head + """
                /* TFLite's order: the bias, then x's product, then h's. */
                for (j = 0; j < \(4 * hu); j++) s->z\(k)[j] = \(l.bias == nil ? "0.0f" : "b\(k)[j]");
            \(hybridProduct(k, "W\(k)", "x", h.kernel, "s->z\(k)", h.inputs))
            \(hybridProduct(k, "U\(k)", "s->h\(k)", h.recurrentKernel!, "s->z\(k)", h.inputs))
            \(l.preactivationClip.map(clip) ?? "")
                for (j = 0; j < \(hu); j++) {
                    s->i\(k)[j] = \(rec)(s->z\(k)[j]);
                    s->f\(k)[j] = \(forget);
                    s->c_tilde\(k)[j] = \(act)(s->z\(k)[\(2 * hu) + j]);
                    s->o\(k)[j] = \(rec)(s->z\(k)[\(3 * hu) + j]);
                    s->c\(k)[j] = s->f\(k)[j] * s->c\(k)[j] + s->i\(k)[j] * s->c_tilde\(k)[j];
            \(l.cellClip.map { "    " + clamp("s->c\(k)[j]", $0, count: nil) } ?? "")
                    s->h\(k)[j] = s->o\(k)[j] * \(act)(s->c\(k)[j]);
                }
                (void)k;
            }
            """
    }

    /// The body of a hybrid Dense's step after `head`; `rowActivation` writes a softmax.
    func hybridDenseStep(_ k: Int, _ d: DenseLayer, _ h: HybridWeights, head: String, rowActivation: String)
        -> String
    {
        let act = Self.hybridActivation(d.activation)
        let apply =
            d.activation.isRowWise
            ? rowActivation
            : d.activation == .linear
                ? "" : "    for (j = 0; j < \(d.units); j++) s->out\(k)[j] = \(act)(s->out\(k)[j]);"
        return head + """
                for (j = 0; j < \(d.units); j++) s->out\(k)[j] = \(d.bias == nil ? "0.0f" : "b\(k)[j]");
            \(hybridProduct(k, "W\(k)", "x", h.kernel, "s->out\(k)", h.inputs))
            \(apply)
                (void)k;
            }
            """
    }

    /// The helpers every hybrid stage calls, written once. The constants are Eigen's, as the TF
    /// 2.21 wheel's binary holds them (`EigenActivations`).
    static var hybridFunctions: String {
        let f = { (bits: UInt32) in literal(Float(bitPattern: bits)) }
        let clamp = f(0x40FD_0956)
        return """
            /* TFLite's hybrid (dynamic-range int8) arithmetic as its x86 build computes it, in lstmscope's
               replay's order: one rounding per operation, so no FMA contraction (the pragmas at the top
               of this file tell clang and gcc). */
            static float float_from_bits(uint32_t bits) {
                float f;
                memcpy(&f, &bits, sizeof f);
                return f;
            }

            /* Eigen's ptanh_float: a 13/6-degree rational approximation on [-7.9, 7.9]. */
            static float eigen_tanh(float a) {
                const float x = MAXF(MINF(a, \(clamp)), -\(clamp));
                const float x2 = x * x, x3 = x2 * x;
                float p = \(f(0x326F_951E)), q = \(f(0x3557_2C00));
                p = p * x2 + \(f(0x37B0_63DC));
                p = p * x2 + \(f(0x3B66_BC7F));
                p = p * x2 + \(f(0x3E09_3CF6));
                q = q * x2 + \(f(0x39AE_6D96));
                q = q * x2 + \(f(0x3CD4_C460));
                q = q * x2 + \(f(0x3EEF_4922));
                q = q * x2 + 1.0f;
                return (x3 * p + x) / q;
            }

            /* Eigen's logistic: e = exp(x/2)^2 by a range-reduced polynomial, then e / (1 + e). */
            static float eigen_logistic(float a) {
                float x, m, r, r2, p, e;
                if (a != a) return a;
                if (!(a >= -104.0f)) return 0.0f;
                x = MINF(a, \(f(0x4185_1592))) * 0.5f;
                m = floorf(x * \(f(0x3FB8_AA3B)) + 0.5f);
                r = m * -0.693359375f + x;
                r = m * \(f(0x395E_8083)) + r;
                r2 = r * r;
                {
                    const float p2 = \(f(0x3EFF_FEE0)), p3 = \(f(0x3E2A_AB38));
                    const float p4 = \(f(0x3D2B_9DF0)), p5 = \(f(0x3C08_8E52));
                    const float even = r2 * p4 + p2, odd = r2 * p5 + p3;
                    const float linear = r + 1.0f;
                    p = r * odd + even;
                    p = r2 * p + linear;
                }
                /* m is within [-76, 12] here: the exponent is a normal float's. */
                e = p * float_from_bits((uint32_t)MAXF(0.0f, MINF(255.0f, m + 127.0f)) << 23);
                e = e * e;
                return e / (1.0f + e);
            }

            /* Rounds y as TFLite's NEON code through NEON_2_SSE: whole groups of 8 values as
               trunc(y +- 0.5), the rest half away from zero. */
            static float quantizer_round(float y, int k, int grouped) {
                return k < grouped ? truncf(y + (y < 0.0f ? -0.5f : 0.5f)) : roundf(y);
            }

            /* x[0..n) as int8 codes q, their scale and zero point: symmetric (q = x * 127 / max|x|) or
               asymmetric (over [min(x, 0), max(x, 0)] onto -128..127). Returns 0 when x holds an inf
               or NaN or its range overflows float: there is no int8 form, and the caller gives NaN. */
            static int quantize_inputs(const float *x, int n, int asymmetric, int8_t *q, float *scale,
                                       int32_t *offset) {
                const int grouped = n & ~7;
                float low = 0.0f, high = 0.0f;
                int k;
                for (k = 0; k < n; k++) if (!isfinite(x[k])) return 0;
                if (n > 0) low = high = x[0];
                for (k = 0; k < n; k++) {
                    low = MINF(low, x[k]);
                    high = MAXF(high, x[k]);
                }
                *offset = 0;
                if (!asymmetric) {
                    const float range = MAXF(fabsf(low), fabsf(high));
                    float inverse;
                    if (range == 0.0f) {
                        for (k = 0; k < n; k++) q[k] = 0;
                        *scale = 1.0f;
                        return 1;
                    }
                    inverse = 127.0f / range;
                    if (!isfinite(inverse)) return 0;
                    for (k = 0; k < n; k++) {
                        q[k] = (int8_t)MAXF(-127.0f, MINF(127.0f, quantizer_round(x[k] * inverse, k, grouped)));
                    }
                    *scale = range / 127.0f;
                    return 1;
                } else {
                    const float rmin = MINF(low, 0.0f), rmax = MAXF(high, 0.0f);
                    double step, zero;
                    int32_t nudged;
                    float factor, inverse;
                    if (rmin == rmax) {
                        for (k = 0; k < n; k++) q[k] = 0;
                        *scale = 1.0f;
                        return 1;
                    }
                    if (!isfinite(rmax - rmin)) return 0;
                    step = (double)(rmax - rmin) / 255.0;
                    if (!(step > 0.0)) return 0;
                    /* The zero point from whichever end loses less, nudged onto -128..127. */
                    zero = 128.0 + fabs((double)rmin / step) < 127.0 + fabs((double)rmax / step)
                        ? -128.0 - (double)rmin / step : 127.0 - (double)rmax / step;
                    nudged = zero <= -128.0 ? -128 : zero >= 127.0 ? 127 : (int32_t)round(zero);
                    factor = (float)step;
                    inverse = 1.0f / factor;
                    if (!(factor > 0.0f) || !isfinite(inverse)) return 0;
                    for (k = 0; k < n; k++) {
                        const float v = quantizer_round(x[k] * inverse, k, grouped) + (float)nudged;
                        q[k] = (int8_t)MAXF(-128.0f, MINF(127.0f, v));
                    }
                    *scale = factor;
                    *offset = nudged;
                    return 1;
                }
            }

            /* z[c] += x . W[:, c] for an int8 W (rows x columns, row-major) with a scale per column, as
               TFLite's hybrid kernels: x quantized on the spot, the products summed in int32 (wrapping,
               as theirs), the zero point's share taken out with W's column sums, scaled back by x's scale
               times the column's. A zero x adds nothing (the kernels skip it); an x with no int8 form
               gives NaN. q and dot are scratch of rows and columns values. */
            static void hybrid_product(const float *x, int rows, const int8_t *w, const float *scales,
                                       const int32_t *sums, int columns, int asymmetric, int8_t *q, int32_t *dot,
                                       float *z) {
                int r, c, any = 0;
                float scale;
                int32_t offset;
                for (r = 0; r < rows; r++) if (x[r] != 0.0f) any = 1;
                if (!any) return;
                if (!quantize_inputs(x, rows, asymmetric, q, &scale, &offset)) {
                    for (c = 0; c < columns; c++) z[c] = NAN;
                    return;
                }
                for (c = 0; c < columns; c++) dot[c] = 0;
                for (r = 0; r < rows; r++) {
                    const uint32_t code = (uint32_t)(int32_t)q[r];
                    const int8_t *row = w + (size_t)r * (size_t)columns;
                    if (q[r] == 0) continue;
                    for (c = 0; c < columns; c++) {
                        dot[c] = (int32_t)((uint32_t)dot[c] + (uint32_t)(int32_t)row[c] * code);
                    }
                }
                for (c = 0; c < columns; c++) {
                    const int32_t corrected =
                        offset == 0 ? dot[c] : (int32_t)((uint32_t)dot[c] - (uint32_t)sums[c] * (uint32_t)offset);
                    z[c] += (float)corrected * (scale * scales[c]);
                }
            }

            """
    }
}

extension ExportPlan.Stage {
    /// The int8 weights of a TFLite hybrid stage, nil for a float one.
    var hybrid: HybridWeights? {
        switch self {
        case .lstm(let l): l.hybrid
        case .dense(let d): d.hybrid
        default: nil
        }
    }

    /// The elementwise and row activations the stage applies (a Dense's, an LSTM's two).
    var activations: [Activation] {
        switch self {
        case .lstm(let l): [l.recurrentActivation, l.activation]
        case .gru(let g): [g.recurrentActivation, g.activation]
        case .simpleRNN(let r): [r.activation]
        case .dense(let d): [d.activation]
        case .activation(let a): [a]
        case .masking, .merge, .flatten: []
        }
    }
}
