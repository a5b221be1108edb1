import LSTMCore

/// `<prefix>.c`: the weights and one step function per stage.
extension CExport {
    var source: String {
        var out = [
            commentBlock, "#include <math.h>", "#include <stdint.h>", "#include <string.h>",
            "#include \"\(prefix).h\"", "",
        ]
        if hasHybridStage {
            // The int8 codes depend on every rounding: no fused multiply-adds (gcc -std=c99 makes none).
            out += [
                "#if defined(__clang__)", "#pragma STDC FP_CONTRACT OFF",
                "#elif defined(__GNUC__)", "#pragma GCC optimize(\"fp-contract=off\")", "#endif", "",
            ]
        }
        out += [
            "/* max and min as lstmscope's replay takes them: a NaN argument stays NaN (fmaxf would drop it). */",
            "#define MAXF(a, b) ((b) >= (a) ? (b) : (a))", "#define MINF(a, b) ((b) < (a) ? (b) : (a))", "",
        ]
        out += activationFunctions
        out.append("")
        if hasHybridStage { out.append(Self.hybridFunctions) }
        for (k, stage) in stages.enumerated() {
            switch stage {
            case .merge, .flatten: continue  // no step of their own: the window's passes do them
            default: break
            }
            out +=
                (stage.hybrid == nil ? weightTables(k, stage) : hybridTables(k, stage) + biasTables(k, stage))
                + startTables(k, stage)
            out.append(stepFunction(k, stage))
            out.append("")
        }
        out.append(resetFunction)
        if plan.streams {
            out += [stackStep, streamingPredict]
        } else {
            out.append(windowPredict)
        }
        out.append(predictFunction)
        return out.joined(separator: "\n") + "\n"
    }

    /// The activation functions the stages call: an LSTM calls each on a whole gate block
    /// (`act_tanh_64(y, x)`, which vectorises), the others one value at a time.
    private var activationFunctions: [String] {
        var scalar: [Activation] = []
        var arrays: [(Activation, Int)] = []
        func use(_ a: Activation) { if !scalar.contains(a) && !a.isRowWise { scalar.append(a) } }
        func use(_ a: Activation, count: Int) {
            if !arrays.contains(where: { $0 == (a, count) }) { arrays.append((a, count)) }
        }
        for stage in stages {
            if stage.hybrid != nil {
                // Eigen's tanh and σ (hybridFunctions); any other activation exactly.
                for a in stage.activations where !CActivations.isApproximated(a) && a != .linear && !a.isRowWise {
                    use(a)
                }
                continue
            }
            switch stage {
            case .lstm(let l):
                for a in [l.recurrentActivation, l.activation] {
                    use(a, count: l.units)
                    if !CActivations.isApproximated(a) && a != .linear { use(a) }
                }
            case .gru(let g): [g.activation, g.recurrentActivation].forEach(use)
            case .simpleRNN(let r): use(r.activation)
            // A Dense or Activation layer calls its function only when it is not linear.
            case .dense(let d) where d.activation != .linear: use(d.activation)
            case .activation(let a) where a != .linear: use(a)
            case .dense, .activation: break
            case .masking, .merge, .flatten: break
            }
        }
        // A scalar tanh or σ calls its one-value array form.
        for a in scalar where CActivations.isApproximated(a) { use(a, count: 1) }
        let macro = "\(upper)_LIBM_ACTIVATIONS"
        // The approximations first (the scalar tanh and σ call them), then the scalar functions,
        // then the loops of scalar ones.
        let approximated = arrays.filter { CActivations.isApproximated($0.0) }
        let looped = arrays.filter { !CActivations.isApproximated($0.0) }
        // ONNX's clip of a GRU's or RNN's pre-activations, one value at a time.
        let clips = stages.contains {
            switch $0 {
            case .gru(let g): g.preactivationClip != nil
            case .simpleRNN(let r): r.preactivationClip != nil
            default: false
            }
        }
        let clip = "static float clip_f(float v, float limit) { return MAXF(MINF(limit, v), -limit); }\n"
        return approximated.map { CActivations.arrayFunction($0.0, count: $0.1, libmMacro: macro) + "\n" }
            + scalar.map(CActivations.definition)
            + looped.map { "\n" + CActivations.arrayFunction($0.0, count: $0.1, libmMacro: macro) }
            + (clips ? ["\n" + clip] : [])
    }

