/// One recurrent layer's run over a block of rows: what the walker hands on and keeps.
struct RecurrentRun {
    /// The rows the layer read, in its reading order.
    let inputs: Matrix
    /// The vectors kept, steps × units each, in the kind's ``RecurrentLayer/vectorNames``
    /// order; empty unless every vector was asked for.
    let series: [[Float]]
    /// What the layer passes on at each step, in reading order; one row (the last) when only
    /// the last state was kept.
    let output: Matrix
    /// Per step (in reading order), whether a mask skipped it; nil when none was skipped.
    let masked: [Bool]?
}

extension RecurrentLayer {
    /// Runs the layer over every row of `input` (last row first when `reversed`) from `state`,
    /// left at the state after the last row. Unmasked rows go through the kind's fast kernel
    /// when it has one; a `mask` (one flag per row of `input`, false = skip) or a kind without
    /// a kernel takes the readable step, with every vector kept.
    func run(
        _ input: Matrix, reversed: Bool, mask: [Bool]?, state: inout [[Float]], kept: KeptVectors, threads: Int
    ) -> RecurrentRun {
        let steps = input.rows, hu = units
        let order = reversed ? Array((0..<steps).reversed()) : Array(0..<steps)
        let inputs = reversed ? input.rows(order) : input
        if mask == nil, let series = fastRun(input, order: order, state: &state, kept: kept, threads: threads) {
            let output =
                switch kept {
                case .lastState: Matrix(rows: 1, columns: hu, values: state[0])
                // h is every kind's last vector.
                case .hidden, .all: Matrix(rows: steps, columns: hu, values: series.last!)
                }
            return RecurrentRun(inputs: inputs, series: kept == .all ? series : [], output: output, masked: nil)
        }
        let run = steppedRun(input, mask: mask, order: order, state: &state)
        let output =
            kept == .lastState
            ? Matrix(rows: 1, columns: hu, values: Array(run.outputs[(steps - 1) * hu..<steps * hu]))
            : Matrix(rows: steps, columns: hu, values: run.outputs)
        return RecurrentRun(
            inputs: inputs, series: run.series, output: output, masked: run.masked.contains(true) ? run.masked : nil)
    }

    /// Several windows through the layer, each as ``run(_:reversed:mask:state:kept:threads:)``
    /// runs it, with every vector kept: together through the kind's batched kernel when it has
    /// one and no window is masked or read backwards, else one after another.
    func runBatch(
        _ inputs: [Matrix], reversed: Bool, masks: [[Bool]?], states: inout [[[Float]]], threads: Int
    ) -> [RecurrentRun] {
        if inputs.count > 1, !reversed, masks.allSatisfy({ $0 == nil }),
            inputs.allSatisfy({ $0.rows == inputs[0].rows }),
            let series = fastRunBatch(inputs, states: &states)
        {
            return zip(inputs, series).map { input, vectors in
                RecurrentRun(
                    inputs: input, series: vectors,
                    output: Matrix(rows: input.rows, columns: units, values: vectors.last!),
                    masked: nil)
            }
        }
        return inputs.indices.map { b in
            run(inputs[b], reversed: reversed, mask: masks[b], state: &states[b], kept: .all, threads: threads)
        }
    }

    /// Rows `order` of `input` through the readable `step`, from `state` (left at the state
    /// after the last row); `mask` (indexed like `input`, nil for none) skips rows.
    ///
    /// A skipped step is not evaluated: the state (h, and c for an LSTM) is carried over, and
    /// the output is the previous output, or zeros with `zero_output_for_mask`, as Keras runs a
    /// layer after a `Masking` layer. This holds in the middle of a window, not only at its end.
    func steppedRun(_ input: Matrix, mask: [Bool]?, order: [Int], state: inout [[Float]]) -> SteppedRun {
        let hu = units
        let names = Self.vectorNames
        let stateIndex = Self.stateNames.map { names.firstIndex(of: $0)! }
        var run = SteppedRun(series: [[Float]](repeating: [], count: names.count))
        run.inputs.reserveCapacity(order.count * input.columns)
        run.outputs.reserveCapacity(order.count * hu)
        for k in run.series.indices { run.series[k].reserveCapacity(order.count * hu) }
        let zeros = [Float](repeating: 0, count: hu)
        // Without zero_output_for_mask the output is always the carried h; with it, zeros on
        // skipped steps. Either way a run can start from the state alone.
        for t in order {
            let x = input.row(t)
            run.inputs += x
            if mask?[t] ?? true {
                let vectors = step(x: x, state: state).vectors
                state = stateIndex.map { vectors[$0] }
                for (k, v) in vectors.enumerated() { run.series[k] += v }
                run.outputs += state[0]
                run.masked.append(false)
            } else {
                // Skipped: gates are not computed (zeros here, left out of the JSON); the state is carried.
                for (k, name) in names.enumerated() {
                    run.series[k] += Self.stateNames.firstIndex(of: name).map { state[$0] } ?? zeros
                }
                run.outputs += zeroOutputForMask ? zeros : state[0]
                run.masked.append(true)
            }
        }
        return run
    }

    /// Runs the layer over `input` (T × xu) from its start state (zeros, or the file's initial
    /// state) and keeps every step's vectors, in reading order with `goBackwards`.
    ///
    /// `threads` > 1 splits an LSTM's units across that many threads, which pays off from a few
    /// hundred units on (see `lstmscope bench --threads`).
    public func trace(_ input: Matrix, threads: Int = 1) -> LayerTrace {
        var state = startState
        let run = run(input, reversed: goBackwards, mask: nil, state: &state, kept: .all, threads: threads)
        return LayerTrace(
            layerName: name, kind: Self.kind, units: units, inputs: run.inputs, vectorNames: Self.vectorNames,
            series: run.series.map { Matrix(rows: input.rows, columns: units, values: $0) })
    }
}

extension RecurrentLayer {
    /// Runs the layer over `input` from its start state keeping only what the next layer needs:
    /// the hidden sequence (T × hu) with `returnSequences`, else the last h (1 × hu).
    public func forward(_ input: Matrix, threads: Int = 1) -> Matrix {
        var state = startState
        return run(
            input, reversed: goBackwards, mask: nil, state: &state, kept: returnSequences ? .hidden : .lastState,
            threads: threads
        ).output
    }
}

/// What ``RecurrentLayer/steppedRun(_:mask:order:state:)`` produced, flat, one row per step run.
struct SteppedRun {
    /// The input rows, in the order run.
    var inputs: [Float] = []
    /// One series per vector name, steps × units.
    var series: [[Float]]
    /// What the layer passes on at each step, steps × units.
    var outputs: [Float] = []
    /// Per step, whether the mask skipped it.
    var masked: [Bool] = []
}
