/// An LSTM layer one input at a time, as a real-time caller (an audio plug-in, a sensor loop)
/// runs it: no look-ahead over a window, no allocation per step, the state kept between calls.
///
/// Each step is the fast kernel's arithmetic in its order (x·W as a one-row block, h·U over U's
/// rows by the step's parity), so `T` calls give exactly the bits the window replay gives.
///
/// ```swift
/// let stream = LSTMStream(layer)
/// for x in samples { let h = stream.step(x) }   // h after each input
/// ```
public final class LSTMStream {
    private let shard: KernelShard
    private let start: LSTMState
    private var steps = 0
    private let z: UnsafeMutablePointer<Float>
    private let h: UnsafeMutablePointer<Float>
    private let c: UnsafeMutablePointer<Float>

    /// Units of the layer: the length of h.
    public var units: Int { shard.count }
    /// Inputs a step reads.
    public var inputSize: Int { shard.inputSize }

    /// Whether `layer` can be streamed: the variants without a fast kernel (TFLite hybrid int8,
    /// clips, coupled gates) cannot.
    public static func streams(_ layer: LSTMLayer) -> Bool { layer.hasFastKernel }

    /// A stream of `layer` from its start state (zeros, or a converted file's initial state);
    /// nil when it cannot be streamed (``streams(_:)``).
    public init?(_ layer: LSTMLayer) {
        guard Self.streams(layer) else { return nil }
        shard = layer.fastKernel(threads: 1).shards[0]
        let n = layer.units, slack = KernelShard.slack
        let state = layer.startState
        start = LSTMState(h: state[0], c: state[1])
        z = .allocate(capacity: shard.u.paddedColumns + 4 * slack)
        h = .allocate(capacity: n + slack)
        c = .allocate(capacity: n + slack)
        z.initialize(repeating: 0, count: shard.u.paddedColumns + 4 * slack)
        h.initialize(repeating: 0, count: n + slack)
        c.initialize(repeating: 0, count: n + slack)
        reset()
    }

    deinit {
        z.deallocate()
        h.deallocate()
        c.deallocate()
    }

    /// Back to the start state, as at the start of a window.
    public func reset() {
        h.update(from: start.h, count: units)
        c.update(from: start.c, count: units)
        steps = 0
    }

    /// The state now (after the steps so far).
    public var state: LSTMState {
        LSTMState(
            h: Array(UnsafeBufferPointer(start: h, count: units)), c: Array(UnsafeBufferPointer(start: c, count: units))
        )
    }

    /// One step on input `x` (``inputSize`` floats); returns h, valid until the next step.
    @discardableResult
    public func step(_ x: UnsafePointer<Float>) -> UnsafeBufferPointer<Float> {
        shard.streamStep(x, z: z, h: h, c: c, backward: steps & 1 == 1)
        steps &+= 1
        return UnsafeBufferPointer(start: h, count: units)
    }

    /// One step on input `x`; returns a copy of h.
    public func step(_ x: [Float]) -> [Float] {
        precondition(x.count == inputSize, "a step reads \(inputSize) inputs, not \(x.count)")
        return x.withUnsafeBufferPointer { Array(step($0.baseAddress!)) }
    }
}