    /// `expression`, clamped to ±clip when the layer has ONNX's clip.
    private func clipped(_ expression: String, _ clip: Float?) -> String {
        clip.map { "clip_f(\(expression), \(CExport.literal($0)))" } ?? expression
    }

    /// A hybrid stage's float biases (its matrices are ``hybridTables(_:_:)``).
    private func biasTables(_ k: Int, _ stage: Stage) -> [String] {
        switch stage {
        case .lstm(let l): l.bias.map { [Self.table("b\(k)", $0)] } ?? []
        case .dense(let d): d.bias.map { [Self.table("b\(k)", $0)] } ?? []
        default: []
        }
    }

    private func weightTables(_ k: Int, _ stage: Stage) -> [String] {
        switch stage {
        case .lstm(let l):
            [Self.table("W\(k)", l.kernel.values), Self.table("U\(k)", l.recurrentKernel.values)]
                + (l.bias.map { [Self.table("b\(k)", $0)] } ?? [])
        case .gru(let g):
            [Self.table("W\(k)", g.kernel.values), Self.table("U\(k)", g.recurrentKernel.values)]
                + (g.inputBias.map { [Self.table("b\(k)", $0)] } ?? [])
                + (g.recurrentBias.map { [Self.table("b_rec\(k)", $0)] } ?? [])
        case .simpleRNN(let r):
            [Self.table("W\(k)", r.kernel.values), Self.table("U\(k)", r.recurrentKernel.values)]
                + (r.bias.map { [Self.table("b\(k)", $0)] } ?? [])
        case .dense(let d):
            [Self.table("W\(k)", d.kernel.values)] + (d.bias.map { [Self.table("b\(k)", $0)] } ?? [])
        case .activation, .masking, .merge, .flatten: []
        }
    }

    /// `v` clamped to ±clip (TFLite's cell clip, ONNX's clip of z), NaN kept as it is; in a loop
    /// over j of its own when `count` is given.
    func clamp(_ v: String, _ clip: Float, count: Int?) -> String {
        let limit = CExport.literal(clip)
        // As the replay clamps (Swift's max(min(clip, v), -clip), TFLite's std::max/std::min): NaN
        // becomes +clip, so the exported numbers stay the replay's there too.
        let body = "\(v) = MAXF(MINF(\(limit), \(v)), -\(limit));"
        return count.map { "    for (j = 0; j < \($0); j++) { \(body) }" } ?? "    " + body
    }

    /// sums[j] += v·M[:, j] for a (rows, columns) row-major table, row by row (the readable
    /// step's order). Four rows a pass, each column's sum still taken in row order (so the same
    /// numbers): sums is read and written a quarter as often, which is most of the product's time.
    private func product(
        _ sums: String, _ v: String, _ m: String, rows: Int, columns width: Int
    ) -> String {
        let columns = width
        let one = """
                    const float a = \(v)[k];
                    const float *row = \(m) + k * \(width);
                    for (j = 0; j < \(columns); j++) \(sums)[j] += a * row[j];
                }
            """
        guard rows >= 4 else { return "    for (k = 0; k < \(rows); k++) {\n" + one }
        let four = """
                for (k = 0; k + 4 <= \(rows); k += 4) {
                    const float a0 = \(v)[k], a1 = \(v)[k + 1], a2 = \(v)[k + 2], a3 = \(v)[k + 3];
                    const float *r0 = \(m) + k * \(width), *r1 = r0 + \(width), *r2 = r1 + \(width);
                    const float *r3 = r2 + \(width);
                    for (j = 0; j < \(columns); j++) {
                        \(sums)[j] = (((\(sums)[j] + a0 * r0[j]) + a1 * r1[j]) + a2 * r2[j]) + a3 * r3[j];
                    }
                }
            """
        return rows % 4 == 0 ? four : four + "\n    for (; k < \(rows); k++) {\n" + one
    }

