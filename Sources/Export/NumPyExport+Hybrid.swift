import LSTMCore

/// `model.py` for a TFLite int8 hybrid ("dynamic range") layer: the arithmetic of TFLite's x86
/// build in float32 NumPy, in lstmscope's replay's order, so the int8 codes (and the output)
/// are the interpreter's. The codes are stored as float32 in weights.npz (exact) and read back
/// as integers; the products are int32 matrix products, exact.
extension NumPyExport {
    /// `activation` of `expression` as a hybrid layer computes it: Eigen's tanh and logistic,
    /// the rest as the float layers.
    static func hybridPython(_ activation: Activation, _ expression: String) -> String {
        switch activation {
        case .tanh: "eigen_tanh(\(expression))"
        case .sigmoid: "eigen_logistic(\(expression))"
        default: python(activation, expression)
        }
    }

    /// weights.npz's arrays of a hybrid stage `k`: each matrix's codes and column scales.
    static func hybridArrays(_ k: Int, _ h: HybridWeights) -> [Array] {
        var matrices = [("W\(k)", h.kernel)]
        if let u = h.recurrentKernel { matrices.append(("U\(k)", u)) }
        return matrices.flatMap { name, m in
            [
                Array(name: "\(name)_q", shape: [m.rows, m.columns], values: m.values.map(Float.init)),
                Array(name: "\(name)_scale", shape: [m.columns], values: m.scales),
            ]
        }
    }

    /// `codes, scales` of matrix `name`, as the functions read them.
    private static func read(_ name: String) -> String {
        "weights[\"\(name)_q\"].astype(np.int32), weights[\"\(name)_scale\"]"
    }

    /// A hybrid LSTM's layer function.
    func hybridLSTMFunction(_ k: Int, _ l: LSTMLayer, _ h: HybridWeights) -> [String] {
        let rec = { Self.hybridPython(l.recurrentActivation, $0) }, act = { Self.hybridPython(l.activation, $0) }
        let asymmetric = h.inputs == .asymmetric ? "True" : "False"
        let clip = l.preactivationClip.map { ["        z = clamp(z, f32(\($0)))"] } ?? []
        return [
            "def layer\(k)(xs, mask, trace):",
            "    \"\"\"\(Self.docText(l.name)): LSTM(\(l.units)), int8 hybrid (TFLite dynamic range, x and h "
                + "quantized \(h.inputs.rawValue) every step); gate blocks i, f, c~, o along the 4·hu axis.\"\"\"",
            "    W, W_scale = \(Self.read("W\(k)"))",
            "    U, U_scale = \(Self.read("U\(k)"))",
            "    b = \(l.bias == nil ? "np.zeros(\(4 * l.units), f32)" : "weights[\"b\(k)\"]")",
            "    h = \(Self.start(.h, k, l))",
            "    c = \(Self.start(.c, k, l))",
            "    out = []",
            "    for s, x in enumerate(xs):",
            "        if mask is not None and not mask[s]:",
            "            trace(s, {\"x\": x, \"c\": c, \"h\": h}, True)",
            "            out.append(np.zeros(\(l.units), f32) if \(l.zeroOutputForMask ? "True" : "False") else h)",
            "            continue",
            "        # TFLite's order: the bias, then x's product, then h's.",
            "        z = hybrid_product(x, W, W_scale, \(asymmetric), b.copy())",
            "        z = hybrid_product(h, U, U_scale, \(asymmetric), z)",
        ] + clip + [
            "        zi, zf, zc, zo = np.split(z, 4)",
            "        i = \(rec("zi"))",
            l.couplesForgetGate ? "        f = f32(1) - i  # input_forget" : "        f = \(rec("zf"))",
            "        c_tilde = \(act("zc"))",
            "        o = \(rec("zo"))",
        ] + Self.lstmStateLines(l, act: act)
    }

    /// A hybrid Dense's layer function.
    func hybridDenseFunction(_ k: Int, _ d: DenseLayer, _ h: HybridWeights) -> [String] {
        let asymmetric = h.inputs == .asymmetric ? "True" : "False"
        return [
            "def layer\(k)(xs, trace):",
            "    \"\"\"\(Self.docText(d.name)): Dense(\(d.units)), \(d.activation.kerasName), on each row; int8 hybrid "
                + "(x quantized \(h.inputs.rawValue) every call).\"\"\"",
            "    W, W_scale = \(Self.read("W\(k)"))",
            "    b = \(d.bias == nil ? "np.zeros(\(d.units), f32)" : "weights[\"b\(k)\"]")",
            "    return [\(Self.hybridPython(d.activation, "hybrid_product(x, W, W_scale, \(asymmetric), b.copy())")) "
                + "for x in xs]",
        ]
    }

