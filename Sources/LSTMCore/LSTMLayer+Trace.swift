extension LSTMLayer {
    /// The names of the vectors an LSTM step keeps, in display order.
    public static let vectorNames = ["i", "f", "c_tilde", "o", "c", "h"]

    /// Steps whose input projection x·W the fast kernel computes together (one pass over W each)
    /// in a run of `steps`.
    public static func inputBlockSteps(forRun steps: Int) -> Int { LSTMKernel.blockSteps(forRun: steps) }

    /// The rows of a `steps`-row window in the order the layer reads them.
    func readingOrder(steps: Int) -> [Int] {
        Layer.lstm(self).readingOrder(steps: steps)
    }

    /// Runs the layer over `input` (T × xu) from zero state and keeps every step's vectors.
    ///
    /// With `goBackwards` the rows are read last to first, and the trace lists them in that order.
    ///
    /// `threads` > 1 splits the units across that many threads, which pays off from a few
    /// hundred units on (see `lstmscope bench --threads`).
    public func trace(_ input: Matrix, threads: Int = 1) -> LayerTrace {
        let steps = input.rows, hu = units
        let order = readingOrder(steps: steps)
        var state = LSTMState.zero(units: hu)
        let kept = [Float].uninitialized(6, count: steps * hu) { v in
            fastKernel(threads: threads).run(
                input, order: order, state: &state,
                sink: TraceSink(i: v[0], f: v[1], cTilde: v[2], o: v[3], c: v[4], h: v[5]))
        }
        return LayerTrace(
            layerName: name, kind: .lstm, units: hu, inputs: goBackwards ? input.rows(order) : input,
            vectorNames: LSTMLayer.vectorNames,
            series: kept.map { Matrix(rows: steps, columns: hu, values: $0) })
    }

    /// Runs the layer over `input` from zero state keeping only what the next layer needs:
    /// the hidden sequence (T × hu) with `returnSequences`, else the last h (1 × hu).
    public func forward(_ input: Matrix, threads: Int = 1) -> Matrix {
        let steps = input.rows, hu = units
        var state = LSTMState.zero(units: hu)
        let kernel = fastKernel(threads: threads)
        guard returnSequences else {
            kernel.run(input, order: readingOrder(steps: steps), state: &state)
            return Matrix(rows: 1, columns: hu, values: state.h)
        }
        let hidden = [Float].uninitialized(1, count: steps * hu) { v in
            kernel.run(input, order: readingOrder(steps: steps), state: &state, sink: .hidden(v[0]))
        }
        return Matrix(rows: steps, columns: hu, values: hidden[0])
    }
}

extension Array where Element == Float {
    /// `n` arrays of `count` floats that `fill` must write completely, without zeroing them first
    /// (a full trace is the largest thing lstmscope allocates).
    static func uninitialized(_ n: Int, count: Int, _ fill: ([UnsafeMutablePointer<Float>]) -> Void) -> [[Float]] {
        guard n > 0 else {
            fill([])
            return []
        }
        var rest: [[Float]] = []
        let first = [Float](unsafeUninitializedCapacity: Swift.max(count, 1)) { buffer, initialized in
            rest = uninitialized(n - 1, count: count) { fill([buffer.baseAddress!] + $0) }
            initialized = count
        }
        return [first] + rest
    }
}
