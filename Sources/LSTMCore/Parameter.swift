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
            func add(_ layerName: String, _ a: WeightArray, suffix: String, gates: [GateBlock]?, units: Int?) {
                out.append(
                    Parameter(
                        layerName: layerName, layerIndex: index, seedName: a.seedName + suffix, kerasName: a.kerasName,
                        shape: a.shape ?? [a.matrix.rows, a.matrix.columns], axisMeaning: a.axes, matrix: a.matrix,
                        gateUnits: a.gated ? units : nil, gates: a.gated ? gates : nil))
            }
            for layer in item.tracedLayers {
                // Recurrent layers are numbered together (W1, U1, b1, W2, …) when there are several.
                number += 1
                let suffix = recurrentCount == 1 ? "" : String(number)
                let hu = recurrentCount == 1 ? "hu" : "hu\(number)"
                if nextInput == input {
                    let merged =
                        if case .bidirectional(let b) = item, b.merge == .concat || b.merge == .none { true } else {
                            false
                        }
                    nextInput = merged ? "2·" + hu : hu
                }
                for array in layer.weightArrays(input: input, hu: hu) {
                    add(layer.name, array, suffix: suffix, gates: layer.gateLayout, units: layer.units)
                }
            }
            if case .dense(let d) = item {
                let isLast = index == denseIndices.last
                let number = (denseIndices.firstIndex(of: index) ?? 0) + 1
                let (w, b) = isLast ? ("Wout", "bout") : ("Wd\(number)", "bd\(number)")
                add(
                    d.name, WeightArray(w, "kernel", d.kernel, axes: ["in", isLast ? "yu" : "units"], gated: false),
                    suffix: "", gates: nil, units: nil)
                if let bias = d.bias {
                    add(
                        d.name, .vector(b, "bias", bias, axis: isLast ? "yu" : "units", gated: false),
                        suffix: "", gates: nil, units: nil)
                }
            }
            // A Dense in between hands on its own units: the next W reads "in", not x or an h.
            if item.isRecurrent { input = nextInput } else if case .dense = item { input = "in" }
        }
        return out
    }
}
