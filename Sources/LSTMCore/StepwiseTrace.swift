/// The trace of a recurrent layer replayed with its readable `step` (the kinds without a fast
/// kernel yet): every step's named vectors, h last.
func stepwiseTrace(_ input: Matrix, name: String, kind: String, units: Int, goBackwards: Bool, vectorNames: [String],
                   step: ([Float], [Float]) -> [[Float]]) -> LayerTrace {
    let steps = input.rows
    let order = goBackwards ? Array((0..<steps).reversed()) : Array(0..<steps)
    var series = [[Float]](repeating: [], count: vectorNames.count)
    var h = [Float](repeating: 0, count: units)
    var rows = [Float]()
    for t in order {
        let x = input.row(t)
        rows += x
        let vectors = step(x, h)
        for (k, v) in vectors.enumerated() { series[k] += v }
        h = vectors[vectors.count - 1]
    }
    return LayerTrace(layerName: name, kind: kind, units: units, inputs: Matrix(rows: steps, columns: input.columns, values: rows),
                      vectorNames: vectorNames, series: series.map { Matrix(rows: steps, columns: units, values: $0) })
}

extension GRULayer {
    /// Runs the layer over `input` (T × xu) from zero state and keeps z, r, h̃ and h at every step.
    public func trace(_ input: Matrix) -> LayerTrace {
        stepwiseTrace(input, name: name, kind: "GRU", units: units, goBackwards: goBackwards,
                      vectorNames: Self.vectorNames, step: { step(x: $0, previous: $1) })
    }
}

extension SimpleRNNLayer {
    /// Runs the layer over `input` (T × xu) from zero state and keeps h at every step.
    public func trace(_ input: Matrix) -> LayerTrace {
        stepwiseTrace(input, name: name, kind: "SimpleRNN", units: units, goBackwards: goBackwards,
                      vectorNames: Self.vectorNames, step: { step(x: $0, previous: $1) })
    }
}
