/// Where the GRU kernel writes each step's vectors: for each one it keeps, a T × hu block.
struct GRUTraceSink {
    var z, r, hTilde, h: UnsafeMutablePointer<Float>?

    init(
        z: UnsafeMutablePointer<Float>? = nil, r: UnsafeMutablePointer<Float>? = nil,
        hTilde: UnsafeMutablePointer<Float>? = nil, h: UnsafeMutablePointer<Float>?
    ) {
        self.z = z
        self.r = r
        self.hTilde = hTilde
        self.h = h
    }
}

/// The fast forward pass of one GRU layer: the equations of ``GRULayer/step(x:previous:)``,
/// arranged as ``LSTMKernel`` arranges an LSTM's.
///
/// - x·W + b for a block of steps (``LSTMKernel/blockSteps(forRun:)``) is one matrix–matrix
///   product before their recurrence.
/// - h·U (+ b') is a matrix–vector product over ``PanelMatrix`` panels, walked in alternate
///   directions on alternate steps (every run starts at an even step, so a recomputed
///   segment rounds the same).
/// - z, r, h̃ and h are one fused pass over 16 units at a time.
/// - With `reset_after=False` the reset applies before its product, so h̃'s columns of U are a
///   panel matrix of their own, multiplied by r∗h once z and r are known.
///
/// One thread: GRU layers are replayed through it, `--threads` splits LSTM layers only.
final class GRUKernel: Sendable {
    /// Lets the last group of 16 units read and write past the end without a branch.
    static let slack = 16

    let units: Int
    let inputSize: Int
    let resetAfter: Bool
    /// W, blocks z | r | h̃.
    let w: PanelMatrix
    /// U: all three blocks with `resetAfter`, else z | r only.
    let u: PanelMatrix
    /// U's h̃ block, without `resetAfter`.
    let uCandidate: PanelMatrix?
    /// b, padded to W's columns (zeros without bias).
    let inputBias: [Float]
    /// b' (with `resetAfter`), padded to U's columns; zeros otherwise.
    let recurrentBias: [Float]
    let activation: Activation
    let recurrentActivation: Activation

    init(_ layer: GRULayer) {
        let hu = layer.units
        units = hu
        inputSize = layer.inputSize
        resetAfter = layer.resetAfter
        w = PanelMatrix(layer.kernel)
        if layer.resetAfter {
            u = PanelMatrix(layer.recurrentKernel, hugePages: true)
            uCandidate = nil
        } else {
            u = PanelMatrix(layer.recurrentKernel.columns(0..<2 * hu), hugePages: true)
            uCandidate = PanelMatrix(layer.recurrentKernel.columns(2 * hu..<3 * hu), hugePages: true)
        }
        inputBias =
            (layer.inputBias ?? []) + [Float](repeating: 0, count: w.paddedColumns - (layer.inputBias?.count ?? 0))
        recurrentBias =
            (layer.recurrentBias ?? [])
            + [Float](repeating: 0, count: u.paddedColumns - (layer.recurrentBias?.count ?? 0))
        activation = layer.activation
        recurrentActivation = layer.recurrentActivation
    }

