/// One block of steps run through the model's layers, for ``WindowReplay``.
extension WindowReplay {
    /// One recurrent layer's part of a block: its input rows and its vectors.
    struct BlockRun {
        /// The rows the layer read, one per step.
        let inputs: Matrix
        /// One series per vector name, steps × units.
        let series: [[Float]]
        /// Per step, whether a mask skipped it; nil when none in the block was skipped.
        let masked: [Bool]?
    }

    /// Runs the model's layers up to the last recurrent one over `rows` (window steps in the
    /// first recurrent layer's reading order), each recurrent layer (a Bidirectional's halves
    /// counted apart) from `states`, left at the state after the block, as ``ModelTrace``
    /// runs a whole window, masks included. A Bidirectional, which must then be the only
    /// recurrent layer, runs its backward half on `backwardRows`: the same steps counted from
    /// the window's end.
    ///
    /// With `only` nil every recurrent layer's vectors are kept and handed to `visit`, and
    /// what the last layer passes on is returned (one matrix per half of a Bidirectional);
    /// with a layer index, only that layer's, and the walk stops there (the LSTM and GRU
    /// kernels of the layers below keep only h; the readable steps keep every vector anyway).
    static func walk(
        _ model: Model, rows: Matrix, backwardRows: Matrix?, states: inout [[[Float]]], only: Int?,
        visit: (Int, BlockRun) -> Void
    ) -> [Matrix] {
        var data = rows
        var mask: [Bool]?
        var reversed = backwardRows.map { (data: $0, mask: [Bool]?.none) }
        var recurrentIndex = 0
        for index in 0...model.lastRecurrentIndex {
            let layer = model.layers[index]
            guard let info = layer.recurrentInfo else {
                (data, mask) = model.applyRowWiseLayer(index, to: data, mask: mask)
                if let r = reversed { reversed = model.applyRowWiseLayer(index, to: r.data, mask: r.mask) }
                continue
            }
            let halves: [(layer: Layer, input: () -> (Matrix, [Bool]?))]
            if case .bidirectional(let b) = layer {
                halves = [(b.forward, { (data, mask) }), (b.backward, { (reversed!.data, reversed!.mask) })]
            } else {
                halves = [(layer, { (data, mask) })]
            }
            var outputs: [Matrix] = []
            for half in halves {
                let r = recurrentIndex
                recurrentIndex += 1
                let keep = only == nil || only == r
                // A Bidirectional is the last recurrent layer: a half not asked for is not run.
                if !keep, halves.count > 1 { continue }
                let (input, halfMask) = half.input()
                let (series, output) = runBlock(half.layer, input, mask: halfMask, state: &states[r], keep: keep)
                if keep {
                    let skipped = halfMask.map { m in m.map { !$0 } }
                    visit(
                        r,
                        BlockRun(inputs: input, series: series, masked: skipped?.contains(true) == true ? skipped : nil)
                    )
                }
                if only == r { return [output] }
                outputs.append(output)
            }
            guard outputs.count == 1 else { return outputs }
            data = outputs[0]
            mask = info.returnSequences ? mask : nil
        }
        return [data]
    }

    /// One recurrent layer over every row of `data`, in order, from `state`: its vectors
    /// (when `keep`; the fast kernel skips them otherwise) and what it passes on at each step.
    private static func runBlock(
        _ layer: Layer, _ data: Matrix, mask: [Bool]?, state: inout [[Float]],
        keep: Bool
    ) -> (series: [[Float]], output: Matrix) {
        let count = data.rows
        if case .lstm(let lstm) = layer, mask == nil {
            let hu = lstm.units, order = Array(0..<count)
            var lstmState = LSTMState(h: state[0], c: state[1])
            let series = [Float].uninitialized(keep ? 6 : 1, count: count * hu) { v in
                lstm.fastKernel.run(
                    data, order: order, state: &lstmState,
                    sink: keep ? TraceSink(i: v[0], f: v[1], cTilde: v[2], o: v[3], c: v[4], h: v[5]) : .hidden(v[0]))
            }
            state = [lstmState.h, lstmState.c]
            return (keep ? series : [], Matrix(rows: count, columns: hu, values: series.last!))
        }
        if case .gru(let gru) = layer, mask == nil {
            let hu = gru.units
            let series = [Float].uninitialized(keep ? 4 : 1, count: count * hu) { v in
                gru.fastKernel.run(
                    data, order: Array(0..<count), state: &state[0],
                    sink: keep ? GRUTraceSink(z: v[0], r: v[1], hTilde: v[2], h: v[3]) : GRUTraceSink(h: v[0]))
            }
            return (keep ? series : [], Matrix(rows: count, columns: hu, values: series.last!))
        }
        // SimpleRNN and masked windows: the readable step, as a whole trace runs them,
        // so a block rounds exactly like the whole window does.
        let run = layer.steppedRun(data, mask: mask, order: Array(0..<count), state: &state)
        return (run.series, Matrix(rows: count, columns: layer.recurrentInfo!.units, values: run.outputs))
    }
}
