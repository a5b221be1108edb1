extension LSTMLayer {
    /// The names of the vectors an LSTM step keeps, in display order.
    public static let vectorNames = ["i", "f", "c_tilde", "o", "c", "h"]

    /// Runs the layer over `input` (T × xu) from zero state and keeps every step's vectors.
    ///
    /// With `goBackwards` the rows are read last to first, and the trace lists them in that order.
    public func trace(_ input: Matrix) -> LayerTrace {
        let steps = input.rows
        var series = [Matrix](repeating: Matrix(zerosRows: steps, columns: units), count: 6)
        var state = LSTMState.zero(units: units)
        var rows = [[Float]]()
        rows.reserveCapacity(steps)
        for t in 0..<steps {
            let x = input.row(goBackwards ? steps - 1 - t : t)
            rows.append(x)
            let s = step(x: x, previous: state)
            for (k, v) in [s.i, s.f, s.cTilde, s.o, s.c, s.h].enumerated() {
                series[k].values.replaceSubrange(t * units ..< (t + 1) * units, with: v)
            }
            state = s.state
        }
        return LayerTrace(layerName: name, kind: "LSTM", units: units,
                          inputs: Matrix(rows: steps, columns: inputSize, values: rows.flatMap { $0 }),
                          vectorNames: LSTMLayer.vectorNames, series: series)
    }
}
