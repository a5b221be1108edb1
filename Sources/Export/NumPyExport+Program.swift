import LSTMCore

/// `model.py`.
extension NumPyExport {
    /// The program, reading its weights from `weights.npz` beside it.
    public var program: String {
        var lines = [
            "#!/usr/bin/env python3",
            "\"\"\"\(Self.docText(model.chainDescription)), exported by lstmscope" + origin + ".",
            "",
            "    python3 model.py WINDOW.npy          the output, as a JSON array",
            "    python3 model.py --trace WINDOW.npy  every vector of every step, as lstmscope's trace CSV",
            "",
            "WINDOW is .npy (T, xu) or .csv (T rows of xu numbers). Needs numpy only; computes in float32.",
            "\"\"\"",
            "import json",
            "import math",
            "import os",
            "import sys",
            "",
            "import numpy as np",
            "",
            "f32 = np.float32",
            "weights = np.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), \"weights.npz\"))",
            "",
            "",
            "def sigmoid(x):",
            "    return f32(1) / (f32(1) + np.exp(-x))",
            "",
            "",
            "def softplus(x):",
            "    above = x + np.log1p(np.exp(-np.abs(x)))",
            "    return np.where(x > 0, above, np.log1p(np.exp(np.minimum(x, 0)))).astype(f32)",
            "",
            "",
            "def elu(x):",
            "    return np.where(x > 0, x, np.expm1(np.minimum(x, 0))).astype(f32)",
            "",
            "",
            "def gelu(x):",
            "    erf = np.vectorize(math.erf)",
            "    return (f32(0.5) * x * (f32(1) + erf(x / np.sqrt(f32(2))).astype(f32))).astype(f32)",
            "",
            "",
            "def clamp(v, limit):",
            "    \"\"\"v within ±limit as lstmscope's replay clamps: max(min(limit, v), -limit), NaN to limit.\"\"\"",
            "    low = np.where(v < limit, v, limit)",
            "    return np.where(-limit >= low, -limit, low).astype(f32)",
            "",
            "",
            "def softmax(x):",
            "    e = np.exp(x - np.max(x))",
            "    return e / np.sum(e)",
            "",
            "",
            "def log_softmax(x):",
            "    m = np.max(x)",
            "    return x - m - np.log(np.sum(np.exp(x - m)))",
            "",
        ]
        if stages.contains(where: { $0.hybrid != nil }) { lines += ["", ""] + Self.hybridFunctions }
        for (k, stage) in stages.enumerated() { lines += ["", ""] + function(k, stage) }
        lines += ["", ""] + runFunction + ["", ""] + mainFunction
        return lines.joined(separator: "\n") + "\n"
    }

    /// What state vector `name` of stage `k` starts from: zeros, or the initial state the file
    /// gives (an array of weights.npz).
    static func start(_ name: VectorName, _ k: Int, _ layer: any RecurrentLayer) -> String {
        layer.initialState == nil ? "np.zeros(\(layer.units), f32)" : "weights[\"\(name)_start\(k)\"]"
    }

    /// An LSTM step's last lines, once the gates are made: the new c (TFLite's cell clip) and h,
    /// traced and passed on.
    static func lstmStateLines(_ l: LSTMLayer, act: (String) -> String) -> [String] {
        ["        c = f * c + i * c_tilde"]
            + (l.cellClip.map { ["        c = clamp(c, f32(\($0)))  # TFLite's cell_clip"] } ?? []) + [
                "        h = o * \(act("c"))",
                "        trace(s, {\"x\": x, \"i\": i, \"f\": f, \"c_tilde\": c_tilde, \"o\": o, \"c\": c, \"h\": h})",
                "        out.append(h)",
                "    return out",
            ]
    }

    /// `z` clamped to ±clip (ONNX's clip of the pre-activations), or `z` when there is none.
    static func clipped(_ z: String, _ clip: Float?) -> String {
        clip.map { "clamp(\(z), f32(\($0)))" } ?? z
    }

