import Foundation

/// `scan`'s pass over a set of windows: each window replayed (every vector kept) and added to
/// ``ScanStatistics``, the set split into contiguous shares over `threads`, merged in order.
public enum Scan {
    /// How often the workers say how far they are, in windows.
    static let progressEvery = 64

    /// Runs `model` over windows `0 ..< count` (`window(k)`, T × xu each), with `expected[k]` as
    /// window k's expected output when given; `progress` hears the number of windows done (from
    /// any thread, about every ``progressEvery``).
    public static func run(
        model: Model, count: Int, steps: Int, window: @Sendable (Int) -> Matrix, expected: [[Float]]?,
        threads: Int = 1, progress: @Sendable (Int) -> Void = { _ in }
    ) throws(ShapeError) -> ScanStatistics {
        let workers = max(1, min(threads, count))
        let done = Counter()
        let results = Results(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var statistics = ScanStatistics(model: model, steps: steps)
            let share = (w * count / workers)..<((w + 1) * count / workers)
            do throws(ShapeError) {
                let batch = batchSize(model, steps: steps, workers: workers)
                var reported = 0
                for first in stride(from: share.lowerBound, to: share.upperBound, by: batch) {
                    let ks = first..<min(first + batch, share.upperBound)
                    let traces = try ModelTrace.batch(model: model, inputs: ks.map(window))
                    for (k, trace) in zip(ks, traces) {
                        statistics.add(trace, model: model, window: k, expected: expected?[k])
                    }
                    let finished = ks.upperBound - share.lowerBound
                    if finished - reported >= progressEvery {
                        progress(done.add(finished - reported))
                        reported = finished
                    }
                }
                progress(done.add(share.count - reported))
                results.set(w, .success(statistics))
            } catch {
                results.set(w, .failure(error))
            }
        }
        var merged = ScanStatistics(model: model, steps: steps)
        for result in results.all {
            switch result {
            case .success(let share): merged.merge(share)
            case .failure(let error): throw error
            case nil: preconditionFailure("a scan worker left no result")
            }
        }
        return merged
    }

    /// Windows a worker replays together (their h·U one matrix product a step): up to 32, as
    /// many as keep every worker's batch (its traces, and their copies while they are made)
    /// within 128 MB in all; one at a time unless an LSTM the batched kernel runs has a U of
    /// 4 MB or more (measured, AVX2 EPYC: at 64 units a batch was 13% slower, its copies costing
    /// more than U's loads saved; at 256 units 0.93–1.08×, at 1,024 1.5–1.7× faster).
    static func batchSize(_ model: Model, steps: Int, workers: Int = 1) -> Int {
        guard !model.masks else { return 1 }
        let batched = model.tracedLayers.filter { $0.kind == .lstm && !$0.goBackwards }
        let largestU = batched.map { $0.units * $0.units * 4 * 4 }.max() ?? 0
        guard largestU >= 4 << 20 else { return 1 }
        let floats = 2 * WindowReplay.traceFloats(model, steps: steps) * max(workers, 1)
        return max(1, min(32, (32 << 20) / max(floats, 1)))
    }

    /// Windows done, counted from every worker.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func add(_ n: Int) -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += n
            return value
        }
    }

    /// Each worker's share of the statistics, or the error that stopped it.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Result<ScanStatistics, ShapeError>?]

        init(count: Int) { stored = Array(repeating: nil, count: count) }

        func set(_ k: Int, _ result: Result<ScanStatistics, ShapeError>) {
            lock.lock()
            defer { lock.unlock() }
            stored[k] = result
        }

        var all: [Result<ScanStatistics, ShapeError>?] {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
    }
}
