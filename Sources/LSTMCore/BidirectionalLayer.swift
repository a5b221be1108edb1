/// A Keras `Bidirectional` wrapper: the same kind of recurrent layer run forwards and
/// backwards over the window, their outputs merged.
///
/// The backward layer reads the window from its end. With `return_sequences` its outputs are
/// flipped back into time order before merging, so step t of the result merges the forward
/// output at t with the backward output for t; without, the two last states are merged.
public struct BidirectionalLayer: Sendable {
    /// How Keras combines the two directions. `none` keeps them as two outputs, which
    /// lstmscope reports joined (forward, then backward), as the model's last layer only.
    public enum Merge: String, Sendable, Equatable {
        case concat, sum, mul, ave, none
    }

    public var name: String
    /// The forward layer (LSTM, GRU or SimpleRNN).
    public let forward: any RecurrentLayer
    /// The backward layer, of the same kind, reading backwards.
    public let backward: any RecurrentLayer
    public let merge: Merge

    /// Creates the wrapper after checking that both directions fit together.
    public init(name: String, forward: Layer, backward: Layer, merge: Merge) throws(ShapeError) {
        guard let f = forward.recurrentLayer, let b = backward.recurrentLayer else {
            throw ShapeError("layer \"\(name)\": Bidirectional needs recurrent layers in both directions")
        }
        guard f.kind == b.kind, f.units == b.units, f.inputSize == b.inputSize, f.returnSequences == b.returnSequences
        else {
            throw ShapeError(
                "layer \"\(name)\": the forward (\(f.kind) \(f.units)) and backward "
                    + "(\(b.kind) \(b.units)) layers do not match"
            )
        }
        self.name = name
        self.forward = f
        self.backward = b
        self.merge = merge
    }

    public var inputSize: Int { forward.inputSize }
    public var units: Int { forward.units }
    public var returnSequences: Bool { forward.returnSequences }
    /// Width of the merged output: both directions side by side, or one.
    public var outputSize: Int { merge == .concat || merge == .none ? 2 * units : units }
    public var parameterCount: Int { forward.parameterCount + backward.parameterCount }

    /// The two directions' outputs as the layer passes them on: with `returnSequences`, row t
    /// merges the forward row t with the backward row T − 1 − t (the backward sequence is in
    /// its reading order); without, the two single rows.
    func mergedOutput(forward f: Matrix, backward b: Matrix) -> Matrix {
        let steps = f.rows
        let rows: [(Int, Int)] = returnSequences ? (0..<steps).map { ($0, steps - 1 - $0) } : [(0, 0)]
        var values: [Float] = []
        values.reserveCapacity(rows.count * outputSize)
        for (tf, tb) in rows {
            let hf = f.row(tf), hb = b.row(tb)
            switch merge {
            case .concat, .none: values += hf + hb
            case .sum: values += zip(hf, hb).map(+)
            case .mul: values += zip(hf, hb).map(*)
            case .ave: values += zip(hf, hb).map { ($0 + $1) / 2 }
            }
        }
        return Matrix(rows: rows.count, columns: outputSize, values: values)
    }
}

extension BidirectionalLayer: Equatable {
    /// Wrappers are equal when their names, merge modes and both halves are.
    public static func == (a: BidirectionalLayer, b: BidirectionalLayer) -> Bool {
        a.name == b.name && a.merge == b.merge && a.forward.isEqual(to: b.forward) && a.backward.isEqual(to: b.backward)
    }
}

extension LayerTrace {
    /// The same trace under the wrapper's name, labelled as one direction of a Bidirectional layer.
    func marked(wrapper: String, direction: BidirectionalLayer.Direction, merge: String) -> LayerTrace {
        var copy = LayerTrace(
            layerName: wrapper, kind: kind, units: units, inputs: inputs, vectorNames: vectorNames,
            series: series, firstStep: firstStep)
        copy.masked = masked
        copy.direction = direction
        copy.mergeMode = merge
        return copy
    }
}

extension BidirectionalLayer {
    /// Which half of a Bidirectional layer: the raw value is the name traces and reports use.
    public enum Direction: String, Sendable, Equatable, CaseIterable {
        case forward, backward

        /// The other half.
        public var other: Direction { self == .forward ? .backward : .forward }
    }
}