    /// The helpers every hybrid layer calls, written once (constants as `EigenActivations`).
    static var hybridFunctions: [String] {
        let f = { (bits: UInt32) in "bits(0x\(String(bits, radix: 16, uppercase: true)))" }
        return [
            "",
            "# TFLite's hybrid (dynamic-range int8) arithmetic as its x86 build computes it, in float32.",
            "def bits(pattern):",
            "    \"\"\"The float32 with this bit pattern (Eigen's constants, exactly).\"\"\"",
            "    return np.array([pattern], np.uint32).view(f32)[0]",
            "",
            "",
            "def eigen_tanh(a):",
            "    \"\"\"Eigen's ptanh_float: a 13/6-degree rational approximation on [-7.9, 7.9].\"\"\"",
            "    x = np.maximum(np.minimum(a, \(f(0x40FD_0956))), -\(f(0x40FD_0956)))",
            "    x2 = x * x",
            "    x3 = x2 * x",
            "    p = \(f(0x326F_951E)) * x2 + \(f(0x37B0_63DC))",
            "    p = p * x2 + \(f(0x3B66_BC7F))",
            "    p = p * x2 + \(f(0x3E09_3CF6))",
            "    q = \(f(0x3557_2C00)) * x2 + \(f(0x39AE_6D96))",
            "    q = q * x2 + \(f(0x3CD4_C460))",
            "    q = q * x2 + \(f(0x3EEF_4922))",
            "    q = q * x2 + f32(1)",
            "    return (x3 * p + x) / q",
            "",
            "",
            "def eigen_logistic(a):",
            "    \"\"\"Eigen's logistic: e = exp(x/2)^2 by a range-reduced polynomial, then e / (1 + e).\"\"\"",
            "    a = np.asarray(a, f32)",
            "    with np.errstate(all=\"ignore\"):",
            "        x = np.minimum(a, \(f(0x4185_1592))) * f32(0.5)",
            "        m = np.floor(x * \(f(0x3FB8_AA3B)) + f32(0.5))",
            "        r = m * f32(-0.693359375) + x",
            "        r = m * \(f(0x395E_8083)) + r",
            "        r2 = r * r",
            "        even = r2 * \(f(0x3D2B_9DF0)) + \(f(0x3EFF_FEE0))",
            "        odd = r2 * \(f(0x3C08_8E52)) + \(f(0x3E2A_AB38))",
            "        p = r * odd + even",
            "        p = r2 * p + (r + f32(1))",
            "        exponent = np.clip(np.nan_to_num(m + f32(127)), 0, 255).astype(np.uint32)",
            "        e = p * (exponent << np.uint32(23)).view(f32)",
            "        e = e * e",
            "        y = e / (f32(1) + e)",
            "    return np.where(np.isnan(a), a, np.where(a >= f32(-104), y, f32(0))).astype(f32)",
            "",
            "",
            "def quantizer_round(y):",
            "    \"\"\"TFLite's NEON rounding through NEON_2_SSE: whole groups of 8 values as trunc(y +- 0.5),",
            "    the rest half away from zero.\"\"\"",
            "    grouped = len(y) & ~7",
            "    a = np.abs(y)",
            "    whole = np.floor(a)",
            "    away = np.copysign(whole + (a - whole >= f32(0.5)).astype(f32), y)",
            "    halves = np.trunc(y + np.where(y < 0, f32(-0.5), f32(0.5)))",
            "    return np.where(np.arange(len(y)) < grouped, halves, away)",
            "",
            "",
            "def round_half_away(v):",
            "    whole = math.floor(abs(v))",
            "    return int(math.copysign(whole + (1 if abs(v) - whole >= 0.5 else 0), v))",
            "",
            "",
            "def quantize(x, asymmetric):",
            "    \"\"\"x as int8 codes (int32 here), their scale and zero point; None when x holds an inf or",
            "    NaN or its range overflows float32 (there is no int8 form: the caller gives NaN).\"\"\"",
            "    if not np.all(np.isfinite(x)):",
            "        return None",
            "    low, high = f32(np.min(x)), f32(np.max(x))",
            "    with np.errstate(all=\"ignore\"):",
            "        if not asymmetric:",
            "            largest = max(abs(low), abs(high))",
            "            if largest == 0:",
            "                return np.zeros(len(x), np.int32), f32(1), 0",
            "            inverse = f32(127) / largest",
            "            if not np.isfinite(inverse):",
            "                return None",
            "            codes = np.clip(quantizer_round(x * inverse), -127, 127).astype(np.int32)",
            "            return codes, largest / f32(127), 0",
            "        rmin, rmax = min(low, f32(0)), max(high, f32(0))",
            "        if rmin == rmax:",
            "            return np.zeros(len(x), np.int32), f32(1), 0",
            "        span = rmax - rmin",
            "        if not np.isfinite(span):",
            "            return None",
            "        step = float(span) / 255.0",
            "        if not step > 0:",
            "            return None",
            "        # The zero point from whichever end loses less, nudged onto -128..127.",
            "        from_min, from_max = -128.0 - float(rmin) / step, 127.0 - float(rmax) / step",
            "        lower_error = 128.0 + abs(float(rmin) / step) < 127.0 + abs(float(rmax) / step)",
            "        zero = from_min if lower_error else from_max",
            "        nudged = -128 if zero <= -128.0 else 127 if zero >= 127.0 else round_half_away(zero)",
            "        factor = f32(step)",
            "        inverse = f32(1) / factor",
            "        if not (factor > 0 and np.isfinite(inverse)):",
            "            return None",
            "        codes = np.clip(quantizer_round(x * inverse) + f32(nudged), -128, 127).astype(np.int32)",
            "    return codes, factor, nudged",
            "",
            "",
            "def hybrid_product(x, codes, scales, asymmetric, z):",
            "    \"\"\"z + x . W for int8 W (codes) with a scale per column, as TFLite's hybrid kernels: x",
            "    quantized on the spot, int32 products, the zero point's share taken out with W's column",
            "    sums, scaled back by x's scale times the column's. A zero x adds nothing.\"\"\"",
            "    if not np.any(x != 0):",
            "        return z",
            "    quantized = quantize(x, asymmetric)",
            "    if quantized is None:",
            "        return np.full(len(z), np.nan, f32)",
            "    q, scale, offset = quantized",
            "    dot = q @ codes",
            "    if offset != 0:",
            "        dot = dot - codes.sum(axis=0, dtype=np.int32) * np.int32(offset)",
            "    return (z + dot.astype(f32) * (scale * scales)).astype(f32)",
            "",
        ]
    }
}
