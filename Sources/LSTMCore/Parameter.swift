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

    /// Number of values.
    public var count: Int { matrix.count }
}

extension Model {
    /// Every weight array in model order, with seed and Keras names.
    public var parameters: [Parameter] {
        let lstmCount = layers.flatMap(\.tracedLayers).filter { if case .lstm = $0 { true } else { false } }.count
        let denseIndices = layers.indices.filter { if case .dense = layers[$0] { true } else { false } }
        var out: [Parameter] = []
        var lstmNumber = 0
        // What an LSTM's W reads: x, or the h of the recurrent layer below (both halves of a
        // Bidirectional read the same input).
        var input = "xu"
        // A Bidirectional layer's parameters are its two directions'.
        for (index, item) in layers.enumerated() {
          var nextInput = input
          for layer in item.tracedLayers.isEmpty ? [item] : item.tracedLayers {
            switch layer {
            case .lstm(let l):
                lstmNumber += 1
                let suffix = lstmCount == 1 ? "" : String(lstmNumber)
                let hu = lstmCount == 1 ? "hu" : "hu\(lstmNumber)"
                if nextInput == input {
                    let merged = if case .bidirectional(let b) = item, b.merge == .concat || b.merge == .none { true } else { false }
                    nextInput = merged ? "2·" + hu : hu
                }
                out.append(Parameter(layerName: l.name, layerIndex: index, seedName: "W" + suffix, kerasName: "kernel",
                                     shape: [l.kernel.rows, l.kernel.columns], axisMeaning: [input, "4·" + hu],
                                     matrix: l.kernel, gateUnits: l.units))
                out.append(Parameter(layerName: l.name, layerIndex: index, seedName: "U" + suffix, kerasName: "recurrent_kernel",
                                     shape: [l.recurrentKernel.rows, l.recurrentKernel.columns], axisMeaning: [hu, "4·" + hu],
                                     matrix: l.recurrentKernel, gateUnits: l.units))
                if let b = l.bias {
                    out.append(Parameter(layerName: l.name, layerIndex: index, seedName: "b" + suffix, kerasName: "bias",
                                         shape: [b.count], axisMeaning: ["4·" + hu],
                                         matrix: Matrix(rows: 1, columns: b.count, values: b), gateUnits: l.units))
                }
            case .gru(let g):
                let name = g.name
                out.append(Parameter(layerName: name, layerIndex: index, seedName: "W", kerasName: "kernel",
                                     shape: [g.kernel.rows, g.kernel.columns], axisMeaning: ["in", "3·hu"], matrix: g.kernel, gateUnits: nil))
                out.append(Parameter(layerName: name, layerIndex: index, seedName: "U", kerasName: "recurrent_kernel",
                                     shape: [g.recurrentKernel.rows, g.recurrentKernel.columns], axisMeaning: ["hu", "3·hu"],
                                     matrix: g.recurrentKernel, gateUnits: nil))
                if let b = g.inputBias {
                    let rows = g.recurrentBias.map { [b, $0] } ?? [b]
                    out.append(Parameter(layerName: name, layerIndex: index, seedName: "b", kerasName: "bias",
                                         shape: rows.count == 2 ? [2, b.count] : [b.count],
                                         axisMeaning: rows.count == 2 ? ["input | recurrent", "3·hu"] : ["3·hu"],
                                         matrix: Matrix(rowArrays: rows), gateUnits: nil))
                }
            case .simpleRNN(let r):
                out.append(Parameter(layerName: r.name, layerIndex: index, seedName: "W", kerasName: "kernel",
                                     shape: [r.kernel.rows, r.kernel.columns], axisMeaning: ["in", "hu"], matrix: r.kernel, gateUnits: nil))
                out.append(Parameter(layerName: r.name, layerIndex: index, seedName: "U", kerasName: "recurrent_kernel",
                                     shape: [r.recurrentKernel.rows, r.recurrentKernel.columns], axisMeaning: ["hu", "hu"],
                                     matrix: r.recurrentKernel, gateUnits: nil))
                if let b = r.bias {
                    out.append(Parameter(layerName: r.name, layerIndex: index, seedName: "b", kerasName: "bias",
                                         shape: [b.count], axisMeaning: ["hu"], matrix: Matrix(rows: 1, columns: b.count, values: b), gateUnits: nil))
                }
            case .dense(let d):
                let isLast = index == denseIndices.last
                let number = (denseIndices.firstIndex(of: index) ?? 0) + 1
                let (w, b) = isLast ? ("Wout", "bout") : ("Wd\(number)", "bd\(number)")
                out.append(Parameter(layerName: d.name, layerIndex: index, seedName: w, kerasName: "kernel",
                                     shape: [d.kernel.rows, d.kernel.columns], axisMeaning: ["in", isLast ? "yu" : "units"],
                                     matrix: d.kernel, gateUnits: nil))
                if let bias = d.bias {
                    out.append(Parameter(layerName: d.name, layerIndex: index, seedName: b, kerasName: "bias",
                                         shape: [bias.count], axisMeaning: [isLast ? "yu" : "units"],
                                         matrix: Matrix(rows: 1, columns: bias.count, values: bias), gateUnits: nil))
                }
            default:
                continue
            }
          }
          input = item.isRecurrent ? nextInput : input
        }
        return out
    }
}
