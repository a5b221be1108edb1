/// A Keras `Bidirectional` wrapper: the same kind of recurrent layer run forwards and
/// backwards over the window, their outputs merged.
///
/// The backward layer reads the window from its end. With `return_sequences` its outputs are
/// flipped back into time order before merging, so step t of the result merges the forward
/// output at t with the backward output for t; without, the two last states are merged.
public struct BidirectionalLayer: Sendable, Equatable {
    /// How Keras combines the two directions. `none` keeps them as two outputs, which
    /// lstmscope reports joined (forward, then backward), as the model's last layer only.
    public enum Merge: String, Sendable, Equatable {
        case concat, sum, mul, ave, none
    }

    public var name: String
    /// The forward layer (LSTM, GRU or SimpleRNN).
    public let forward: Layer
    /// The backward layer, of the same kind, reading backwards.
    public let backward: Layer
    public let merge: Merge

    /// Creates the wrapper after checking that both directions fit together.
    public init(name: String, forward: Layer, backward: Layer, merge: Merge) throws(ShapeError) {
        guard let f = forward.recurrentInfo, let b = backward.recurrentInfo else {
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
        self.forward = forward
        self.backward = backward
        self.merge = merge
    }

    public var inputSize: Int { forward.recurrentInfo!.inputSize }
    public var units: Int { forward.recurrentInfo!.units }
    public var returnSequences: Bool { forward.recurrentInfo!.returnSequences }
    /// Width of the merged output: both directions side by side, or one.
    public var outputSize: Int { merge == .concat || merge == .none ? 2 * units : units }
    public var parameterCount: Int { forward.parameterCount + backward.parameterCount }

    /// Both directions' traces (forward, then backward in its reading order) and the merged output.
    func run(_ input: Matrix, threads: Int) -> (traces: [LayerTrace], output: Matrix) {
        merged(forward: forward.run(input, threads: threads)!, backward: backward.run(input, threads: threads)!)
    }

    /// The two directions' runs as one: traces marked with the wrapper's name and direction,
    /// outputs merged (the backward sequence flipped back into time order first).
    func merged(forward f: (traces: [LayerTrace], output: Matrix), backward b: (traces: [LayerTrace], output: Matrix))
        -> (traces: [LayerTrace], output: Matrix)
    {
        let traces = [
            f.traces[0].marked(wrapper: name, direction: .forward, merge: merge.rawValue),
            b.traces[0].marked(wrapper: name, direction: .backward, merge: merge.rawValue),
        ]
        return (traces, mergedOutput(forward: f.output, backward: b.output))
    }

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
