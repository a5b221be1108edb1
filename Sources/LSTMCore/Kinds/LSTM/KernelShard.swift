/// The fast kernel for a range of a layer's units: the W and U columns of all four gates of
/// those units, packed into panels, and the step loop over them.
///
/// One shard covering every unit is the single-threaded kernel. Its z is laid out like a
/// smaller LSTM's, [i | f | c̃ | o] for its n units, while U keeps all hu rows because every
/// unit's gates read the whole h.
final class KernelShard: Sendable {
    /// Lets the last group of 16 units read and write past the range without a branch.
    static let slack = 16

    let unitRange: Range<Int>
    /// hu of the whole layer: the length of h, and of a sink's rows.
    let layerUnits: Int
    let inputSize: Int
    let w: PanelMatrix
    let u: PanelMatrix
    /// This shard's b, padded to `u.paddedColumns`, zeros without bias.
    let bias: [Float]
    let activation: Activation
    let recurrentActivation: Activation

    var count: Int { unitRange.count }

    /// The layer's activations; σ and tanh (`isSigmoidTanh`) run as ``SigmoidTanh`` instead.
    var chosenActivations: ChosenActivations {
        ChosenActivations(recurrent: recurrentActivation, activation: activation)
    }

    init(_ layer: LSTMLayer, units range: Range<Int>) {
        unitRange = range
        layerUnits = layer.units
        inputSize = layer.inputSize
        let hu = layer.units
        let columns = (0..<4).flatMap { gate in (gate * hu + range.lowerBound)..<(gate * hu + range.upperBound) }
        let pick = { (m: Matrix) -> Matrix in
            columns.count == m.columns
                ? m
                : Matrix(
                    rows: m.rows, columns: columns.count, values: (0..<m.rows).flatMap { r in columns.map { m[r, $0] } }
                )
        }
        w = PanelMatrix(pick(layer.kernel))
        u = PanelMatrix(pick(layer.recurrentKernel), hugePages: true)
        var b = [Float](repeating: 0, count: u.paddedColumns)
        if let layerBias = layer.bias { for (k, column) in columns.enumerated() { b[k] = layerBias[column] } }
        bias = b
        activation = layer.activation
        recurrentActivation = layer.recurrentActivation
    }

    /// The single-threaded run: this shard is the whole layer, and h is updated in place
    /// (the product h·U is finished before the gates write the new h).
    func runAlone(_ input: Matrix, order: [Int], state: inout LSTMState, sink: TraceSink?) {
        let n = count, slack = Self.slack
        var h = [Float](repeating: 0, count: n + slack)
        var c = [Float](repeating: 0, count: n + slack)
        h.replaceSubrange(0..<n, with: state.h)
        c.replaceSubrange(0..<n, with: state.c)
        h.withUnsafeMutableBufferPointer { h in
            c.withUnsafeMutableBufferPointer { c in
                steps(
                    input, order: order, c: c.baseAddress!, sink: sink,
                    h: HBuffers(shared: h.baseAddress!, layerUnits: n, local: nil, barrier: nil))
            }
        }
        state.h = Array(h[0..<n])
        state.c = Array(c[0..<n])
    }

    /// One thread of a sharded run: reads the shared h of the previous step, writes its units
    /// of the next into the other buffer, and meets the other threads after every step.
    func runShared(_ run: ShardedRun) {
        let n = count, slack = Self.slack, total = run.h
        let hu = run.initialC.count
        let local = UnsafeMutablePointer<Float>.allocate(capacity: n + slack)
        defer { local.deallocate() }
        local.initialize(repeating: 0, count: n + slack)
        var c = [Float](repeating: 0, count: n + slack)
        c.replaceSubrange(0..<n, with: run.initialC[unitRange])
        c.withUnsafeMutableBufferPointer { c in
            steps(
                run.input, order: run.order, c: c.baseAddress!, sink: run.sink,
                h: HBuffers(shared: total, layerUnits: hu, local: local, barrier: run.barrier))
            (run.finalC + unitRange.lowerBound).update(from: c.baseAddress!, count: n)
        }
    }

