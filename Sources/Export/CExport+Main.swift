import LSTMCore

/// `main.c` and `README.txt`: run a window, print the trace, self-test.
extension CExport {
    /// A C string literal of `s`.
    static func cString(_ s: String) -> String {
        var out = "\""
        for byte in s.utf8 {
            switch byte {
            // `?` too: `??/` would be a trigraph under -std=c99.
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "?"): out += "\\" + String(UnicodeScalar(byte))
            case 0x20..<0x7F: out += String(UnicodeScalar(byte))
            default: out += String(format3: byte)
            }
        }
        return out + "\""
    }

    /// The trace CSV's name of recurrent stage `k`, quoted as `trace --format csv` quotes it.
    private func csvName(_ k: Int) -> String {
        let name = plan.tracedName(k)
        return name.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + name.replacingAll("\"", with: "\"\"") + "\"" : name
    }

    /// The observer that prints each recurrent layer's vectors of a step as trace CSV rows.
    private var printStep: String {
        var lines = [
            "static void print_vectors(void *context, const \(prefix)_state *st, int layer, int t) {",
            "    (void)context;",
            "    switch (layer) {",
        ]
        for (k, stage) in stages.enumerated() {
            guard let layer = stage.recurrentLayer else { continue }
            let name = Self.cString(csvName(k))
            lines.append("    case \(plan.tracedIndex(k)):")
            lines.append("        row(\(name), t, \"x\", st->in\(k), \(inputWidth(k)));")
            // A skipped step has a `masked` row and only the state it carried, as trace writes it.
            if model.masks {
                lines.append("        if (st->skipped\(k)) printf(\"%s,%d,masked,0,1\\n\", \(name), t);")
            }
            for vector in layer.vectorNames {
                let guardText = model.masks && !vector.isState ? "if (!st->skipped\(k)) " : ""
                lines.append(
                    "        \(guardText)row(\(name), t, \"\(vector.rawValue)\", "
                        + "st->\(vector.rawValue)\(k), \(layer.units));"
                )
            }
            lines.append("        break;")
        }
        lines += ["    }", "}"]
        return lines.joined(separator: "\n")
    }

    /// A C statement that exits with a message when a window of `steps` rows from `path` is one
    /// the build cannot run.
    private var stepsCheck: String {
        if plan.streams { return "(void)path; (void)steps;" }
        if flattens {
            return """
                if (steps != \(upper)_MAX_STEPS) {
                        fprintf(stderr, "%s: %d rows; the model's Flatten needs exactly %d\\n",
                                path, steps, \(upper)_MAX_STEPS);
                        exit(1);
                    }
                """
        }
        return """
            if (steps > \(upper)_MAX_STEPS) {
                    fprintf(stderr, "%s: %d rows; this build holds at most %d (build with -D\(upper)_MAX_STEPS=%d)\\n",
                            path, steps, \(upper)_MAX_STEPS, steps);
                    exit(1);
                }
            """
    }

    var main: String {
        let outputs = expected.count
        return """
            /* main.c: run \(prefix) on a window. Build: \(buildLine(directory: "."))
                 ./model WINDOW.csv          the output, as a JSON array (full float32 precision)
                 ./model --trace WINDOW.csv  every vector of every step, as lstmscope's trace CSV
                                             (layer,t,vector,unit,value), for lstmscope compare
                 ./model --selftest          the embedded window against the embedded expected output
               WINDOW.csv: one row of \(model.inputSize) numbers per time step, split by , ; or spaces; lines
               starting with # and one header line of names are skipped. */
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <math.h>
            #include "\(prefix).h"

            #define SELFTEST_STEPS \(window.rows)
            \(Self.table("selftest_window", window.values))
            \(Self.table("selftest_expected", expected))

            /* The numbers of one line: their count, -1 when a cell is not a number, -2 when there are
               more than `capacity`. Cells are split by , ; or spaces. */
            static int parse_row(char *line, float *values, int capacity) {
                int n = 0;
                char *p = line;
                for (;;) {
                    char *end;
                    float v;
                    while (*p == ' ' || *p == '\\t' || *p == '\\r' || *p == '\\n') p++;
                    if (*p == 0) return n;
                    v = strtof(p, &end);
                    if (end == p) return -1;
                    if (*end && !strchr(" \\t,;\\r\\n", *end)) return -1;
                    if (n == capacity) return -2;
                    values[n++] = v;
                    p = end;
                    while (*p == ' ' || *p == '\\t') p++;
                    /* One , or ; and a number after it: an empty cell is an error, as lstmscope has it. */
                    if (*p == ',' || *p == ';') {
                        p++;
                        while (*p == ' ' || *p == '\\t') p++;
                        if (*p == 0 || *p == ',' || *p == ';' || *p == '\\r' || *p == '\\n') return -1;
                    }
                }
            }

            /* The window in `path`, row-major, steps × INPUTS; exits with a message on a bad file. */
            static float *read_window(const char *path, int *steps) {
                static char line[1 << 20];
                float row[\(upper)_INPUTS];
                float *window = NULL;
                int capacity = 0, count = 0, lines = 0, header = 0;
                FILE *file = fopen(path, "r");
                if (!file) { fprintf(stderr, "%s: cannot be opened\\n", path); exit(1); }
                while (fgets(line, sizeof line, file)) {
                    size_t length = strlen(line);
                    int n;
                    lines++;
                    if (length == sizeof line - 1 && line[length - 1] != '\\n' && !feof(file)) {
                        fprintf(stderr, "%s: line %d is longer than %d bytes\\n", path, lines, (int)sizeof line - 2);
                        exit(1);
                    }
                    if (line[0] == '#') continue;
                    n = parse_row(line, row, \(upper)_INPUTS);
                    if (n == 0) continue;
                    /* One header line of names may come first: a line whose first cell is no number. */
                    if (n == -1 && count == 0 && !header) {
                        char *end;
                        header = 1;
                        (void)strtof(line, &end);
                        if (end == line) continue;
                    }
                    if (n != \(upper)_INPUTS) {
                        fprintf(stderr, "%s: line %d is not %d numbers\\n", path, lines, \(upper)_INPUTS);
                        exit(1);
                    }
                    if (count == capacity) {
                        float *grown;
                        capacity = capacity ? capacity * 2 : 256;
                        grown = realloc(window, sizeof(float) * (size_t)capacity * \(upper)_INPUTS);
                        if (!grown) { fprintf(stderr, "%s: out of memory\\n", path); exit(1); }
                        window = grown;
                    }
                    memcpy(window + (size_t)count * \(upper)_INPUTS, row, sizeof(float) * \(upper)_INPUTS);
                    count++;
                }
                fclose(file);
                if (count == 0) { fprintf(stderr, "%s: no rows of numbers\\n", path); exit(1); }
                *steps = count;
                return window;
            }

            /* A number as lstmscope writes one: NaN and Infinity by name (as Python's json does). */
            static void number(float v) {
                if (isnan(v)) printf("NaN");
                else if (isinf(v)) printf(v > 0 ? "Infinity" : "-Infinity");
                else printf("%.9g", (double)v);
            }

            static void row(const char *layer, int t, const char *vector, const float *v, int n) {
                int k;
                for (k = 0; k < n; k++) {
                    printf("%s,%d,%s,%d,", layer, t, vector, k);
                    number(v[k]);
                    printf("\\n");
                }
            }

            static void print_json(const float *y, int n) {
                int k;
                printf("[");
                for (k = 0; k < n; k++) {
                    printf("%s", k ? ", " : "");
                    number(y[k]);
                }
                printf("]\\n");
            }

            \(printStep)

            /* Exits with a message when the build cannot run a window of `steps` rows. */
            static void check_steps(const char *path, int steps) {
                \(stepsCheck)
            }

            /* The outputs of a window of `steps` rows. */
            static size_t output_count(int steps) {
                return (size_t)(\(upper)_OUTPUT_PER_STEP ? steps : 1) * \(upper)_OUTPUTS;
            }

            static int trace(const float *window, int steps) {
                static \(prefix)_state st;
                size_t n = output_count(steps), k;
                float *y = malloc(sizeof(float) * n);
                if (!y) { fprintf(stderr, "out of memory\\n"); return 1; }
                printf("layer,t,vector,unit,value\\n");
                if (\(prefix)_predict_observed(&st, window, steps, y, print_vectors, NULL) != 0) {
                    fprintf(stderr, "the model cannot run a window of %d rows\\n", steps);
                    free(y);
                    return 1;
                }
                for (k = 0; k < n; k++) {
                    printf("output,,y,%d,", (int)k);
                    number(y[k]);
                    printf("\\n");
                }
                free(y);
                return 0;
            }

            int main(int argc, char **argv) {
                static \(prefix)_state state;
                if (argc == 2 && strcmp(argv[1], "--selftest") == 0) {
                    static float y[\(max(outputs, 1))];
                    float worst = 0.0f;
                    int k;
                    if (\(prefix)_predict(&state, selftest_window, SELFTEST_STEPS, y) != 0) {
                        printf("selftest: the build cannot run its own window of %d rows: FAILED\\n", SELFTEST_STEPS);
                        return 1;
                    }
                    /* Relative above 1 (float32 has 1e-5 of absolute room only below about 80); NaN
                       against NaN agrees, NaN against a number never does. */
                    for (k = 0; k < \(outputs); k++) {
                        float e = selftest_expected[k];
                        float scale = fabsf(e) > 1.0f ? fabsf(e) : 1.0f;
                        float d = isnan(y[k]) && isnan(e) ? 0.0f : fabsf(y[k] - e) / scale;
                        if (isnan(d) || d > worst) worst = d;
                        if (isnan(worst)) break;
                    }
                    printf("selftest: largest difference %g over %d values: %s\\n", (double)worst, \(outputs),
                           worst <= 1e-5f ? "ok" : "FAILED");
                    return worst <= 1e-5f ? 0 : 1;
                }
                if (argc == 3 && strcmp(argv[1], "--trace") == 0) {
                    int steps;
                    float *window = read_window(argv[2], &steps);
                    int status;
                    check_steps(argv[2], steps);
                    status = trace(window, steps);
                    free(window);
                    return status;
                }
                if (argc == 2 && argv[1][0] != '-') {
                    int steps;
                    float *window = read_window(argv[1], &steps);
                    size_t n = output_count(steps);
                    float *y;
                    check_steps(argv[1], steps);
                    y = malloc(sizeof(float) * n);
                    if (!y) { fprintf(stderr, "out of memory\\n"); return 1; }
                    if (\(prefix)_predict(&state, window, steps, y) != 0) {
                        fprintf(stderr, "the model cannot run a window of %d rows\\n", steps);
                        return 1;
                    }
                    print_json(y, (int)n);
                    free(y);
                    free(window);
                    return 0;
                }
                fprintf(stderr, "usage: %s WINDOW.csv | --trace WINDOW.csv | --selftest\\n", argv[0]);
                return 2;
            }

            """
    }

    var readme: String {
        """
        \(prefix): \(model.chainDescription), exported by lstmscope.

        Build:  \(buildLine(directory: "."))
        Run:    ./model WINDOW.csv            (the output as JSON)
                ./model --trace WINDOW.csv    (every vector of every step, as lstmscope's trace CSV)
                ./model --selftest            (the embedded window against the embedded output)
        Check a port against the model:  lstmscope compare MODEL --input WINDOW.csv --theirs trace.csv

        \(prefix).h / \(prefix).c are the model alone (C99 with <math.h>, <string.h> and <stdint.h>;
        no malloc): \(prefix)_reset,
        \(functionsText) on a \(prefix)_state you own. main.c is the program above.
        \(plan.streams ? "" : "\n" + windowText)
        """
    }

    private var functionsText: String {
        plan.streams
            ? "\(prefix)_step (one time step, for streaming), \(prefix)_predict (a whole window) and\n"
                + "\(prefix)_predict_observed (the same, calling you after every step of every layer)"
            : "\(prefix)_predict (a whole window) and \(prefix)_predict_observed (the same, calling you\n"
                + "after every step of every layer)"
    }

    /// Why a whole-window model has no `_step`, and how long a window it holds.
    private var windowText: String {
        let limit =
            flattens
            ? "exactly \(maxSteps) of them (its Flatten fixes that)."
            : "at most \(upper)_MAX_STEPS of them (\(maxSteps) unless you build with\n-D\(upper)_MAX_STEPS=N)."
        return """
            This model needs the whole window before it can finish:
            \(plan.wholeWindowReason!).
            So there is no \(prefix)_step: \(prefix)_predict runs it layer by layer over rows held in the
            state, \(limit)

            """
    }
}

extension String {
    /// `\\ooo`, a byte as a C octal escape.
    init(format3 byte: UInt8) {
        let digits = String(byte, radix: 8)
        self = "\\" + String(repeating: "0", count: 3 - digits.count) + digits
    }
}
