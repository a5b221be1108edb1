import LSTMCore

/// `<prefix>_predict_observed` of a model that needs the whole window (a Bidirectional, a
/// Flatten, a layer reading backwards above another): each layer runs over every row before the
/// next starts, its rows in two buffers of the state (`seq_a`, `seq_b`) that take turns.
///
/// It keeps the walker's rules: a recurrent layer reads its input rows in its own order and
/// passes them on in that order, the mask stays in time order (so a layer above a backwards one
/// pairs reversed rows with the unreversed mask, as Keras does), a Bidirectional's backward rows
/// are flipped back into time order as they merge.
extension CExport {
    /// The floats each sequence buffer holds: the widest sequence a stage passes on, or the
    /// widest single row.
    /// The widest row a stage passes on per step, or nil when none passes on a sequence.
    var widestSequence: Int? { stages.indices.filter { plan.sequences[$0] }.map { plan.widths[$0] }.max() }

    var sequenceFloats: String {
        let sequence = stages.indices.filter { plan.sequences[$0] }.map { plan.widths[$0] }.max()
        let single = stages.indices.filter { !plan.sequences[$0] }.map { plan.widths[$0] }.max() ?? 1
        guard let sequence else { return "\(single)" }
        // (The header refuses a MAX_STEPS whose buffers int cannot count: see modeDefinitions.)
        return "(\(upper)_MAX_STEPS * \(sequence) > \(single) ? \(upper)_MAX_STEPS * \(sequence) : \(single))"
    }

    var windowPredict: String {
        var lines = [
            "int \(prefix)_predict_observed(\(prefix)_state *s, const float *window, int steps, float *y,",
            observedIndent + "\(prefix)_observer observe, void *context) {",
            "    const float *in = window;",
            "    float *out = s->seq_a;",
            "    int r, t, j, rows = steps;",
            flattens
                ? "    if (steps != \(upper)_MAX_STEPS) return -1;  /* the Flatten's Dense fixes the length */"
                : "    if (steps < 1 || steps > \(upper)_MAX_STEPS) return -1;",
            "    \(prefix)_reset(s);",
        ]
        if model.masks { lines.append("    for (t = 0; t < steps; t++) s->row_kept[t] = 1;") }
        let next = "    in = out; out = out == s->seq_a ? s->seq_b : s->seq_a;"
        var k = 0
        while k < stages.count {
            let stage = stages[k]
            if stage.isRecurrent, k + 2 < stages.count, case .merge(let merge, _) = stages[k + 2] {
                let width = plan.widths[k + 2], sequence = plan.sequences[k + 2]
                let name = Self.commentSafe(model.traced[plan.tracedIndex(k)].name)
                lines.append("    /* \(name) (Bidirectional): the forward half, then the backward half merged in: */")
                lines += recurrentPass(k, store: sequence ? .row(width, merge: nil) : .last(merge: nil))
                lines += recurrentPass(
                    k + 1, store: sequence ? .row(width, merge: merge) : .last(merge: merge))
                lines += [next, sequence ? "    rows = steps;" : "    rows = 1;"]
                k += 3
                continue
            }
            switch stage {
            case .lstm, .gru, .simpleRNN:
                let width = plan.widths[k], sequence = plan.sequences[k]
                lines.append("    /* \(Self.commentSafe(plan.tracedName(k))): */")
                lines += recurrentPass(k, store: sequence ? .reading(width) : .last(merge: nil))
                lines += [next, sequence ? "    rows = steps;" : "    rows = 1;"]
            case .flatten:
                lines.append("    rows = 1;  /* Flatten: the rows, one after another, are one row now */")
            case .dense, .activation, .masking:
                let input = inputWidth(k), width = plan.widths[k]
                var body = ["    for (t = 0; t < rows; t++) {", "        step\(k)(s, in + (size_t)t * \(input));"]
                if case .masking = stage { body.append("        s->row_kept[t] = s->mask;") }
                body += ["        memcpy(out + (size_t)t * \(width), s->out\(k), sizeof s->out\(k));", "    }", next]
                lines += body
            case .merge:
                preconditionFailure("a merge follows its Bidirectional's halves")
            }
            k += 1
        }
        lines += [
            "    (void)r; (void)j;",
            "    memcpy(y, in, sizeof(float) * (size_t)rows * \(upper)_OUTPUTS);",
            "    return 0;",
            "}",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// Where a recurrent pass puts what each step passes on.
    enum Store {
        /// Row r (its reading order) of a sequence `width` wide.
        case reading(Int)
        /// Row t (time order) of a sequence `width` wide, merged into what is there.
        case row(Int, merge: BidirectionalLayer.Merge?)
        /// Only the last step's, into row 0.
        case last(merge: BidirectionalLayer.Merge?)
    }

    /// Recurrent stage `k` over every row, in its reading order.
    private func recurrentPass(_ k: Int, store: Store) -> [String] {
        let layer = stages[k].recurrentLayer!
        var lines = [
            "    for (r = 0; r < steps; r++) {",
            "        t = \(layer.goBackwards ? "steps - 1 - r" : "r");",
        ]
        if model.masks { lines.append("        s->mask = s->row_kept[t];") }
        lines.append("        step\(k)(s, in + (size_t)t * \(inputWidth(k)));")
        if model.masks { lines.append("        if (s->mask) memcpy(s->out\(k), s->h\(k), sizeof s->out\(k));") }
        lines.append("        if (observe) observe(context, s, \(plan.tracedIndex(k)), t);")
        let passed = output(of: k)
        switch store {
        case .reading(let width):
            lines += [
                "        memcpy(out + (size_t)r * \(width), \(passed), sizeof(float) * \(layer.units));", "    }",
            ]
        case .row(let width, let merge):
            // The forward half's rows in its reading order, the backward half's flipped (as Keras
            // and the walker merge them, whichever half reads backwards).
            let row = merge == nil ? "(size_t)r" : "(size_t)(steps - 1 - r)"
            lines += [
                "        " + mergeLoop(into: "out + \(row) * \(width)", from: passed, layer.units, merge), "    }",
            ]
        case .last(let merge):
            lines += ["    }", "    " + mergeLoop(into: "out", from: passed, layer.units, merge)]
        }
        return lines
    }

    /// `units` values of `source` into `destination`: copied (a forward half, or one layer), or
    /// merged with what the forward half left there as Keras merges a Bidirectional's halves.
    private func mergeLoop(
        into destination: String, from source: String, _ units: Int, _ merge: BidirectionalLayer.Merge?
    ) -> String {
        let d = "(\(destination))[j]", v = "\(source)[j]"
        let body: String
        if let mode = merge {
            switch mode {
            case .concat, .none: body = "(\(destination))[\(units) + j] = \(v);"
            case .sum: body = "\(d) = \(d) + \(v);"
            case .mul: body = "\(d) = \(d) * \(v);"
            case .ave: body = "\(d) = (\(d) + \(v)) / 2.0f;"
            }
        } else {
            body = "\(d) = \(v);"
        }
        return "for (j = 0; j < \(units); j++) \(body)"
    }
}