    /// Where a step reads the previous h and writes this shard's new h.
    ///
    /// Alone: one buffer, updated in place. Sharded: two shared buffers of hu floats (step s
    /// reads s % 2), the new h written to a local buffer, copied into the other shared one,
    /// then the barrier.
    struct HBuffers {
        let shared: UnsafeMutablePointer<Float>
        let layerUnits: Int
        let local: UnsafeMutablePointer<Float>?
        let barrier: SpinBarrier?

        @inline(__always) func read(_ step: Int) -> UnsafePointer<Float> {
            UnsafePointer(local == nil ? shared : shared + (step & 1) * layerUnits)
        }

        @inline(__always) var write: UnsafeMutablePointer<Float> { local ?? shared }

        @inline(__always) func finish(_ step: Int, units: Range<Int>) {
            guard let local, let barrier else { return }
            (shared + ((step + 1) & 1) * layerUnits + units.lowerBound).update(from: local, count: units.count)
            barrier.wait()
        }
    }

    /// The step loop, specialised for the activations: with the gate update inlined into it, a
    /// small layer's step makes no call for it.
    private func steps(_ input: Matrix, order: [Int], c: UnsafeMutablePointer<Float>, sink: TraceSink?, h hb: HBuffers)
    {
        if chosenActivations.isSigmoidTanh {
            steps(input, order: order, c: c, sink: sink, h: hb, SigmoidTanh())
        } else {
            steps(input, order: order, c: c, sink: sink, h: hb, chosenActivations)
        }
    }

