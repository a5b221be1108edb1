extension GRULayer {
    /// Runs the layer over `input` (T × xu) from zero state and keeps z, r, h̃ and h at every step.
    public func trace(_ input: Matrix) -> LayerTrace {
        Layer.gru(self).runMasked(input, mask: [Bool](repeating: true, count: input.rows))!.traces[0]
    }
}

extension SimpleRNNLayer {
    /// Runs the layer over `input` (T × xu) from zero state and keeps h at every step.
    public func trace(_ input: Matrix) -> LayerTrace {
        Layer.simpleRNN(self).runMasked(input, mask: [Bool](repeating: true, count: input.rows))!.traces[0]
    }
}
