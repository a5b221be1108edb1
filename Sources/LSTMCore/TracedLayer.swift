/// One recurrent layer as it is traced: a layer of the model, or one half of a Bidirectional
/// (named after the wrapper, with its direction).
public struct TracedLayer: Sendable {
    /// The recurrent layer that runs.
    public let layer: any RecurrentLayer
    /// The name traces use: the layer's, or the Bidirectional wrapper's for its halves.
    public let name: String
    /// `forward` or `backward` for the halves of a Bidirectional layer, else nil.
    public let direction: BidirectionalLayer.Direction?
    /// The Bidirectional layer's merge mode, for its halves.
    public let mergeMode: String?

    /// The recurrent kind.
    public var kind: LayerKind { layer.kind }
    /// Number of hidden units.
    public var units: Int { layer.units }
    /// The vectors a step keeps, in display order.
    public var vectorNames: [VectorName] { layer.vectorNames }
    /// Whether the layer reads the window last row first (Keras `go_backwards`; a
    /// Bidirectional's backward half): its step s is the window's row T − 1 − s.
    public var readsBackwards: Bool { layer.goBackwards }

    /// A trace of `run` (its vectors from step `firstStep`) under this layer's names.
    func trace(of run: RecurrentRun, firstStep: Int = 0) -> LayerTrace {
        var trace = LayerTrace(
            layerName: name, kind: kind, units: units, inputs: run.inputs, vectorNames: vectorNames,
            series: run.series.map { Matrix(rows: run.inputs.rows, columns: units, values: $0) }, firstStep: firstStep)
        trace.masked = run.masked
        trace.direction = direction
        trace.mergeMode = mergeMode
        return trace
    }
}

extension Model {
    /// The recurrent layers as they run, in trace order: each one, and a Bidirectional's
    /// forward and backward halves in its place, under the wrapper's name.
    public var traced: [TracedLayer] {
        layers.flatMap { outer -> [TracedLayer] in
            switch outer {
            case .recurrent(let r):
                return [TracedLayer(layer: r, name: r.name, direction: nil, mergeMode: nil)]
            case .bidirectional(let b):
                return [
                    TracedLayer(layer: b.forward, name: b.name, direction: .forward, mergeMode: b.merge.rawValue),
                    TracedLayer(layer: b.backward, name: b.name, direction: .backward, mergeMode: b.merge.rawValue),
                ]
            default:
                return []
            }
        }
    }
}
