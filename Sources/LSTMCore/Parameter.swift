/// One weight array of a model, with the names people know it by and what its axes mean.
///
/// For the classic tutorial model (one LSTM, one Dense) the seed names are W, U, b, Wout, bout;
/// with more layers they are numbered (W1, U1, b1, W2, …; Wout/bout for the last Dense).
public struct Parameter: Sendable, Equatable, Identifiable {
    /// `layer/keras_name`, unique within a model.
    public var id: String { "\(layerName)/\(kerasName)" }
    /// The layer it belongs to.
    public let layerName: String
    /// Index of that layer in ``Model/layers``.
    public let layerIndex: Int
    /// The tutorial's name: W, U, b, Wout, bout (numbered in bigger models).
    public let seedName: String
    /// Keras's variable name: `kernel`, `recurrent_kernel`, `bias`.
    public let kerasName: String
    /// The shape as Keras has it: (rows, columns) or (n,).
    public let shape: [Int]
    /// What each axis means: `xu`, `hu`, `4·hu`, `yu`.
    public let axisMeaning: [String]
    /// The values as a matrix (a bias is one row).
    public let matrix: Matrix
    /// Units of the recurrent layer when the last axis is split into gate blocks, else nil.
    public let gateUnits: Int?
    /// The gate blocks along the last axis (LSTM i f c̃ o, GRU z r h̃), when it is split.
    public var gates: [GateBlock]? = nil

    /// Number of values.
    public var count: Int { matrix.count }
}

extension Model {
    /// Every weight array in model order, with seed and Keras names.
    public var parameters: [Parameter] {
        let recurrentCount = tracedLayers.count
        let denseIndices = layers.indices.filter { if case .dense = layers[$0] { true } else { false } }
        var out: [Parameter] = []
        var number = 0
        // What a recurrent layer's W reads: x, or the h of the recurrent layer below (both
        // halves of a Bidirectional read the same input).
        var input = "xu"
        // A Bidirectional layer's parameters are its two directions'.
        for (index, item) in layers.enumerated() {
            var nextInput = input
            for layer in item.tracedLayers.isEmpty ? [item] : item.tracedLayers {
                // Recurrent layers are numbered together (W1, U1, b1, W2, …) when there are several.
                var suffix = "", hu = "hu"
                if layer.isRecurrent {
                    number += 1
                    suffix = recurrentCount == 1 ? "" : String(number)
                    hu = recurrentCount == 1 ? "hu" : "hu\(number)"
                    if nextInput == input {
                        let merged =
                            if case .bidirectional(let b) = item, b.merge == .concat || b.merge == .none { true } else {
                                false
                            }
                        nextInput = merged ? "2·" + hu : hu
                    }
                }
                func add(
                    _ seed: String, _ keras: String, _ m: Matrix, _ axes: [String], shape: [Int]? = nil,
                    gateUnits: Int? = nil
                ) {
                    out.append(
                        Parameter(
                            layerName: layer.name, layerIndex: index, seedName: seed + suffix, kerasName: keras,
                            shape: shape ?? [m.rows, m.columns], axisMeaning: axes, matrix: m, gateUnits: gateUnits,
                            gates: gateUnits == nil ? nil : layer.gateLayout))
                }
                func vector(_ values: [Float]) -> Matrix { Matrix(rows: 1, columns: values.count, values: values) }
                switch layer {
                case .lstm(let l):
                    add("W", "kernel", l.kernel, [input, "4·" + hu], gateUnits: l.units)
                    add("U", "recurrent_kernel", l.recurrentKernel, [hu, "4·" + hu], gateUnits: l.units)
                    if let b = l.bias {
                        add("b", "bias", vector(b), ["4·" + hu], shape: [b.count], gateUnits: l.units)
                    }
                case .gru(let g):
                    add("W", "kernel", g.kernel, [input, "3·" + hu], gateUnits: g.units)
                    add("U", "recurrent_kernel", g.recurrentKernel, [hu, "3·" + hu], gateUnits: g.units)
                    if let b = g.inputBias {
                        if let b2 = g.recurrentBias {
                            add("b", "bias", Matrix(rowArrays: [b, b2]), ["b | b'", "3·" + hu], gateUnits: g.units)
                        } else {
                            add("b", "bias", vector(b), ["3·" + hu], shape: [b.count], gateUnits: g.units)
                        }
                    }
                case .simpleRNN(let r):
                    add("W", "kernel", r.kernel, [input, hu])
                    add("U", "recurrent_kernel", r.recurrentKernel, [hu, hu])
                    if let b = r.bias { add("b", "bias", vector(b), [hu], shape: [b.count]) }
                case .dense(let d):
                    let isLast = index == denseIndices.last
                    let number = (denseIndices.firstIndex(of: index) ?? 0) + 1
                    let (w, b) = isLast ? ("Wout", "bout") : ("Wd\(number)", "bd\(number)")
                    add(w, "kernel", d.kernel, ["in", isLast ? "yu" : "units"])
                    if let bias = d.bias {
                        add(b, "bias", vector(bias), [isLast ? "yu" : "units"], shape: [bias.count])
                    }
                default:
                    continue
                }
            }
            // A Dense in between hands on its own units: the next W reads "in", not x or an h.
            if item.isRecurrent { input = nextInput } else if case .dense = item { input = "in" }
        }
        return out
    }
}
