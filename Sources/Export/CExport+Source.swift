import LSTMCore

/// The text of the exported files.
extension CExport {
    /// `0.25f`, the shortest float32 literal that reads back as `x`.
    static func literal(_ x: Float) -> String {
        if x.isNaN { return "NAN" }
        if x.isInfinite { return x > 0 ? "INFINITY" : "(-INFINITY)" }
        let text = x.description
        return text.contains(".") || text.contains("e") ? text + "f" : text + ".0f"
    }

    /// `static const float name[n] = { … };`, eight values a line.
    static func table(_ name: String, _ values: [Float]) -> String {
        var lines: [String] = []
        for start in stride(from: 0, to: values.count, by: 8) {
            lines.append(
                "    " + values[start..<min(start + 8, values.count)].map(literal).joined(separator: ", ") + ",")
        }
        return
            "static const float \(name)[\(max(values.count, 1))] = {\n"
            + (values.isEmpty ? "    0.0f," : lines.joined(separator: "\n")) + "\n};"
    }

    var upper: String { prefix.uppercased() }

    /// The state struct's fields: each recurrent layer's state and the vectors of its last step
    /// (the trace), each stage's output, scratch for the sums; all sized at compile time.
    var stateFields: [String] {
        // After a Masking layer: whether this step's row is kept, and per recurrent layer whether
        // it skipped the step (state carried) and what it passes on.
        var fields: [String] = model.masks ? ["int mask;"] : []
        for (k, stage) in stages.enumerated() {
            let n = inputWidth(k)
            switch stage {
            case .lstm(let l):
                let hu = l.units
                fields += [
                    "float in\(k)[\(n)];", "float h\(k)[\(hu)];", "float c\(k)[\(hu)];", "float i\(k)[\(hu)];",
                    "float f\(k)[\(hu)];", "float c_tilde\(k)[\(hu)];", "float o\(k)[\(hu)];",
                    "float z\(k)[\(4 * hu)];",
                ]
            case .gru(let g):
                let hu = g.units
                fields += [
                    "float in\(k)[\(n)];", "float h\(k)[\(hu)];", "float z\(k)[\(hu)];", "float r\(k)[\(hu)];",
                    "float h_tilde\(k)[\(hu)];", "float from_input\(k)[\(3 * hu)];", "float from_state\(k)[\(3 * hu)];",
                ]
            case .simpleRNN(let s):
                fields += ["float in\(k)[\(n)];", "float h\(k)[\(s.units)];", "float sum\(k)[\(s.units)];"]
            case .dense(let d):
                fields += ["float out\(k)[\(d.units)];"]
            case .activation, .masking:
                fields += ["float out\(k)[\(n)];"]
            case .merge, .flatten:
                continue
            }
            fields += hybridFields(k, stage)
            if model.masks, let r = stage.recurrentLayer {
                fields += ["int skipped\(k);", "float out\(k)[\(r.units)];"]
            }
        }
        if !plan.streams {
            // The whole window's rows, layer by layer (two buffers taking turns), and its mask.
            fields += ["float seq_a[\(upper)_SEQUENCE_FLOATS];", "float seq_b[\(upper)_SEQUENCE_FLOATS];"]
            if model.masks { fields.append("int row_kept[\(upper)_MAX_STEPS];") }
        }
        return fields
    }

    // MARK: The header

    var header: String {
        """
        \(commentBlock)
        #ifndef \(upper)_H
        #define \(upper)_H
        \(hasHybridStage ? "\n#include <stdint.h>  /* the int8 hybrid layers' scratch */\n" : "")

        /* Values per input row (xu) and per output row. */
        #define \(upper)_INPUTS \(model.inputSize)
        #define \(upper)_OUTPUTS \(outputWidth)
        /* 1 when the model outputs a row per time step (its last recurrent layer returns sequences
           and no Flatten follows). */
        #define \(upper)_OUTPUT_PER_STEP \(outputPerStep ? 1 : 0)
        \(modeDefinitions)
        /* Everything the model carries and computes, sized at compile time: no malloc anywhere. */
        typedef struct {
        \(stateFields.map { "    " + $0 }.joined(separator: "\n"))
        } \(prefix)_state;

        /* \(startComment) */
        void \(prefix)_reset(\(prefix)_state *s);
        \(stepDeclaration)
        /* A whole window of `steps` rows (row-major, steps × INPUTS) from that state, as Keras's
           model.predict(window[None])[0]: y gets OUTPUTS values, or steps × OUTPUTS with
           OUTPUT_PER_STEP. \(predictReturns) */
        int \(prefix)_predict(\(prefix)_state *s, const float *window, int steps, float *y);

        /* The same, calling observe(context, s, layer, t) after every step of every recurrent layer
           (layer: its place in the trace, 0 first; t: the step as lstmscope's trace numbers it, the
           row of the layer's input it read, from the window's end for a layer reading backwards), with the layer's
           vectors of that step in s (lstmscope's trace is made of them; main.c prints it so). */
        typedef void (*\(prefix)_observer)(void *context, const \(prefix)_state *s, int layer, int t);
        int \(prefix)_predict_observed(\(prefix)_state *s, const float *window, int steps, float *y,
        \(observedIndent)\(prefix)_observer observe, void *context);

        #endif

        """
    }