    private func stepFunction(_ k: Int, _ stage: Stage) -> String {
        let n = inputWidth(k)
        let loops: String
        switch stage {
        case .activation, .masking, .merge, .flatten: loops = "int j;"
        default: loops = "int j, k;"
        }
        var head = "static void step\(k)(\(prefix)_state *s, const float *x) {\n    \(loops)\n"
        // The input is kept first, so a skipped step's trace has its row as x too.
        if stage.isRecurrent { head += "    memcpy(s->in\(k), x, sizeof s->in\(k));\n" }
        if model.masks, let r = stage.recurrentLayer {
            // A skipped step: no gate is computed (zeros), the state is carried, the output is
            // the carried h or zeros (zero_output_for_mask).
            let gates = r.vectorNames.filter { !$0.isState }.map { "\($0.rawValue)\(k)" }
            let carried = r.zeroOutputForMask ? "0.0f" : "s->h\(k)[j]"
            head += """
                    s->skipped\(k) = !s->mask;
                    if (!s->mask) {
                \(gates.map { "        memset(s->\($0), 0, sizeof s->\($0));" }.joined(separator: "\n"))
                        for (j = 0; j < \(r.units); j++) s->out\(k)[j] = \(carried);
                        (void)k;
                        return;
                    }

                """
        }
        switch stage {
        case .lstm(let l) where l.hybrid != nil:
            return hybridLSTMStep(k, l, l.hybrid!, head: head) { clamp("s->z\(k)[j]", $0, count: 4 * l.units) }
        case .dense(let d) where d.hybrid != nil:
            return hybridDenseStep(
                k, d, d.hybrid!, head: head, rowActivation: rowActivation(d.activation, "s->out\(k)", d.units))
        case .lstm(let l):
            let hu = l.units, rec = CActivations.name(l.recurrentActivation), act = CActivations.name(l.activation)
            return head + """
                    for (j = 0; j < \(4 * hu); j++) s->z\(k)[j] = 0.0f;
                \(product("s->z\(k)", "x", "W\(k)", rows: n, columns: 4 * hu))
                \(product("s->z\(k)", "s->h\(k)", "U\(k)", rows: hu, columns: 4 * hu))
                \(l.bias == nil ? "" : "    for (j = 0; j < \(4 * hu); j++) s->z\(k)[j] += b\(k)[j];")
                \(l.preactivationClip.map { clamp("s->z\(k)[j]", $0, count: 4 * hu) } ?? "")
                    /* Each activation on a whole gate block, so it vectorises. */
                    \(rec)_\(hu)(s->i\(k), s->z\(k));
                \(l.couplesForgetGate
                    ? "    for (j = 0; j < \(hu); j++) s->f\(k)[j] = 1.0f - s->i\(k)[j];  /* input_forget */"
                    : "    \(rec)_\(hu)(s->f\(k), s->z\(k) + \(hu));")
                    \(act)_\(hu)(s->c_tilde\(k), s->z\(k) + \(2 * hu));
                    \(rec)_\(hu)(s->o\(k), s->z\(k) + \(3 * hu));
                    for (j = 0; j < \(hu); j++) {
                        s->c\(k)[j] = s->f\(k)[j] * s->c\(k)[j] + s->i\(k)[j] * s->c_tilde\(k)[j];
                \(l.cellClip.map { "        " + clamp("s->c\(k)[j]", $0, count: nil) } ?? "")
                    }
                    \(act)_\(hu)(s->h\(k), s->c\(k));
                    for (j = 0; j < \(hu); j++) s->h\(k)[j] *= s->o\(k)[j];
                }
                """
        case .gru(let g):
            let hu = g.units, rec = CActivations.name(g.recurrentActivation), act = CActivations.name(g.activation)
            let fi = "s->from_input\(k)", fs = "s->from_state\(k)"
            let c = g.preactivationClip
            let resetAfterSum = "\(fi)[\(2 * hu) + j] + s->r\(k)[j] * \(fs)[\(2 * hu) + j]"
            let candidate =
                g.resetAfter
                ? "s->h_tilde\(k)[j] = \(act)(\(clipped(resetAfterSum, c)));"
                : """
                float sum = 0.0f;
                        for (k = 0; k < \(hu); k++) {
                            sum += (s->r\(k)[k] * s->h\(k)[k]) * U\(k)[k * \(3 * hu) + \(2 * hu) + j];
                        }
                        s->h_tilde\(k)[j] = \(act)(\(clipped("\(fi)[\(2 * hu) + j] + sum", c)));
                """
            return head + """
                    for (j = 0; j < \(3 * hu); j++) {
                        \(fi)[j] = \(g.inputBias == nil ? "0.0f" : "b\(k)[j]");
                        \(fs)[j] = \(g.recurrentBias == nil ? "0.0f" : "b_rec\(k)[j]");
                    }
                \(product(fi, "x", "W\(k)", rows: n, columns: 3 * hu))
                \(product(fs, "s->h\(k)", "U\(k)", rows: hu, columns: 3 * hu))
                    for (j = 0; j < \(hu); j++) {
                        s->z\(k)[j] = \(rec)(\(clipped("\(fi)[j] + \(fs)[j]", c)));
                        s->r\(k)[j] = \(rec)(\(clipped("\(fi)[\(hu) + j] + \(fs)[\(hu) + j]", c)));
                    }
                    for (j = 0; j < \(hu); j++) {
                        \(candidate)
                    }
                    for (j = 0; j < \(hu); j++) {
                        s->h\(k)[j] = s->z\(k)[j] * s->h\(k)[j] + (1.0f - s->z\(k)[j]) * s->h_tilde\(k)[j];
                    }
                }
                """
        case .simpleRNN(let r):
            let hu = r.units, rnnActivation = CActivations.name(r.activation)
            return head + """
                    for (j = 0; j < \(hu); j++) s->sum\(k)[j] = \(r.bias == nil ? "0.0f" : "b\(k)[j]");
                \(product("s->sum\(k)", "x", "W\(k)", rows: n, columns: hu))
                \(product("s->sum\(k)", "s->h\(k)", "U\(k)", rows: hu, columns: hu))
                    for (j = 0; j < \(hu); j++) {
                        s->h\(k)[j] = \(rnnActivation)(\(clipped("s->sum\(k)[j]", r.preactivationClip)));
                    }
                }
                """
        case .dense(let d):
            return head + """
                    for (j = 0; j < \(d.units); j++) s->out\(k)[j] = \(d.bias == nil ? "0.0f" : "b\(k)[j]");
                \(product("s->out\(k)", "x", "W\(k)", rows: n, columns: d.units))
                \(rowActivation(d.activation, "s->out\(k)", d.units))
                }
                """
        case .activation(let a):
            return head + """
                    for (j = 0; j < \(n); j++) s->out\(k)[j] = x[j];
                \(rowActivation(a, "s->out\(k)", n))
                }
                """
        case .masking(let value):
            return head + """
                    s->mask = 0;
                    for (j = 0; j < \(n); j++) if (x[j] != \(Self.literal(value))) s->mask = 1;
                    for (j = 0; j < \(n); j++) s->out\(k)[j] = s->mask ? x[j] : 0.0f;
                }
                """
        case .merge, .flatten:
            preconditionFailure("merges and flattens have no step function")
        }
    }

