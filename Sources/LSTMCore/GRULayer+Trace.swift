extension GRULayer {
    /// Runs the layer over `input` (T × xu) from zero state through the fast kernel and keeps
    /// z, r, h̃ and h at every step (in reading order with `goBackwards`).
    public func trace(_ input: Matrix) -> LayerTrace {
        let steps = input.rows, hu = units
        let order = Layer.gru(self).readingOrder(steps: steps)
        var h = [Float](repeating: 0, count: hu)
        let kept = [Float].uninitialized(4, count: steps * hu) { v in
            fastKernel.run(input, order: order, state: &h, sink: GRUTraceSink(z: v[0], r: v[1], hTilde: v[2], h: v[3]))
        }
        return LayerTrace(
            layerName: name, kind: .gru, units: hu, inputs: goBackwards ? input.rows(order) : input,
            vectorNames: GRULayer.vectorNames,
            series: kept.map { Matrix(rows: steps, columns: hu, values: $0) })
    }
}

extension SimpleRNNLayer {
    /// Runs the layer over `input` (T × xu) from zero state and keeps h at every step.
    public func trace(_ input: Matrix) -> LayerTrace {
        Layer.simpleRNN(self).runMasked(input, mask: [Bool](repeating: true, count: input.rows))!.traces[0]
    }
}