    /// The step loop: x·W a block at a time, then per step h·U, the gates and the state.
    private func steps<A: GateActivations>(
        _ input: Matrix, order: [Int], c: UnsafeMutablePointer<Float>, sink: TraceSink?, h hb: HBuffers, _ a: A
    ) {
        let padded = u.paddedColumns, slack = Self.slack
        let block = LSTMKernel.blockSteps(forRun: order.count)
        var xBlock = [Float](repeating: 0, count: block * inputSize)
        var zx = [Float](repeating: 0, count: block * padded)
        var z = [Float](repeating: 0, count: padded + 4 * slack)
        var gates = [Float](repeating: 0, count: 4 * (count + slack))
        let gateStride = count + slack
        let keepGates = sink?.keepsGates == true
        input.values.withUnsafeBufferPointer { xs in
            xBlock.withUnsafeMutableBufferPointer { xb in
                zx.withUnsafeMutableBufferPointer { zx in
                    z.withUnsafeMutableBufferPointer { z in
                        gates.withUnsafeMutableBufferPointer { g in
                            bias.withUnsafeBufferPointer { b in
                                var first = 0
                                while first < order.count {
                                    let rows = min(block, order.count - first)
                                    w.projectBlock(
                                        xs.baseAddress!, rows: order[first..<first + rows], gathered: xb.baseAddress!,
                                        bias: b.baseAddress!, into: zx.baseAddress!)
                                    for r in 0..<rows {
                                        let step = first + r
                                        let hWrite = hb.write
                                        // U is walked back and forth on alternate steps: the end of one pass is
                                        // still in cache when the next begins (5–7% at 64 and 256 units). The
                                        // direction follows the step's parity, and every run starts at an even step
                                        // (0 or a checkpoint), so a recomputed segment repeats the same roundings.
                                        u.multiply(
                                            hb.read(step), adding: zx.baseAddress! + r * padded, into: z.baseAddress!,
                                            backward: step & 1 == 1)
                                        updateState(
                                            z: z.baseAddress!, h: hWrite, c: c, gates: keepGates ? g.baseAddress! : nil,
                                            gateStride: gateStride, a)
                                        if let sink {
                                            record(
                                                step: step, into: sink, h: hWrite, c: c, gates: g.baseAddress!,
                                                gateStride: gateStride)
                                        }
                                        hb.finish(step, units: unitRange)
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

    /// One step of a stream (``LSTMStream``): z = b + x·W (as a block of one row, the window
    /// replay's rounding) + h·U (U's rows by the step's parity), then the gates; h and c in place.
    func streamStep(
        _ x: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
        c: UnsafeMutablePointer<Float>, backward: Bool
    ) {
        if chosenActivations.isSigmoidTanh {
            streamStep(x, z: z, h: h, c: c, backward: backward, SigmoidTanh())
        } else {
            streamStep(x, z: z, h: h, c: c, backward: backward, chosenActivations)
        }
    }

    @inline(__always)
    private func streamStep<A: GateActivations>(
        _ x: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
        c: UnsafeMutablePointer<Float>, backward: Bool, _ a: A
    ) {
        // A lone vector's `multiply` pairs the rows of a narrow panel differently.
        bias.withUnsafeBufferPointer { b in w.multiplyRow(x, adding: b.baseAddress!, into: z) }
        u.multiply(h, adding: z, into: z, backward: backward)
        updateState(z: z, h: h, c: c, gates: nil, gateStride: count + Self.slack, a)
    }

    /// i, f, c̃, o from z; then c = f∗c + i∗c̃ and h = o∗act(c), 16 units at a time (the last
    /// 1–8 units in 8 lanes: at 5 or 8 units that halves the step's activations).
    ///
    /// Dispatched on the activations per call, for the batch's windows; the step loop and the
    /// stream are specialised for them once and inline the generic form below.
    @inline(never)
    func updateState(
        z: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
        gates: UnsafeMutablePointer<Float>?, gateStride: Int
    ) {
        if chosenActivations.isSigmoidTanh {
            updateState(z: z, h: h, c: c, gates: gates, gateStride: gateStride, SigmoidTanh())
        } else {
            updateState(z: z, h: h, c: c, gates: gates, gateStride: gateStride, chosenActivations)
        }
    }

    @inline(__always)
    private func updateState<A: GateActivations>(
        z: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
        gates: UnsafeMutablePointer<Float>?, gateStride: Int, _ a: A
    ) {
        let n = count
        var j = 0
        while j + 16 <= n {
            updateUnits(Vec16.self, at: j, z: z, h: h, c: c, gates: gates, gateStride: gateStride, a)
            j += 16
        }
        if n - j > 8 {
            updateUnits(Vec16.self, at: j, z: z, h: h, c: c, gates: gates, gateStride: gateStride, a)
        } else if j < n {
            updateUnits(SIMD8<Float>.self, at: j, z: z, h: h, c: c, gates: gates, gateStride: gateStride, a)
        }
    }

    /// Units j ..< j + V.scalarCount (those past the shard's count write into the slack).
    @inline(__always)
    private func updateUnits<V: FloatLanes, A: GateActivations>(
        _: V.Type, at j: Int, z: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
        c: UnsafeMutablePointer<Float>, gates: UnsafeMutablePointer<Float>?, gateStride: Int, _ a: A
    ) {
        let n = count
        let i = a.gate(V.load(z, j))
        let f = a.gate(V.load(z, n + j))
        let cTilde = a.state(V.load(z, 2 * n + j))
        let o = a.gate(V.load(z, 3 * n + j))
        let cNew = (i * cTilde).addingProduct(f, V.load(c, j))
        let hNew = o * a.state(cNew)
        cNew.store(c, j)
        hNew.store(h, j)
        if let gates {
            i.store(gates, j)
            f.store(gates + gateStride, j)
            cTilde.store(gates + 2 * gateStride, j)
            o.store(gates + 3 * gateStride, j)
        }
    }

    /// Copies this shard's units of the step's vectors into row `step` of the sink's blocks.
    @inline(__always)
    func record(
        step: Int, into sink: TraceSink, h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
        gates: UnsafeMutablePointer<Float>, gateStride: Int
    ) {
        let at = step * layerUnits + unitRange.lowerBound, n = count
        if let d = sink.i { copyFloats(gates, to: d + at, count: n) }
        if let d = sink.f { copyFloats(gates + gateStride, to: d + at, count: n) }
        if let d = sink.cTilde { copyFloats(gates + 2 * gateStride, to: d + at, count: n) }
        if let d = sink.o { copyFloats(gates + 3 * gateStride, to: d + at, count: n) }
        if let d = sink.c { copyFloats(c, to: d + at, count: n) }
        if let d = sink.h { copyFloats(h, to: d + at, count: n) }
    }
}
