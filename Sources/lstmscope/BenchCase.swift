import Dispatch
import LSTMCore
import Reports

/// One benchmark: a model and a window, timed for output-only replay, full trace and the
/// readable `step` loop as the in-run baseline.
struct BenchCase {
    let label: String
    let modelPath: String?
    let model: Model
    let window: Matrix
    /// Minimum wall time spent on each measurement, seconds.
    let minTime: Double
    /// Threads the kernel splits each layer's units across.
    var threads = 1
    var loadMilliseconds: Double?

    struct Timing {
        /// Median seconds for one whole window.
        let median: Double
        let runs: Int
    }

    struct Result {
        let replay: Timing
        let trace: Timing
        /// Median seconds per step of the readable `step` loop, over a prefix of the window.
        let baselinePerStep: Double
    }

    var steps: Int { window.rows }

    /// Multiply-adds of the recurrent layers per step, counted as 2 FLOPs: 2·4h·(x + h) a layer.
    var flopsPerStep: Double {
        model.recurrentLayers.reduce(0) { $0 + 2 * Double(4 * $1.units) * Double($1.inputSize + $1.units) }
    }

    /// Weight bytes read per step: all of U every step, W once per block of steps whose x·W
    /// is computed together.
    var bytesPerStep: Double {
        model.recurrentLayers.reduce(0) {
            $0 + 4 * Double(4 * $1.units) * (Double($1.units) + Double($1.inputSize) / Double(LSTMLayer.inputBlockSteps))
        }
    }

    func run() throws -> Result {
        _ = try model.predict(window, threads: threads)  // warm-up; packs the weights
        let replay = try Self.time(minTime) { _ = try model.predict(window, threads: threads) }
        let trace = try Self.time(minTime) { _ = try ModelTrace(model: model, input: window, threads: threads) }
        let prefix = min(steps, 100)
        let baseline = Self.time(minTime / 2) { readableSteps(prefix) }
        return Result(replay: replay, trace: trace, baselinePerStep: baseline.median / Double(prefix))
    }

    /// The first recurrent layer, step by step with the readable `step`: what the tutorial loop does.
    private func readableSteps(_ count: Int) {
        guard let layer = model.recurrentLayers.first else { return }
        var state = LSTMState.zero(units: layer.units)
        for t in 0..<count { state = layer.step(x: window.row(t), previous: state).state }
        precondition(state.h.count == layer.units)
    }

    /// Runs `body` at least 5 times and for at least `minTime` seconds; the median run.
    static func time(_ minTime: Double, _ body: () throws -> Void) rethrows -> Timing {
        var samples: [Double] = []
        let start = DispatchTime.now().uptimeNanoseconds
        while samples.count < 5 || (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < minTime && samples.count < 10_000) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        samples.sort()
        return Timing(median: samples[samples.count / 2], runs: samples.count)
    }
}
