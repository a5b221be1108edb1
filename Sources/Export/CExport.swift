import LSTMCore

/// A model as standalone C99: `<prefix>.h`, `<prefix>.c` (weights as `static const float`, one
/// step function per layer on a caller-owned state struct, no malloc, no dependency but
/// `<math.h>`) and `main.c` (run a window, print the trace in lstmscope's CSV form, self-test).
///
/// The equations are the readable steps' (`LSTMLayer.step`, `GRULayer.step`, …), summed in the
/// same order, so the C agrees with lstmscope's replay (and Keras) to float32 rounding.
public struct CExport: Sendable {
    /// Why a model cannot be exported, naming the layer.
    public struct Refusal: Error, Sendable {
        public let message: String
    }

    /// One layer as the C runs it per time step.
    enum Stage {
        case lstm(LSTMLayer)
        case gru(GRULayer)
        case simpleRNN(SimpleRNNLayer)
        case dense(DenseLayer)
        case activation(Activation)
        /// A Masking layer: rows equal to the value everywhere are skipped by the recurrent layers.
        case masking(Float)
    }

    public let model: Model
    public let prefix: String
    /// The self-test's window and what the replay gives for it.
    let window: Matrix
    let expected: [Float]
    let stages: [Stage]
    /// Index in `stages` of the last recurrent layer: the head runs on its h.
    let lastRecurrent: Int

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
        var stages: [Stage] = []
        var recurrent = 0
        for layer in model.layers {
            switch layer {
            case .recurrent(let r):
                if r.goBackwards && recurrent > 0 {
                    throw Refusal(
                        message:
                            "layer \"\(r.name)\" reads backwards after another recurrent layer: the exported C runs "
                            + "the stack one time step at a time, so only the first layer may read backwards")
                }
                recurrent += 1
                switch r {
                case let l as LSTMLayer: stages.append(.lstm(l))
                case let g as GRULayer: stages.append(.gru(g))
                case let s as SimpleRNNLayer: stages.append(.simpleRNN(s))
                default: throw Refusal(message: "layer \"\(r.name)\": the C export has no \(r.kind) step yet")
                }
            case .dense(let d): stages.append(.dense(d))
            case .activation(_, let a): stages.append(.activation(a))
            case .identity: continue
            case .bidirectional(let b):
                throw Refusal(message: "layer \"\(b.name)\": the C export does not handle Bidirectional layers yet")
            case .masking(_, let value): stages.append(.masking(value))
            case .flatten(let name):
                throw Refusal(message: "layer \"\(name)\": the C export does not handle Flatten yet")
            }
        }
        // Keras hands the layer after a backwards one its outputs in reading order but the mask in
        // time order; a stack run one step at a time cannot pair them so.
        if model.masks, recurrent > 1, model.traced.first?.readsBackwards == true {
            throw Refusal(
                message:
                    "layer \"\(model.traced[0].name)\" reads a masked window backwards below other recurrent layers: "
                    + "the exported C cannot pair Keras's reversed outputs with its unreversed mask")
        }
        let weights = stages.flatMap(Self.weightValues)
        if let bad = weights.first(where: { !$0.isFinite }) {
            throw Refusal(message: "the model has a weight of \(bad): C has no literal for it in a static table")
        }
        if window.values.contains(where: { !$0.isFinite }) {
            throw Refusal(message: "the self-test window (--input) holds NaN or infinity; give a window of numbers")
        }
        self.model = model
        self.prefix = prefix
        self.window = window
        self.expected = try model.predict(window)
        self.stages = stages
        self.lastRecurrent = stages.lastIndex { $0.isRecurrent }!
    }

    private static func weightValues(_ stage: Stage) -> [Float] {
        switch stage {
        case .lstm(let l): l.kernel.values + l.recurrentKernel.values + (l.bias ?? [])
        case .gru(let g): g.kernel.values + g.recurrentKernel.values + (g.inputBias ?? []) + (g.recurrentBias ?? [])
        case .simpleRNN(let s): s.kernel.values + s.recurrentKernel.values + (s.bias ?? [])
        case .dense(let d): d.kernel.values + (d.bias ?? [])
        case .activation, .masking(_): []
        }
    }

    /// Whether the first recurrent layer reads the window backwards (the exported program then
    /// feeds the rows last first, as Keras's go_backwards does).
    var readsBackwards: Bool { model.traced.first?.readsBackwards ?? false }

    /// Whether the output has a row per step (the last recurrent layer returns sequences).
    var outputPerStep: Bool { stages[lastRecurrent].recurrentLayer!.returnSequences }

    /// Width of the output row.
    var outputWidth: Int {
        stages[(lastRecurrent + 1)...].reduce(stages[lastRecurrent].width) { width, stage in
            if case .dense(let d) = stage { d.units } else { width }
        }
    }

    /// The files, by name.
    public var files: [(name: String, text: String)] {
        [("\(prefix).h", header), ("\(prefix).c", source), ("main.c", main), ("README.txt", readme)]
    }

    /// The build line the README and `export` print.
    public func buildLine(directory: String) -> String {
        "cc -std=c99 -O2 -o \(directory)/model \(directory)/\(prefix).c \(directory)/main.c -lm"
    }
}

extension CExport.Stage {
    var isRecurrent: Bool { recurrentLayer != nil }

    var recurrentLayer: (any RecurrentLayer)? {
        switch self {
        case .lstm(let l): l
        case .gru(let g): g
        case .simpleRNN(let s): s
        default: nil
        }
    }

    /// Width of what the stage passes on.
    var width: Int {
        switch self {
        case .lstm(let l): l.units
        case .gru(let g): g.units
        case .simpleRNN(let s): s.units
        case .dense(let d): d.units
        case .activation, .masking: 0
        }
    }
}
