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
    /// Also time the window one input at a time (`--streaming`).
    var streaming = false
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
        /// With `--streaming`: the window one input at a time through ``LSTMStream``s.
        var streaming: Timing?
    }

    var steps: Int { window.rows }

    /// Threads the replay really uses: LSTM layers split into 16-unit groups (see
    /// ``LSTMLayer/threadsUsed(asking:)``); GRU and SimpleRNN layers run on one.
    var threadsUsed: Int {
        model.tracedLayers.map { $0.threadsUsed(asking: threads) }.max() ?? 1
    }

    /// The recurrent layers as they run (a Bidirectional's two halves), with their gate
    /// blocks per unit: 4 for LSTM, 3 for GRU, 1 for SimpleRNN.
    var cells: [(kind: LayerKind, inputSize: Int, units: Int, blocks: Int, blockSteps: Int)] {
        model.tracedLayers.map { layer in
            (
                layer.kind, layer.inputSize, layer.units, layer.gateLayout?.count ?? 1,
                type(of: layer).inputBlockSteps(forRun: steps)
            )
        }
    }

    /// Multiply-adds of the recurrent layers per step, counted as 2 FLOPs: 2·g·h·(x + h) a
    /// layer with g gate blocks (4h for an LSTM's 4·h columns).
    var flopsPerStep: Double {
        cells.reduce(0) { $0 + 2 * Double($1.blocks * $1.units) * Double($1.inputSize + $1.units) }
    }

    /// Weight bytes read per step: all of U every step; W once per block of steps whose x·W is
    /// computed together (the LSTM and GRU kernels), every step for SimpleRNN.
    var bytesPerStep: Double {
        cells.reduce(0) {
            let perBlock = Double($1.blockSteps)
            return $0 + 4 * Double($1.blocks * $1.units) * (Double($1.units) + Double($1.inputSize) / perBlock)
        }
    }

    func run() throws -> Result {
        _ = try model.predict(window, threads: threads)  // warm-up; packs the weights
        let replay = try Self.time(minTime) { _ = try model.predict(window, threads: threads) }
        let trace = try Self.time(minTime) { _ = try ModelTrace(model: model, input: window, threads: threads) }
        let prefix = min(steps, 100)
        let baseline = Self.time(minTime / 2) { readableSteps(prefix) }
        var result = Result(replay: replay, trace: trace, baselinePerStep: baseline.median / Double(prefix))
        if streaming { result.streaming = streamed() }
        return result
    }

    /// The recurrent layers as a plug-in runs them: each input through every layer before the
    /// next input is read (the recurrent layers only; the head is not timed). Nil for models
    /// that are not forward-reading LSTMs from the first layer on (see ``whyNotStreamed``).
    func streamed() -> Timing? {
        guard whyNotStreamed == nil else { return nil }
        let streams = model.tracedLayers.compactMap { ($0 as? LSTMLayer).flatMap(LSTMStream.init) }
        let xu = model.inputSize
        return Self.time(minTime) {
            for s in streams { s.reset() }
            window.values.withUnsafeBufferPointer { x in
                for t in 0..<steps {
                    var input = x.baseAddress! + t * xu
                    for s in streams { input = s.step(input).baseAddress! }
                }
            }
        }
    }

    /// Why `--streaming` cannot time this model, or nil when it can.
    var whyNotStreamed: String? {
        let leading = model.layers.prefix(while: \.isRecurrent)
        guard leading.count == model.layers.filter(\.isRecurrent).count,
            leading.allSatisfy({ if case .recurrent = $0 { true } else { false } })
        else {
            return "streaming times LSTM layers from the model's first layer on (no Dense, Masking or Bidirectional)"
        }
        guard model.tracedLayers.allSatisfy({ ($0 as? LSTMLayer).map(LSTMStream.streams) == true && !$0.goBackwards })
        else {
            return "streaming has a kernel for forward-reading float LSTM layers only"
        }
        return nil
    }

    /// The first recurrent layer, step by step with the readable `step`: what the tutorial loop
    /// does. (GRU and SimpleRNN replay through that same loop, so their speed-up is ~1×.)
    private func readableSteps(_ count: Int) {
        guard let layer = model.tracedLayers.first else { return }
        func run<Kind: RecurrentLayer>(_ layer: Kind) {
            var state = layer.zeroState
            for t in 0..<count { state = layer.state(after: layer.step(x: window.row(t), state: state)) }
            precondition(state[0].count == layer.units)
        }
        run(layer)
    }

    /// Runs `body` at least 5 times and for at least `minTime` seconds; the median run.
    static func time(_ minTime: Double, _ body: () throws -> Void) rethrows -> Timing {
        var samples: [Double] = []
        let start = DispatchTime.now().uptimeNanoseconds
        while samples.count < 5
            || (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < minTime && samples.count < 10_000)
        {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        samples.sort()
        return Timing(median: samples[samples.count / 2], runs: samples.count)
    }
}
