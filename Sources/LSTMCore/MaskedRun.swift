/// Recurrent layers step by step with the readable `step`, over a window that may be masked,
/// as Keras runs them after a `Masking` layer (GRU and SimpleRNN always run here, with every
/// step kept).
///
/// A step whose mask is false is skipped: the cell is not evaluated, the state (h, and c for
/// an LSTM) is carried over, and the layer's output for that step is the previous output, or
/// zeros with `zero_output_for_mask`. This holds in the middle of a window, not only at its end.
extension Layer {
    /// Whether the layer passes a mask on unchanged (it works row by row).
    var keepsMask: Bool {
        switch self {
        case .dense, .activation, .identity, .masking: true
        default: false
        }
    }

    /// Whether a recurrent layer reads its window last row first (Keras `go_backwards`).
    var readsBackwards: Bool {
        switch self {
        case .lstm(let l): l.goBackwards
        case .gru(let g): g.goBackwards
        case .simpleRNN(let r): r.goBackwards
        default: false
        }
    }

    /// The rows of a `steps`-row window in the order the layer reads them.
    func readingOrder(steps: Int) -> [Int] {
        readsBackwards ? Array((0..<steps).reversed()) : Array(0..<steps)
    }

    /// What a recurrent layer carries from step to step, in ``SteppedRun`` order: [h, c] for
    /// an LSTM, [h] for GRU and SimpleRNN; zeros, as every Keras window starts.
    var zeroState: [[Float]] {
        let hu = recurrentInfo?.units ?? 0
        let count = if case .lstm = self { 2 } else { 1 }
        return [[Float]](repeating: [Float](repeating: 0, count: hu), count: count)
    }

    /// The layer over `input` with `mask` (one flag per row, in time order): traces with their
    /// masked rows marked, and the output the next layer reads.
    func runMasked(_ input: Matrix, mask: [Bool]) -> (traces: [LayerTrace], output: Matrix)? {
        switch self {
        case .bidirectional(let b):
            guard let f = b.forward.runMasked(input, mask: mask), let r = b.backward.runMasked(input, mask: mask) else {
                return nil
            }
            return b.merged(forward: f, backward: r)
        case .lstm, .gru, .simpleRNN:
            let info = recurrentInfo!
            let hu = info.units, steps = input.rows
            var state = zeroState
            let run = steppedRun(input, mask: mask, order: readingOrder(steps: steps), state: &state)
            var trace = LayerTrace(
                layerName: info.name, kind: info.kind, units: hu,
                inputs: Matrix(rows: steps, columns: input.columns, values: run.inputs), vectorNames: info.vectorNames,
                series: run.series.map { Matrix(rows: steps, columns: hu, values: $0) })
            trace.masked = run.masked.contains(true) ? run.masked : nil
            let output =
                info.returnSequences
                ? Matrix(rows: steps, columns: hu, values: run.outputs)
                : Matrix(rows: 1, columns: hu, values: Array(run.outputs[(steps - 1) * hu..<steps * hu]))
            return ([trace], output)
        default:
            return nil
        }
    }

    /// Rows `order` of `input` through the readable `step`, from `state` (left at the state
    /// after the last row); `mask` (indexed like `input`, nil for none) skips rows.
    func steppedRun(_ input: Matrix, mask: [Bool]?, order: [Int], state: inout [[Float]]) -> SteppedRun {
        let info = recurrentInfo!
        let hu = info.units
        let zeroOutput: Bool
        let step: ([Float], [[Float]]) -> (vectors: [[Float]], state: [[Float]])
        switch self {
        case .lstm(let l):
            zeroOutput = l.zeroOutputForMask
            step = { x, state in
                let s = l.step(x: x, previous: LSTMState(h: state[0], c: state[1]))
                return ([s.i, s.f, s.cTilde, s.o, s.c, s.h], [s.h, s.c])
            }
        case .gru(let g):
            zeroOutput = g.zeroOutputForMask
            step = { x, state in
                let v = g.step(x: x, previous: state[0])
                return (v, [v[3]])
            }
        case .simpleRNN(let r):
            zeroOutput = r.zeroOutputForMask
            step = { x, state in
                let v = r.step(x: x, previous: state[0])
                return (v, [v[0]])
            }
        default:
            preconditionFailure("steppedRun on \(className), which has no step")
        }
        var run = SteppedRun(series: [[Float]](repeating: [], count: info.vectorNames.count))
        run.inputs.reserveCapacity(order.count * input.columns)
        run.outputs.reserveCapacity(order.count * hu)
        for k in run.series.indices { run.series[k].reserveCapacity(order.count * hu) }
        // Without zero_output_for_mask the output is always the carried h; with it, zeros on
        // skipped steps. Either way a run can start from the state alone.
        for t in order {
            let x = input.row(t)
            run.inputs += x
            if mask?[t] ?? true {
                let (vectors, newState) = step(x, state)
                state = newState
                for (k, v) in vectors.enumerated() { run.series[k] += v }
                run.outputs += state[0]
                run.masked.append(false)
            } else {
                // Skipped: gates are not computed (zeros here, left out of the JSON); c and h carried.
                for (k, name) in info.vectorNames.enumerated() {
                    run.series[k] +=
                        name == "h" ? state[0] : (name == "c" ? state[1] : [Float](repeating: 0, count: hu))
                }
                run.outputs += zeroOutput ? [Float](repeating: 0, count: hu) : state[0]
                run.masked.append(true)
            }
        }
        return run
    }
}

/// What ``Layer/steppedRun(_:mask:order:state:)`` produced, flat, one row per step run.
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
