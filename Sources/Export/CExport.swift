import LSTMCore

/// A model as standalone C99: `<prefix>.h`, `<prefix>.c` (weights as `static const float`, one
/// step function per layer on a caller-owned state struct, no malloc, no library but libm;
/// `<math.h>`, `<string.h>`, `<stdint.h>`) and `main.c` (run a window, print the trace in
/// lstmscope's CSV form, self-test).
///
/// The equations are the readable steps' (`LSTMLayer.step`, `GRULayer.step`, …), summed in the
/// same order, so the C agrees with lstmscope's replay (and Keras) to float32 rounding.
public struct CExport: Sendable {
    /// Why a model cannot be exported, naming the layer.
    public typealias Refusal = ExportRefusal
    typealias Stage = ExportPlan.Stage

    public let model: Model
    public let prefix: String
    /// The self-test's window and what the replay gives for it.
    let window: Matrix
    let expected: [Float]
    let plan: ExportPlan

    /// Prepares the export of `model` with C names starting `prefix`; `window` is embedded for
    /// `--selftest` with the replay's output for it.
    public init(model: Model, prefix: String, window: Matrix) throws {
        guard prefix.first.map({ $0.isLetter || $0 == "_" }) == true,
            prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else {
            throw Refusal(message: "--name \(prefix): a C prefix is letters, digits and _, not starting with a digit")
        }
        // main.c is the program's file; C's keywords and the library's names would not compile.
        guard
            !["main", "int", "float", "double", "char", "void", "static", "const", "return", "for", "if"]
                .contains(prefix)
        else { throw Refusal(message: "--name \(prefix): that name is taken in C (main.c, a keyword)") }
        plan = try ExportPlan(model: model)
        if window.values.contains(where: { !$0.isFinite }) {
            throw Refusal(message: "the self-test window (--input) holds NaN or infinity; give a window of numbers")
        }
        self.model = model
        self.prefix = prefix
        self.window = window
        self.expected = try model.predict(window)
    }

    var stages: [Stage] { plan.stages }
    /// Width of the rows stage `k` reads.
    func inputWidth(_ k: Int) -> Int { plan.inputWidths[k] }
    /// Whether the first recurrent layer reads the window backwards (a streaming model's
    /// program then feeds the rows last first, as Keras's go_backwards does).
    var readsBackwards: Bool { plan.readsBackwards }
    /// Whether the output has a row per step.
    var outputPerStep: Bool { plan.outputPerStep }
    /// Width of the output row.
    var outputWidth: Int { plan.outputWidth }

    /// The longest window a whole-window build holds by default: the model's own length, or
    /// 1,000 rows (and at least the self-test's); `-D<PREFIX>_MAX_STEPS=N` changes it but for a
    /// Flatten, whose Dense fixes the length.
    var maxSteps: Int {
        if let flatten = stages.lazy.compactMap({ if case .flatten(let t) = $0 { t } else { nil } }).first {
            return flatten
        }
        return max(model.lookBack ?? 1000, window.rows)
    }

    /// Whether a Flatten fixes the window's length.
    var flattens: Bool { stages.contains { if case .flatten = $0 { true } else { false } } }

    /// The files, by name.
    public var files: [(name: String, text: String)] {
        [("\(prefix).h", header), ("\(prefix).c", source), ("main.c", main), ("README.txt", readme)]
    }

    /// The build line the README and `export` print.
    public func buildLine(directory: String) -> String {
        "cc -std=c99 -O2 -o \(directory)/model \(directory)/\(prefix).c \(directory)/main.c -lm"
    }
}