    /// Runs the steps for input rows `order` (indexes into `input`, T × xu) from `state` (h),
    /// leaving the final h in it and writing each step's vectors where `sink` says.
    func run(_ input: Matrix, order: [Int], state: inout [Float], sink: GRUTraceSink? = nil) {
        precondition(input.columns == inputSize && state.count == units)
        let hu = units, slack = Self.slack
        let padded = w.paddedColumns
        let block = LSTMKernel.blockSteps(forRun: order.count)
        var xBlock = [Float](repeating: 0, count: block * inputSize)
        // Rows of x·W + b; slack so the h̃ block of the last row can be read 16 wide.
        var zx = [Float](repeating: 0, count: block * padded + slack)
        var zh = [Float](repeating: 0, count: u.paddedColumns + slack)
        var candidate = [Float](repeating: 0, count: (uCandidate?.paddedColumns ?? 0) + slack)
        var h = state + [Float](repeating: 0, count: slack)
        // z and r of the step (kept for the sink, and for r∗h without resetAfter).
        var gates = [Float](repeating: 0, count: 3 * (hu + slack))
        let zero = [Float](repeating: 0, count: (uCandidate?.paddedColumns ?? 0) + slack)
        input.values.withUnsafeBufferPointer { xs in
            xBlock.withUnsafeMutableBufferPointer { xb in
                zx.withUnsafeMutableBufferPointer { zx in
                    zh.withUnsafeMutableBufferPointer { zh in
                        candidate.withUnsafeMutableBufferPointer { candidate in
                            h.withUnsafeMutableBufferPointer { h in
                                gates.withUnsafeMutableBufferPointer { g in
                                    var first = 0
                                    while first < order.count {
                                        let rows = min(block, order.count - first)
                                        w.projectBlock(
                                            xs.baseAddress!, rows: order[first..<first + rows],
                                            gathered: xb.baseAddress!,
                                            bias: inputBias, into: zx.baseAddress!)
                                        for r in 0..<rows {
                                            let step = first + r, backward = step & 1 == 1
                                            let x = zx.baseAddress! + r * padded
                                            u.multiply(
                                                h.baseAddress!, adding: recurrentBias, into: zh.baseAddress!,
                                                backward: backward)
                                            if let uCandidate {
                                                resetGates(
                                                    zx: x, zh: zh.baseAddress!, h: h.baseAddress!, gates: g.baseAddress!
                                                )
                                                uCandidate.multiply(
                                                    g.baseAddress! + 2 * (hu + slack), adding: zero,
                                                    into: candidate.baseAddress!, backward: backward)
                                            }
                                            updateState(
                                                zx: x, zh: zh.baseAddress!, candidate: candidate.baseAddress!,
                                                h: h.baseAddress!, gates: g.baseAddress!)
                                            if let sink {
                                                record(step: step, into: sink, h: h.baseAddress!, gates: g.baseAddress!)
                                            }
                                        }
                                        first += rows
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        state = Array(h[0..<hu])
    }

    /// Without `resetAfter`: z and r from x·W + b and h·U, and r∗h into the third gate row
    /// (the vector h̃'s columns of U multiply).
    @inline(never)
    private func resetGates(
        zx: UnsafePointer<Float>, zh: UnsafePointer<Float>, h: UnsafePointer<Float>,
        gates: UnsafeMutablePointer<Float>
    ) {
        let hu = units, stride = hu + Self.slack
        let rec = recurrentActivation, sigmoid = rec == .sigmoid
        var j = 0
        while j < hu {
            let zIn = PanelMatrix.load(zx, j) + PanelMatrix.load(zh, j)
            let rIn = PanelMatrix.load(zx, hu + j) + PanelMatrix.load(zh, hu + j)
            let z = sigmoid ? VectorMath.sigmoid(zIn) : rec(zIn)
            let r = sigmoid ? VectorMath.sigmoid(rIn) : rec(rIn)
            PanelMatrix.store(z, gates, j)
            PanelMatrix.store(r, gates + stride, j)
            PanelMatrix.store(r * PanelMatrix.load(h, j), gates + 2 * stride, j)
            j += 16
        }
    }

    /// h̃ and the new h (z and r too with `resetAfter`), 16 units at a time; h in place.
    /// Dispatched once per step on the activations, so the common σ/tanh pair is one loop with
    /// the vector math inlined (``GateActivations``).
    @inline(never)
    private func updateState(
        zx: UnsafePointer<Float>, zh: UnsafePointer<Float>, candidate: UnsafePointer<Float>,
        h: UnsafeMutablePointer<Float>, gates: UnsafeMutablePointer<Float>
    ) {
        let chosen = ChosenActivations(recurrent: recurrentActivation, activation: activation)
        if chosen.isSigmoidTanh {
            updateState(zx: zx, zh: zh, candidate: candidate, h: h, gates: gates, SigmoidTanh())
        } else {
            updateState(zx: zx, zh: zh, candidate: candidate, h: h, gates: gates, chosen)
        }
    }

    @inline(__always)
    private func updateState<A: GateActivations>(
        zx: UnsafePointer<Float>, zh: UnsafePointer<Float>, candidate: UnsafePointer<Float>,
        h: UnsafeMutablePointer<Float>, gates: UnsafeMutablePointer<Float>, _ a: A
    ) {
        let hu = units, stride = hu + Self.slack
        let one = Vec16(repeating: 1)
        var j = 0
        while j < hu {
            let z: Vec16, hTilde: Vec16
            if resetAfter {
                z = a.gate(PanelMatrix.load(zx, j) + PanelMatrix.load(zh, j))
                let r = a.gate(PanelMatrix.load(zx, hu + j) + PanelMatrix.load(zh, hu + j))
                hTilde = a.state(PanelMatrix.load(zx, 2 * hu + j) + r * PanelMatrix.load(zh, 2 * hu + j))
                PanelMatrix.store(z, gates, j)
                PanelMatrix.store(r, gates + stride, j)
            } else {
                z = PanelMatrix.load(gates, j)
                hTilde = a.state(PanelMatrix.load(zx, 2 * hu + j) + PanelMatrix.load(candidate, j))
            }
            PanelMatrix.store(hTilde, gates + 2 * stride, j)
            PanelMatrix.store(z * PanelMatrix.load(h, j) + (one - z) * hTilde, h, j)
            j += 16
        }
    }

    /// Copies the step's vectors into row `step` of the sink's blocks.
    @inline(__always)
    private func record(step: Int, into sink: GRUTraceSink, h: UnsafePointer<Float>, gates: UnsafePointer<Float>) {
        let at = step * units, stride = units + Self.slack
        if let d = sink.z { copyFloats(gates, to: d + at, count: units) }
        if let d = sink.r { copyFloats(gates + stride, to: d + at, count: units) }
        if let d = sink.hTilde { copyFloats(gates + 2 * stride, to: d + at, count: units) }
        if let d = sink.h { copyFloats(h, to: d + at, count: units) }
    }
}
