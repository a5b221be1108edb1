@testable import LSTMCore
import ModelIO
import TestSupport
import Testing

/// `scan` replays windows in batches (h·U and x·W one product for all of them a step): each
/// window's trace must be the one it has alone, bit for bit, for every kind of model: batched
/// LSTMs (narrow and full panels, a tail of windows under four, stacks, a Dense before, other
/// activations, no bias, a converted file's initial state) and the kinds that fall back to a
/// window at a time (GRU, SimpleRNN, Bidirectional, masks, go_backwards).
@Suite struct BatchedTraceTests {
    static let files = [
        "keras/plain.keras", "keras/stacked3.keras", "keras/functional.keras", "keras/nobias.keras",
        "keras/act_elu_tanh.keras", "keras/act_gelu_hard_sigmoid.keras", "keras/seq_dense.keras",
        "rnn/gru.keras", "rnn/simplernn.keras", "rnn/bidi_concat.keras", "rnn/mask_lstm.keras",
        "rnn/gru_backwards.keras", "rnn/mixed_stack.keras", "onnx/lstm_initial_state.onnx",
    ]

    @Test(arguments: files)
    func aWindowInABatchIsTheWindowAlone(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path(file))
        try Self.expectBatchEqualsAlone(model, steps: model.lookBack ?? 9, count: 7)
    }

    /// 64, 96, 300 and 600 units: full panels of U (128 columns), the path three windows share,
    /// and (300, 600) a U taller than the 256 rows done at a time, in two and three chunks.
    @Test(arguments: [(16, 64), (5, 96), (3, 20), (3, 300), (2, 600)])
    func fullPanelsAndATailOfWindows(xu: Int, hu: Int) throws {
        let model = try SyntheticModel.make(inputSize: xu, units: hu, seed: 7)
        for count in [2, 4, 5, 9] { try Self.expectBatchEqualsAlone(model, steps: 13, count: count) }
    }

    static func expectBatchEqualsAlone(_ model: Model, steps: Int, count: Int) throws {
        let windows = (0..<count).map { k in
            SyntheticModel.window(steps: steps, features: model.inputSize, seed: UInt64(k + 1))
        }
        let batch = try ModelTrace.batch(model: model, inputs: windows)
        #expect(batch.count == count)
        for (k, window) in windows.enumerated() {
            let alone = try ModelTrace(model: model, input: window)
            // Bit for bit: the products sum in the same order in a batch as alone.
            #expect(batch[k].output.map(\.bitPattern) == alone.output.map(\.bitPattern), "window \(k)")
            #expect(batch[k] == alone, "window \(k) of \(model.provenance.path)")
        }
    }

    /// `scan` of a model whose U does not fit in L2 (512 units) replays its windows in batches:
    /// its statistics are those of the windows added one by one from their own traces.
    @Test func scanInBatchesIsScanWindowByWindow() throws {
        let model = try SyntheticModel.make(inputSize: 8, units: 512, seed: 3)
        let steps = 7, count = 70
        #expect(Scan.batchSize(model, steps: steps) > 1)
        let windows = (0..<count).map { SyntheticModel.window(steps: steps, features: 8, seed: UInt64($0 + 1)) }
        let scanned = try Scan.run(model: model, count: count, steps: steps, window: { windows[$0] }, expected: nil)
        // Three workers, each with its own batches of the set.
        let shared = try Scan.run(
            model: model, count: count, steps: steps, window: { windows[$0] }, expected: nil, threads: 3)
        // The same windows' outputs; the sums, merged from three shares, equal up to the order of
        // their additions.
        #expect(shared.windows == scanned.windows)
        for (l, layer) in shared.layers.enumerated() {
            for n in layer.vectors.indices {
                for u in 0..<layer.unitCount {
                    let a = layer.sums(n, unit: u), b = scanned.layers[l].sums(n, unit: u)
                    #expect(a.count == b.count && a.saturated == b.saturated && a.largest == b.largest)
                    #expect(abs(a.mean! - b.mean!) <= 1e-9 && abs(a.std! - b.std!) <= 1e-7, "vector \(n) unit \(u)")
                }
            }
        }
        var alone = ScanStatistics(model: model, steps: steps)
        for (k, window) in windows.enumerated() {
            alone.add(try ModelTrace(model: model, input: window), model: model, window: k, expected: nil)
        }
        #expect(scanned.windows == alone.windows)
        #expect(scanned.layers == alone.layers)
    }
}