    private func function(_ k: Int, _ stage: ExportPlan.Stage) -> [String] {
        switch stage {
        case .lstm(let l) where l.hybrid != nil: return hybridLSTMFunction(k, l, l.hybrid!)
        case .dense(let d) where d.hybrid != nil: return hybridDenseFunction(k, d, d.hybrid!)
        case .lstm(let l):
            let rec = { Self.python(l.recurrentActivation, $0) }, act = { Self.python(l.activation, $0) }
            let clipped = { (z: String) in Self.clipped(z, l.preactivationClip) }
            return [
                "def layer\(k)(xs, mask, trace):",
                "    \"\"\"\(Self.docText(l.name)): LSTM(\(l.units)); gate blocks i, f, c~, o "
                    + "along the 4·hu axis.\"\"\"",
                "    Wi, Wf, Wc, Wo = np.split(weights[\"W\(k)\"], 4, axis=1)",
                "    Ui, Uf, Uc, Uo = np.split(weights[\"U\(k)\"], 4, axis=1)",
                "    bi, bf, bc, bo = np.split(weights[\"b\(k)\"], 4)",
                "    h = \(Self.start(.h, k, l))",
                "    c = \(Self.start(.c, k, l))",
                "    out = []",
                "    for s, x in enumerate(xs):",
                "        if mask is not None and not mask[s]:",
                "            # Skipped by the mask: nothing computed, the state carried.",
                "            trace(s, {\"x\": x, \"c\": c, \"h\": h}, True)",
                "            out.append(np.zeros(\(l.units), f32) if \(l.zeroOutputForMask ? "True" : "False") else h)",
                "            continue",
                "        i = \(rec(clipped("x @ Wi + h @ Ui + bi")))",
                l.couplesForgetGate
                    ? "        f = 1 - i  # input_forget" : "        f = \(rec(clipped("x @ Wf + h @ Uf + bf")))",
                "        c_tilde = \(act(clipped("x @ Wc + h @ Uc + bc")))",
                "        o = \(rec(clipped("x @ Wo + h @ Uo + bo")))",
            ] + Self.lstmStateLines(l, act: act)
        case .gru(let g):
            let rec = { Self.python(g.recurrentActivation, Self.clipped($0, g.preactivationClip)) }
            let act = { Self.python(g.activation, Self.clipped($0, g.preactivationClip)) }
            let candidate =
                g.resetAfter
                ? act("x @ Wh + bh + r * (h @ Uh + bh_rec)")
                : act("x @ Wh + bh + bh_rec + (r * h) @ Uh")
            return [
                "def layer\(k)(xs, mask, trace):",
                "    \"\"\"\(Self.docText(g.name)): GRU(\(g.units)), reset_after=\(g.resetAfter ? "True" : "False"); "
                    + "blocks z, r, h~.\"\"\"",
                "    Wz, Wr, Wh = np.split(weights[\"W\(k)\"], 3, axis=1)",
                "    Uz, Ur, Uh = np.split(weights[\"U\(k)\"], 3, axis=1)",
                "    bz, br, bh = np.split(weights[\"b\(k)\"], 3)",
                "    bz_rec, br_rec, bh_rec = np.split(weights[\"b_rec\(k)\"], 3)",
                "    h = \(Self.start(.h, k, g))",
                "    out = []",
                "    for s, x in enumerate(xs):",
                "        if mask is not None and not mask[s]:",
                "            # Skipped by the mask: nothing computed, the state carried.",
                "            trace(s, {\"x\": x, \"h\": h}, True)",
                "            out.append(np.zeros(\(g.units), f32) if \(g.zeroOutputForMask ? "True" : "False") else h)",
                "            continue",
                "        z = \(rec("x @ Wz + bz + h @ Uz + bz_rec"))",
                "        r = \(rec("x @ Wr + br + h @ Ur + br_rec"))",
                "        h_tilde = \(candidate)",
                "        h = z * h + (f32(1) - z) * h_tilde",
                "        trace(s, {\"x\": x, \"z\": z, \"r\": r, \"h_tilde\": h_tilde, \"h\": h})",
                "        out.append(h)",
                "    return out",
            ]
        case .simpleRNN(let r):
            return [
                "def layer\(k)(xs, mask, trace):",
                "    \"\"\"\(Self.docText(r.name)): SimpleRNN(\(r.units)).\"\"\"",
                "    W, U, b = weights[\"W\(k)\"], weights[\"U\(k)\"], weights[\"b\(k)\"]",
                "    h = \(Self.start(.h, k, r))",
                "    out = []",
                "    for s, x in enumerate(xs):",
                "        if mask is not None and not mask[s]:",
                "            # Skipped by the mask: nothing computed, the state carried.",
                "            trace(s, {\"x\": x, \"h\": h}, True)",
                "            out.append(np.zeros(\(r.units), f32) if \(r.zeroOutputForMask ? "True" : "False") else h)",
                "            continue",
                "        h = \(Self.python(r.activation, Self.clipped("x @ W + b + h @ U", r.preactivationClip)))",
                "        trace(s, {\"x\": x, \"h\": h})",
                "        out.append(h)",
                "    return out",
            ]
        case .dense(let d):
            return [
                "def layer\(k)(xs, trace):",
                "    \"\"\"\(Self.docText(d.name)): Dense(\(d.units)), \(d.activation.kerasName), on each row.\"\"\"",
                "    W, b = weights[\"W\(k)\"], weights[\"b\(k)\"]",
                "    return [\(Self.python(d.activation, "x @ W + b")) for x in xs]",
            ]
        case .activation(let a):
            return [
                "def layer\(k)(xs, trace):",
                "    return [\(Self.python(a, "x")) for x in xs]",
            ]
        case .masking, .merge, .flatten:
            return []
        }
    }