    /// What `_reset` sets, said in the header.
    private var startComment: String {
        let given = model.tracedLayers.filter { $0.initialState != nil }.map { Self.commentSafe($0.name) }
        guard !given.isEmpty else { return "The zero state every Keras window starts from." }
        return "The state every window starts from: the initial state the model file gives "
            + "\(given.joined(separator: ", ")),\n   zeros for the rest."
    }

    /// What `_predict` returns, said in the header.
    private var predictReturns: String {
        plan.streams
            ? "Returns 0, or -1 (y untouched) for a window of no rows."
            : flattens
                ? "Returns 0, or -1 (y untouched) for a window not of\n   exactly MAX_STEPS rows."
                : "Returns 0, or -1 (y untouched) for a window of no rows\n   or of more than MAX_STEPS."
    }

    /// The macros that say how the model runs: a streaming model's reading order, or a
    /// whole-window model's buffers.
    private var modeDefinitions: String {
        if plan.streams {
            return """
                /* 1 when the first recurrent layer reads the window last row first (Keras go_backwards):
                   \(prefix)_predict then feeds the rows in that order, and \(prefix)_step is called in it. */
                #define \(upper)_READS_BACKWARDS \(readsBackwards ? 1 : 0)

                """
        }
        let limit =
            flattens
            ? "#define \(upper)_MAX_STEPS \(maxSteps)  /* exactly: the Flatten's Dense is sized for it */"
            : "#ifndef \(upper)_MAX_STEPS\n#define \(upper)_MAX_STEPS \(maxSteps)\n#endif"
        return """
            /* This model needs the whole window before it can finish:
               \(Self.commentSafe(plan.wholeWindowReason!)).
               So there is no \(prefix)_step: \(prefix)_predict runs it layer by layer over rows held in
               the state, \(rowsHeld) */
            \(limit)
            #define \(upper)_SEQUENCE_FLOATS \(sequenceFloats)
            #if \(upper)_MAX_STEPS < 1 || \(upper)_MAX_STEPS > 2147483647 / \(widestSequence ?? 1)
            #error "\(upper)_MAX_STEPS is out of range for this model's buffers"
            #endif

            """
    }

    /// How many rows a whole-window build holds.
    private var rowsHeld: String {
        flattens ? "exactly MAX_STEPS of them." : "at most MAX_STEPS of them (-D\(upper)_MAX_STEPS=N for more)."
    }

    /// Spaces that line a second line of `_predict_observed`'s parameters up with the first.
    var observedIndent: String { String(repeating: " ", count: "int \(prefix)_predict_observed(".count) }

    /// `<prefix>_step`, for a model that streams.
    private var stepDeclaration: String {
        guard plan.streams else { return "" }
        return """

            /* One time step of the whole stack on input row x; y gets the output had the window
               ended here (with OUTPUT_PER_STEP, this step's output row). */
            void \(prefix)_step(\(prefix)_state *s, const float x[\(upper)_INPUTS], float y[\(upper)_OUTPUTS]);

            """
    }

    /// Where the model came from: `tutorial.keras (.keras (Keras 3 archive), Keras 3.15.1)`.
    private var origin: String {
        let p = model.provenance
        return (p.path.isEmpty ? "a model in memory" : p.path) + " (\(p.format.description)"
            + (p.kerasVersion.map { ", Keras \($0)" } ?? "") + ")"
    }

