import LSTMCore

/// Why a model cannot be exported, naming the layer.
public struct ExportRefusal: Error, Sendable {
    public let message: String
}

/// A model as the exporters run it: a list of stages, each one step function of the C (one
/// per recurrent layer and per Bidirectional half, one per row-wise layer), with the width of
/// what each reads and passes on.
///
/// A stack of forward layers (the first may read backwards) runs one time step at a time
/// (``streams``): that is what `<prefix>_step` offers. Anything else needs the whole window
/// before a layer can finish, so the C runs it layer by layer (``wholeWindowReason``).
struct ExportPlan: Sendable {
    /// One step function, or a Bidirectional's merge, or a Flatten.
    enum Stage: Sendable {
        case lstm(LSTMLayer)
        case gru(GRULayer)
        case simpleRNN(SimpleRNNLayer)
        case dense(DenseLayer)
        case activation(Activation)
        /// A Masking layer: rows equal to the value everywhere are skipped by the recurrent layers.
        case masking(Float)
        /// Follows a Bidirectional's two halves (the two stages before it): how their rows merge.
        case merge(BidirectionalLayer.Merge, units: Int)
        /// The T rows become one row of T · width values (row-major, as Keras's Flatten).
        case flatten(steps: Int)
    }

    let model: Model
    let stages: [Stage]
    /// Width of the rows stage k reads.
    let inputWidths: [Int]
    /// Width of the rows stage k passes on (a Bidirectional half: its own h).
    let widths: [Int]
    /// Whether stage k passes on a row per step (else one row).
    let sequences: [Bool]
    /// Why the model needs the whole window before its last layer can finish, or nil when it
    /// runs one time step at a time.
    let wholeWindowReason: String?

    init(model: Model) throws(ExportRefusal) {
        var stages: [Stage] = [], inputs: [Int] = [], widths: [Int] = [], sequences: [Bool] = []
        var width = model.inputSize, sequence = true
        func add(_ stage: Stage, output: Int, sequence out: Bool) {
            stages.append(stage)
            inputs.append(width)
            widths.append(output)
            sequences.append(out)
        }
        var reason: String?
        var recurrent = 0
        for layer in model.layers {
            switch layer {
            case .recurrent(let r):
                if r.goBackwards && recurrent > 0 {
                    reason = reason ?? "layer \"\(r.name)\" reads backwards above another recurrent layer"
                }
                recurrent += 1
                add(try Self.stage(r), output: r.units, sequence: r.returnSequences)
                width = r.units
                sequence = r.returnSequences
            case .bidirectional(let b):
                reason = reason ?? "layer \"\(b.name)\" is Bidirectional: its backward half reads from the window's end"
                recurrent += 2
                add(try Self.stage(b.forward), output: b.units, sequence: b.returnSequences)
                add(try Self.stage(b.backward), output: b.units, sequence: b.returnSequences)
                // The merge reads the halves' rows (each b.units wide).
                width = b.units
                add(.merge(b.merge, units: b.units), output: b.outputSize, sequence: b.returnSequences)
                width = b.outputSize
                sequence = b.returnSequences
            case .dense(let d):
                add(.dense(d), output: d.units, sequence: sequence)
                width = d.units
            case .activation(_, let a):
                add(.activation(a), output: width, sequence: sequence)
            case .masking(_, let value):
                add(.masking(value), output: width, sequence: sequence)
            case .flatten(let name):
                // A Flatten of one row changes nothing (Model checks the window length it needs).
                guard sequence else { continue }
                guard let steps = model.lookBack else {
                    throw ExportRefusal(message: "layer \"\(name)\" (Flatten) needs a fixed window length")
                }
                reason = reason ?? "layer \"\(name)\" is a Flatten: it needs all \(steps) rows"
                add(.flatten(steps: steps), output: width * steps, sequence: false)
                width *= steps
                sequence = false
            case .identity:
                continue
            }
        }
        // Keras hands the layer after a backwards one its outputs in reading order but the mask in
        // time order; a stack run one step at a time cannot pair them so.
        if model.masks, recurrent > 1, model.traced.first?.readsBackwards == true {
            reason =
                reason
                ?? "layer \"\(model.traced[0].name)\" reads a masked window backwards below other recurrent layers"
        }
        let weights = stages.flatMap(Self.weightValues)
        if let bad = weights.first(where: { !$0.isFinite }) {
            throw ExportRefusal(message: "the model has a weight of \(bad): C has no literal for it in a static table")
        }
        self.model = model
        self.stages = stages
        self.inputWidths = inputs
        self.widths = widths
        self.sequences = sequences
        self.wholeWindowReason = reason
    }

    private static func stage(_ r: any RecurrentLayer) throws(ExportRefusal) -> Stage {
        switch r {
        case let l as LSTMLayer: .lstm(l)
        case let g as GRULayer: .gru(g)
        case let s as SimpleRNNLayer: .simpleRNN(s)
        default: throw ExportRefusal(message: "layer \"\(r.name)\": the exporters have no \(r.kind) step yet")
        }
    }

    private static func weightValues(_ stage: Stage) -> [Float] {
        switch stage {
        case .lstm(let l): l.kernel.values + l.recurrentKernel.values + (l.bias ?? [])
        case .gru(let g): g.kernel.values + g.recurrentKernel.values + (g.inputBias ?? []) + (g.recurrentBias ?? [])
        case .simpleRNN(let s): s.kernel.values + s.recurrentKernel.values + (s.bias ?? [])
        case .dense(let d): d.kernel.values + (d.bias ?? [])
        case .activation, .masking, .merge, .flatten: []
        }
    }

    /// Whether the stack runs one time step at a time (`<prefix>_step` exists).
    var streams: Bool { wholeWindowReason == nil }

    /// Index in ``Model/traced`` of recurrent stage `k` (stages keep the trace's order).
    func tracedIndex(_ k: Int) -> Int { stages[..<k].filter(\.isRecurrent).count }

    /// The trace's name of recurrent stage `k`: `lstm`, or `bi/forward` for a Bidirectional's half.
    func tracedName(_ k: Int) -> String {
        let traced = model.traced[tracedIndex(k)]
        return traced.name + (traced.direction.map { "/\($0.rawValue)" } ?? "")
    }

    /// Index of the last recurrent stage.
    var lastRecurrent: Int { stages.lastIndex { $0.isRecurrent }! }

    /// Whether the output has a row per step.
    var outputPerStep: Bool { sequences.last! }

    /// Width of one output row.
    var outputWidth: Int { widths.last! }

    /// Whether the first recurrent layer reads the window backwards.
    var readsBackwards: Bool { model.traced.first?.readsBackwards ?? false }
}

extension ExportPlan.Stage {
    var isRecurrent: Bool { recurrentLayer != nil }

    var recurrentLayer: (any RecurrentLayer)? {
        switch self {
        case .lstm(let l): l
        case .gru(let g): g
        case .simpleRNN(let s): s
        default: nil
        }
    }
}