    /// ` from tutorial.keras`, or nothing for a model in memory.
    private var origin: String { model.provenance.path.isEmpty ? "" : " from " + Self.docText(model.provenance.path) }

    /// `text` safe inside a Python docstring: no backslashes, quotes or control characters.
    static func docText(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0 == "\\" || $0 == "\"" ? "_" : Character($0) })
    }

    /// `text` as a Python string literal.
    static func pyString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += String(format4: scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Runs the layers over a window (rows); returns the output rows and calls `trace` per step.
    private var runFunction: [String] {
        var lines = [
            "def run(window, trace):", "    steps = len(window)", "    xs = [f32(x) for x in window]",
            "    mask = None",
        ]
        for (k, stage) in stages.enumerated() {
            switch stage {
            case .lstm, .gru, .simpleRNN:
                let r = stage.recurrentLayer!
                let t = r.goBackwards ? "steps - 1 - s" : "s"
                let halves = k + 2 < stages.count && { if case .merge = stages[k + 2] { true } else { false } }()
                let halfOfPrevious =
                    k > 0 && k + 1 < stages.count
                    && { if case .merge = stages[k + 1] { true } else { false } }()
                // A layer reading backwards reads the rows and their mask last first and passes its
                // rows on in that order; the mask stays in time order (Keras's rules).
                let rows = r.goBackwards ? "xs[::-1], None if mask is None else mask[::-1]" : "xs, mask"
                let result = halves ? "forward" : halfOfPrevious ? "backward" : "ys"
                lines += [
                    "    def trace\(k)(s, vectors, masked=False):",
                    "        trace(\(Self.pyString(plan.tracedName(k))), \(t), vectors, masked)",
                    "    \(result) = layer\(k)(\(rows), trace\(k))",
                ]
                if !halves && !halfOfPrevious {
                    lines.append(r.returnSequences ? "    xs = ys" : "    xs = ys[-1:]")
                    if !r.returnSequences { lines.append("    mask = None") }
                }
            case .merge(let merge, _):
                // The backward rows flipped back into time order, then merged row by row.
                let sequences = plan.sequences[k]
                let pair =
                    sequences ? "zip(forward, backward[::-1])" : "[(forward[-1], backward[-1])]"
                let expression =
                    switch merge {
                    case .concat, .none: "np.concatenate([f, b])"
                    case .sum: "f + b"
                    case .mul: "f * b"
                    case .ave: "(f + b) / f32(2)"
                    }
                lines.append("    xs = [\(expression) for f, b in \(pair)]")
                if !sequences { lines.append("    mask = None") }
            case .flatten:
                lines += ["    xs = [np.concatenate(xs)]", "    mask = None"]
            case .masking(let value):
                // Keras's Masking: a row equal to the value everywhere is skipped, and reaches
                // the layers after it as zeros.
                lines += [
                    "    mask = [bool(np.any(x != f32(\(value)))) for x in xs]",
                    "    xs = [x if m else np.zeros_like(x) for x, m in zip(xs, mask)]",
                ]
            case .dense, .activation:
                lines.append("    xs = layer\(k)(xs, None)")
            }
        }
        lines.append("    return xs")
        return lines
    }

    /// A Flatten fixes the window's length: a window of another one is refused with a message.
    private var flattenCheck: [String] {
        guard let steps = stages.lazy.compactMap({ if case .flatten(let t) = $0 { t } else { nil } }).first else {
            return []
        }
        return [
            "    if window.shape[0] != \(steps):",
            "        sys.exit(\"%s: %d rows; the model's Flatten needs exactly \(steps)\" % (path, window.shape[0]))",
        ]
    }

    private var mainFunction: [String] {
        [
            "def main(argv):",
            "    tracing = len(argv) == 3 and argv[1] == \"--trace\"",
            "    if not (len(argv) == 2 or tracing):",
            "        sys.exit(\"usage: model.py WINDOW.npy | --trace WINDOW.npy\")",
            "    path = argv[-1]",
            "    if path.endswith(\".csv\"):",
            "        window = np.loadtxt(path, delimiter=\",\", ndmin=2, dtype=f32)",
            "    else:",
            "        window = np.load(path).astype(f32)",
            "        if window.ndim == 3 and window.shape[0] == 1:",
            "            window = window[0]",
            "    if window.ndim != 2 or window.shape[1] != \(model.inputSize):",
            "        shape = window.shape",
            "        sys.exit(\"%s: the window must be (T, \(model.inputSize)); this one is %s\" % (path, shape))",
        ] + flattenCheck + [
            "    rows = []",
            "",
            "    def keep(layer, t, vectors, masked):",
            "        if tracing:",
            "            quoted = any(c in layer for c in ',\"\\n')",
            "            name = '\"' + layer.replace('\"', '\"\"') + '\"' if quoted else layer",
            "            for vector, values in vectors.items():",
            "                for unit, value in enumerate(values):",
            "                    rows.append(\"%s,%d,%s,%d,%.9g\" % (name, t, vector, unit, value))",
            "                if vector == \"x\" and masked:",
            "                    rows.append(\"%s,%d,masked,0,1\" % (name, t))",
            "",
            "    out = np.concatenate([np.atleast_1d(y) for y in run(window, keep)]).astype(f32)",
            "    if tracing:",
            "        print(\"layer,t,vector,unit,value\")",
            "        print(\"\\n\".join(rows))",
            "        for unit, value in enumerate(out):",
            "            print(\"output,,y,%d,%.9g\" % (unit, value))",
            "    else:",
            "        print(json.dumps([float(v) for v in out]))",
            "",
            "",
            "if __name__ == \"__main__\":",
            "    main(sys.argv)",
        ]
    }
}

extension String {
    /// `\\x07`, a control character as a Python escape.
    init(format4 value: UInt32) {
        let digits = String(value, radix: 16)
        self = "\\x" + String(repeating: "0", count: 2 - digits.count) + digits
    }
}
