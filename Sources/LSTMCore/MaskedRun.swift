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

    /// The layer over `input` with `mask` (one flag per row, in time order): traces with their
    /// masked rows marked, and the output the next layer reads.
    func runMasked(_ input: Matrix, mask: [Bool]) -> (traces: [LayerTrace], output: Matrix)? {
        switch self {
        case .bidirectional(let b):
            guard let f = b.forward.runMasked(input, mask: mask), let r = b.backward.runMasked(input, mask: mask) else { return nil }
            return b.merged(forward: f, backward: r)
        case .lstm(let l):
            return maskedSteps(input, mask: mask, stateCount: 2) { x, state in
                let s = l.step(x: x, previous: LSTMState(h: state[0], c: state[1]))
                return ([s.i, s.f, s.cTilde, s.o, s.c, s.h], [s.h, s.c])
            }
        case .gru(let g):
            return maskedSteps(input, mask: mask, stateCount: 1) { x, state in
                let v = g.step(x: x, previous: state[0])
                return (v, [v[3]])
            }
        case .simpleRNN(let r):
            return maskedSteps(input, mask: mask, stateCount: 1) { x, state in
                let v = r.step(x: x, previous: state[0])
                return (v, [v[0]])
            }
        default:
            return nil
        }
    }

    /// The masked step loop for one recurrent layer; `step` returns the step's vectors and new
    /// state ([h] or [h, c]).
    private func maskedSteps(_ input: Matrix, mask: [Bool], stateCount: Int,
                             step: ([Float], [[Float]]) -> (vectors: [[Float]], state: [[Float]])) -> (traces: [LayerTrace], output: Matrix) {
        let info = recurrentInfo!
        let hu = info.units, steps = input.rows
        let backwards = { () -> Bool in
            switch self {
            case .lstm(let l): l.goBackwards
            case .gru(let g): g.goBackwards
            case .simpleRNN(let r): r.goBackwards
            default: false
            }
        }()
        let zeroOutput = { () -> Bool in
            switch self {
            case .lstm(let l): l.zeroOutputForMask
            case .gru(let g): g.zeroOutputForMask
            case .simpleRNN(let r): r.zeroOutputForMask
            default: false
            }
        }()
        let order = backwards ? Array((0..<steps).reversed()) : Array(0..<steps)
        var state = [[Float]](repeating: [Float](repeating: 0, count: hu), count: stateCount)
        var series = [[Float]](repeating: [], count: info.vectorNames.count)
        var outputs: [Float] = []
        var previousOutput = [Float](repeating: 0, count: hu)
        var rows: [Float] = [], masked: [Bool] = []
        for t in order {
            let x = input.row(t)
            rows += x
            if mask[t] {
                let (vectors, newState) = step(x, state)
                state = newState
                for (k, v) in vectors.enumerated() { series[k] += v }
                previousOutput = state[0]
                masked.append(false)
            } else {
                // Skipped: gates are not computed (zeros here, left out of the JSON); c and h carried.
                for (k, name) in info.vectorNames.enumerated() {
                    series[k] += name == "h" ? state[0] : (name == "c" ? state[1] : [Float](repeating: 0, count: hu))
                }
                if zeroOutput { previousOutput = [Float](repeating: 0, count: hu) }
                masked.append(true)
            }
            outputs += previousOutput
        }
        var trace = LayerTrace(layerName: info.name, kind: info.kind, units: hu,
                               inputs: Matrix(rows: steps, columns: input.columns, values: rows), vectorNames: info.vectorNames,
                               series: series.map { Matrix(rows: steps, columns: hu, values: $0) })
        trace.masked = masked.contains(true) ? masked : nil
        let output = info.returnSequences ? Matrix(rows: steps, columns: hu, values: outputs)
            : Matrix(rows: 1, columns: hu, values: Array(outputs[(steps - 1) * hu ..< steps * hu]))
        return ([trace], output)
    }
}
