import Foundation
import Synchronization

/// Where the fast kernel writes each step's vectors: for each one it keeps, a T × hu block
/// (row t = the t-th step run). The kernel writes every element of the blocks it is given.
struct TraceSink: @unchecked Sendable {
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
/// - x·W for a block of steps (64, or a whole run of up to 128) is one matrix–matrix product done before their
///   recurrence (it does not depend on h), with b folded in.
/// - h·U is a matrix–vector product over ``PanelMatrix`` panels, sums kept in registers.
/// - The four gate activations, c and h are one fused pass over 16 units at a time.
/// - Every buffer is allocated once per run; the step loop allocates nothing.
/// - With several shards, each thread owns a range of units (all four gates of them), so the
///   threads only meet once per step, to exchange h.
final class LSTMKernel: Sendable {
    /// Steps whose x·W is computed together in a long run; with ``blockSteps(forRun:)`` it
    /// bounds the kernel's memory at 128 × 4·hu floats.
    static let blockSteps = 64

    /// Steps per x·W block for a run of `steps`: a run of up to 128 steps is one block, so W
    /// streams through the cache once rather than twice. At 1024,1024 and T = 100 that is ~10%
    /// faster (W's second pass pushed U out of L3); in long runs 64 is ~4% faster than 128,
    /// whose bigger block of products itself competes with U for the cache.
    static func blockSteps(forRun steps: Int) -> Int {
        steps <= 2 * blockSteps ? max(steps, 1) : blockSteps
    }

    let units: Int
    let inputSize: Int
    let shards: [KernelShard]

    /// Threads a layer of `units` really runs on when `threads` are asked for: shards are whole
    /// 16-unit groups, so every thread's gate pass stays vectorised, and at most one per core.
    static func shardCount(units: Int, threads: Int) -> Int {
        max(1, min(threads, (units + 15) / 16, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// Packs `layer` for `threads` threads (fewer when the layer has too few units to split).
    init(_ layer: LSTMLayer, threads: Int = 1) {
        units = layer.units
        inputSize = layer.inputSize
        let groups = (layer.units + 15) / 16
        let count = Self.shardCount(units: layer.units, threads: threads)
        shards = (0..<count).map { k in
            let first = min(layer.units, groups * k / count * 16)
            let last = min(layer.units, groups * (k + 1) / count * 16)
            return KernelShard(layer, units: first..<last)
        }
    }

    /// Runs the steps for input rows `order` (indexes into `input`, T × xu) from `state`,
    /// leaving the final state in it and writing each step's vectors where `sink` says.
    func run(_ input: Matrix, order: [Int], state: inout LSTMState, sink: TraceSink? = nil) {
        precondition(input.columns == inputSize && state.h.count == units && state.c.count == units)
        guard shards.count > 1, order.count > 1 else {
            shards[0].runAlone(input, order: order, state: &state, sink: sink)
            return
        }
        runSharded(input, order: order, state: &state, sink: sink)
    }

    /// Every shard on its own thread (the caller's thread runs the first), meeting at a barrier
    /// after each step; h is double-buffered so no thread reads what another is writing.
    private func runSharded(_ input: Matrix, order: [Int], state: inout LSTMState, sink: TraceSink?) {
        let hu = units
        let buffers = UnsafeMutablePointer<Float>.allocate(capacity: 2 * hu)
        defer { buffers.deallocate() }
        buffers.initialize(repeating: 0, count: 2 * hu)
        buffers.update(from: state.h, count: hu)
        let barrier = SpinBarrier(parties: shards.count)
        let finalC = UnsafeMutablePointer<Float>.allocate(capacity: hu)
        defer { finalC.deallocate() }
        let shared = ShardedRun(
            input: input, order: order, initialC: state.c, h: buffers, finalC: finalC,
            sink: sink, barrier: barrier)
        let done = DispatchGroup()
        for shard in shards.dropFirst() {
            done.enter()
            Thread {
                shard.runShared(shared)
                done.leave()
            }.start()
        }
        shards[0].runShared(shared)
        done.wait()
        // After an odd number of steps the last h sits in the second buffer.
        let last = buffers + (order.count % 2) * hu
        state.h = Array(UnsafeBufferPointer(start: last, count: hu))
        state.c = Array(UnsafeBufferPointer(start: finalC, count: hu))
    }
}

/// What the threads of one sharded run share. The pointers are written by one shard each
/// (disjoint unit ranges) between barriers.
struct ShardedRun: @unchecked Sendable {
    let input: Matrix
    let order: [Int]
    let initialC: [Float]
    /// Two h buffers of hu floats: step s reads buffer s % 2 and writes the other.
    let h: UnsafeMutablePointer<Float>
    let finalC: UnsafeMutablePointer<Float>
    let sink: TraceSink?
    let barrier: SpinBarrier
}

/// Threads waiting for each other once per step. A step of a big layer takes tens of
/// microseconds to milliseconds, so spinning costs little and wakes in nanoseconds, where a
/// condition variable would cost several microseconds a step.
final class SpinBarrier: Sendable {
    private let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    /// Returns once all parties have called it; their writes before it are visible after it.
    func wait() {
        let mine = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
        } else {
            // Spin briefly, then yield: with more threads than free cores, a waiter that keeps
            // spinning would hold the core the last thread needs to arrive.
            var spins = 0
            while generation.load(ordering: .acquiring) == mine {
                spins += 1
                if spins > 4_000 { sched_yield() }
            }
        }
    }
}