    /// `text` safe inside a C comment: no `*/` or `/*`, no backslash (a line splice), no `??`
    /// (a trigraph), no control characters. Names and paths come from the file.
    static func commentSafe(_ text: String) -> String {
        var out = String(text.unicodeScalars.map { $0.value < 0x20 || $0 == "\\" ? " " : Character($0) })
        for (bad, good) in [("*/", "* /"), ("/*", "/ *"), ("??", "? ?")] {
            while out.contains(bad) { out = out.replacingAll(bad, with: good) }
        }
        return out
    }

    /// What the model is, where it came from, the gate layout and the equations.
    var commentBlock: String {
        var lines = [
            "\(prefix): \(model.chainDescription), exported by lstmscope from",
            "   \(origin).",
            "",
        ]
        for stage in stages {
            switch stage {
            case .lstm(let l):
                let hu = l.units, rec = l.recurrentActivation.kerasName, act = l.activation.kerasName
                lines += [
                    "   \(l.name): LSTM(\(hu)) on \(l.inputSize) inputs; W (\(l.inputSize), 4·\(hu)), "
                        + "U (\(hu), 4·\(hu)), b (4·\(hu))",
                    "     gate blocks along the 4·hu axis: " + GateBlock.layoutText(LSTMLayer.gateLayout!, units: hu),
                    "     z = x·W + h·U + b; i = \(rec)(z_i), f = \(rec)(z_f),",
                    "     c~ = \(act)(z_c), o = \(rec)(z_o); c = f*c + i*c~; h = o*\(act)(c)",
                ]
            case .gru(let g):
                lines += [
                    "   \(g.name): GRU(\(g.units)) on \(g.inputSize) inputs, "
                        + "reset_after=\(g.resetAfter ? "True" : "False");",
                    "     gate blocks along the 3·hu axis: "
                        + GateBlock.layoutText(GRULayer.gateLayout!, units: g.units),
                    g.resetAfter
                        ? "     h~ = \(g.activation.kerasName)(x·Wh + bh + r*(h·Uh + b'h)); h = z*h + (1 - z)*h~"
                        : "     h~ = \(g.activation.kerasName)(x·Wh + bh + (r*h)·Uh); h = z*h + (1 - z)*h~",
                ]
            case .simpleRNN(let r):
                lines.append("   \(r.name): SimpleRNN(\(r.units)): h = \(r.activation.kerasName)(x·W + h·U + b)")
            case .dense(let d):
                lines.append(
                    "   \(d.name): Dense(\(d.units)), \(d.activation.kerasName): "
                        + "y = \(d.activation.kerasName)(x·W + b)"
                )
            case .activation(let a):
                lines.append("   Activation(\(a.kerasName))")
            case .masking(let value):
                lines.append("   Masking(\(value)): a row equal to it everywhere is skipped, the state carried")
            case .merge(let merge, _):
                lines.append(
                    "   Bidirectional, merge \(merge.rawValue): of the two layers above, the second reads the other "
                        + "way from the first;")
                lines.append("     the backward rows are flipped back into time order and merged with the forward ones")
            case .flatten(let steps):
                lines.append("   Flatten: the \(steps) rows, one after another, as one row")
            }
            if let h = stage.hybrid {
                let recurrent = h.recurrentKernel != nil
                lines.append(
                    "     int8 hybrid (TFLite dynamic range): W\(recurrent ? " and U" : "") int8 with a scale per "
                        + "column, its input quantized to int8 every \(recurrent ? "step" : "call") "
                        + "(\(h.inputs.rawValue)),")
                lines.append("     products summed in int32; tanh and sigmoid are Eigen's, as the TFLite interpreter's")
            }
        }
        lines += [
            "",
            "   Build: \(buildLine(directory: "."))",
            "   Numbers agree with lstmscope's replay (and Keras) to float32 rounding: the sums run in the",
            "   order lstmscope's readable steps run them; tanh and sigmoid are lstmscope's kernel's",
            "   approximations (within 4.2e-7 of libm's tanhf and expf, and vectorised by cc -O2), or libm's",
            "   own with -D\(upper)_LIBM_ACTIVATIONS.",
        ]
        if hasHybridStage {
            lines += [
                "   The int8 hybrid layers compute as TFLite's x86 build does, in the replay's order, and so",
                "   equal the TFLite interpreter (the int8 codes are the same); they must be built without",
                "   fused multiply-adds (the pragmas at the top of the .c tell gcc and clang).",
            ]
        }
        return "/* " + lines.map(Self.commentSafe).joined(separator: "\n") + " */"
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