    /// `v` (n values) through `a` in place; softmax and log-softmax over the whole row.
    private func rowActivation(_ a: Activation, _ v: String, _ n: Int) -> String {
        switch a {
        case .linear: return ""
        case .softmax:
            return """
                    {
                        float m = \(v)[0], sum = 0.0f;
                        for (j = 1; j < \(n); j++) if (\(v)[j] > m) m = \(v)[j];
                        for (j = 0; j < \(n); j++) { \(v)[j] = expf(\(v)[j] - m); sum += \(v)[j]; }
                        for (j = 0; j < \(n); j++) \(v)[j] /= sum;
                    }
                """
        case .logSoftmax:
            return """
                    {
                        float m = \(v)[0], sum = 0.0f;
                        for (j = 1; j < \(n); j++) if (\(v)[j] > m) m = \(v)[j];
                        for (j = 0; j < \(n); j++) sum += expf(\(v)[j] - m);
                        for (j = 0; j < \(n); j++) \(v)[j] = \(v)[j] - m - logf(sum);
                    }
                """
        default: return "    for (j = 0; j < \(n); j++) \(v)[j] = \(CActivations.name(a))(\(v)[j]);"
        }
    }

    /// The field a stage leaves its output in (a recurrent layer after a Masking layer passes on
    /// `out`, which a skipped step may zero).
    func output(of k: Int) -> String {
        switch stages[k] {
        case .lstm, .gru, .simpleRNN: model.masks ? "s->out\(k)" : "s->h\(k)"
        case .dense, .activation, .masking: "s->out\(k)"
        case .merge, .flatten: preconditionFailure("merges and flattens pass on a window's rows, not a step's")
        }
    }

