/// Where the fast kernel writes each step's vectors: for each one it keeps, a T × hu block
/// (row t = the t-th step run). The kernel writes every element of the blocks it is given.
struct TraceSink {
    var i, f, cTilde, o, c, h: UnsafeMutablePointer<Float>?

    /// Only the hidden sequence, for a layer that feeds another.
    static func hidden(_ h: UnsafeMutablePointer<Float>) -> TraceSink {
        TraceSink(i: nil, f: nil, cTilde: nil, o: nil, c: nil, h: h)
    }

    var keepsGates: Bool { i != nil || f != nil || cTilde != nil || o != nil }
}

/// The fast forward pass of one LSTM layer: the same equations as ``LSTMLayer/step(x:previous:)``,
/// arranged for speed.
///
/// - x·W for a block of up to 64 steps is one matrix–matrix product done before their
///   recurrence (it does not depend on h), with b folded in.
/// - h·U is a matrix–vector product over ``PanelMatrix`` panels, sums kept in registers.
/// - The four gate activations, c and h are one fused pass over 16 units at a time.
/// - Every buffer is allocated once per run; the step loop allocates nothing.
final class LSTMKernel: Sendable {
    /// Steps whose x·W is computed together; bounds the kernel's memory at 64 × 4·hu floats.
    static let blockSteps = 64

    let units: Int
    let inputSize: Int
    let w: PanelMatrix
    let u: PanelMatrix
    /// b padded to `u.paddedColumns`, zeros without bias.
    let bias: [Float]
    let activation: Activation
    let recurrentActivation: Activation

    init(_ layer: LSTMLayer) {
        units = layer.units
        inputSize = layer.inputSize
        w = PanelMatrix(layer.kernel)
        u = PanelMatrix(layer.recurrentKernel)
        var b = [Float](repeating: 0, count: u.paddedColumns)
        if let layerBias = layer.bias { b.replaceSubrange(0..<layerBias.count, with: layerBias) }
        bias = b
        activation = layer.activation
        recurrentActivation = layer.recurrentActivation
    }

    /// Runs the steps for input rows `order` (indexes into `input`, T × xu) from `state`,
    /// leaving the final state in it and writing each step's vectors where `sink` says.
    func run(_ input: Matrix, order: [Int], state: inout LSTMState, sink: TraceSink? = nil) {
        precondition(input.columns == inputSize && state.h.count == units && state.c.count == units)
        let hu = units, padded = u.paddedColumns
        let slack = 16  // lets the last group of 16 units read and write past hu without a branch
        let block = Self.blockSteps
        var xBlock = [Float](repeating: 0, count: block * inputSize)
        var zx = [Float](repeating: 0, count: block * padded)
        var z = [Float](repeating: 0, count: padded + 4 * slack)
        var h = [Float](repeating: 0, count: hu + slack)
        var c = [Float](repeating: 0, count: hu + slack)
        var gates = [Float](repeating: 0, count: 4 * (hu + slack))
        h.replaceSubrange(0..<hu, with: state.h)
        c.replaceSubrange(0..<hu, with: state.c)

        input.values.withUnsafeBufferPointer { xs in
        xBlock.withUnsafeMutableBufferPointer { xb in
        zx.withUnsafeMutableBufferPointer { zx in
        z.withUnsafeMutableBufferPointer { z in
        h.withUnsafeMutableBufferPointer { h in
        c.withUnsafeMutableBufferPointer { c in
        gates.withUnsafeMutableBufferPointer { g in
        bias.withUnsafeBufferPointer { b in
            let gateStride = hu + slack
            var first = 0
            while first < order.count {
                let count = min(block, order.count - first)
                for r in 0..<count {
                    let source = order[first + r] * inputSize
                    for k in 0..<inputSize { xb[r * inputSize + k] = xs[source + k] }
                }
                for r in 0..<count {
                    (zx.baseAddress! + r * padded).update(from: b.baseAddress!, count: padded)
                }
                w.multiplyRows(xb.baseAddress!, count: count, adding: zx.baseAddress!, into: zx.baseAddress!)
                for r in 0..<count {
                    u.multiply(h.baseAddress!, adding: zx.baseAddress! + r * padded, into: z.baseAddress!)
                    updateState(z: z.baseAddress!, h: h.baseAddress!, c: c.baseAddress!,
                                gates: sink?.keepsGates == true ? g.baseAddress! : nil, gateStride: gateStride)
                    if let sink { record(step: first + r, into: sink, h: h.baseAddress!, c: c.baseAddress!, gates: g.baseAddress!, gateStride: gateStride) }
                }
                first += count
            }
        }}}}}}}}
        state.h = Array(h[0..<hu])
        state.c = Array(c[0..<hu])
    }

    /// i, f, c̃, o from z; then c = f∗c + i∗c̃ and h = o∗act(c), 16 units at a time.
    @inline(__always)
    private func updateState(z: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
                             gates: UnsafeMutablePointer<Float>?, gateStride: Int) {
        let hu = units
        let zr = UnsafeRawPointer(z)
        let act = activation, rec = recurrentActivation
        var j = 0
        while j < hu {
            let i = rec(zr.loadUnaligned(fromByteOffset: j * 4, as: Vec16.self))
            let f = rec(zr.loadUnaligned(fromByteOffset: (hu + j) * 4, as: Vec16.self))
            let cTilde = act(zr.loadUnaligned(fromByteOffset: (2 * hu + j) * 4, as: Vec16.self))
            let o = rec(zr.loadUnaligned(fromByteOffset: (3 * hu + j) * 4, as: Vec16.self))
            let cNew = (i * cTilde).addingProduct(f, PanelMatrix.load(c, j))
            let hNew = o * act(cNew)
            PanelMatrix.store(cNew, c, j)
            PanelMatrix.store(hNew, h, j)
            if let gates {
                PanelMatrix.store(i, gates, j)
                PanelMatrix.store(f, gates + gateStride, j)
                PanelMatrix.store(cTilde, gates + 2 * gateStride, j)
                PanelMatrix.store(o, gates + 3 * gateStride, j)
            }
            j += 16
        }
    }

    /// Copies this step's vectors into row `step` of the sink's blocks.
    @inline(__always)
    private func record(step: Int, into sink: TraceSink, h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
                        gates: UnsafeMutablePointer<Float>, gateStride: Int) {
        let row = step * units
        if let d = sink.i { (d + row).update(from: gates, count: units) }
        if let d = sink.f { (d + row).update(from: gates + gateStride, count: units) }
        if let d = sink.cTilde { (d + row).update(from: gates + 2 * gateStride, count: units) }
        if let d = sink.o { (d + row).update(from: gates + 3 * gateStride, count: units) }
        if let d = sink.c { (d + row).update(from: c, count: units) }
        if let d = sink.h { (d + row).update(from: h, count: units) }
    }
}