    /// The initial state a converted file gives a layer (ONNX `initial_h`, `initial_c`), a table
    /// per state vector: `h_start0`, `c_start0`.
    private func startTables(_ k: Int, _ stage: Stage) -> [String] {
        guard let layer = stage.recurrentLayer, let start = layer.initialState else { return [] }
        return zip(layer.stateNames, start).map { Self.table("\($0.rawValue)_start\(k)", $1) }
    }

    private var resetFunction: String {
        let starts = stages.indices.flatMap { k -> [String] in
            guard let layer = stages[k].recurrentLayer, layer.initialState != nil else { return [] }
            return layer.stateNames.map { "    memcpy(s->\($0)\(k), \($0)_start\(k), sizeof s->\($0)\(k));" }
        }
        guard !starts.isEmpty else { return "void \(prefix)_reset(\(prefix)_state *s) { memset(s, 0, sizeof *s); }\n" }
        return
            ([
                "void \(prefix)_reset(\(prefix)_state *s) {", "    memset(s, 0, sizeof *s);",
                "    /* The initial states the model file gives (not zeros). */",
            ] + starts + ["}", ""])
            .joined(separator: "\n")
    }

    private var stackStep: String {
        var body = [
            "void \(prefix)_step(\(prefix)_state *s, const float x[\(upper)_INPUTS], float y[\(upper)_OUTPUTS]) {"
        ]
        var input = "x"
        if model.masks { body.append("    s->mask = 1;") }
        for k in stages.indices {
            body.append("    step\(k)(s, \(input));")
            if model.masks, let r = stages[k].recurrentLayer {
                // A step that ran passes on its h.
                body.append("    if (s->mask) memcpy(s->out\(k), s->h\(k), sizeof s->out\(k));")
                if !r.returnSequences { body.append("    s->mask = 1;") }
            }
            input = output(of: k)
        }
        body.append("    memcpy(y, \(input), sizeof(float) * \(upper)_OUTPUTS);")
        body.append("}\n")
        return body.joined(separator: "\n")
    }

    /// A streaming model's window: the stack one step at a time, each layer observed after it.
    private var streamingPredict: String {
        let row = readsBackwards ? "steps - 1 - t" : "t"
        let observations = stages.indices.filter { stages[$0].isRecurrent }.map { k in
            let t = stages[k].recurrentLayer!.goBackwards ? "row" : "t"
            return "            observe(context, s, \(plan.tracedIndex(k)), \(t));"
        }
        return """
            int \(prefix)_predict_observed(\(prefix)_state *s, const float *window, int steps, float *y,
            \(observedIndent)\(prefix)_observer observe, void *context) {
                int t;
                if (steps < 1) return -1;
                \(prefix)_reset(s);
                for (t = 0; t < steps; t++) {
                    const int row = \(row);
                    float *out = \(upper)_OUTPUT_PER_STEP ? y + (size_t)t * \(upper)_OUTPUTS : y;
                    \(prefix)_step(s, window + (size_t)row * \(upper)_INPUTS, out);
                    if (observe) {
            \(observations.joined(separator: "\n"))
                    }
                }
                return 0;
            }

            """
    }

    private var predictFunction: String {
        """
        int \(prefix)_predict(\(prefix)_state *s, const float *window, int steps, float *y) {
            return \(prefix)_predict_observed(s, window, steps, y, 0, 0);
        }
        """
    }
}
