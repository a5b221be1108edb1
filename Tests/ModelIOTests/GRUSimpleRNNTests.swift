import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Keras GRU (both reset_after variants), SimpleRNN, Bidirectional (every merge mode; None's two
/// outputs joined)
/// and Masking (rows skipped in the middle and at the end, zero_output_for_mask both ways)
/// models, in .keras and .h5, Keras 3 and Keras 2, replay Keras's own per-step h (the carried
/// state on skipped steps) and model output (fixtures: scripts/make_rnn_fixtures.py).
@Suite struct GRUSimpleRNNTests {
    static let files: [String] =
        [
            "gru", "gru_reset_before", "gru_stacked", "gru_backwards", "simplernn", "simplernn_relu",
            "simplernn_stacked", "mixed_stack", "bidi_concat", "bidi_sum", "bidi_mul", "bidi_ave",
            "bidi_gru", "bidi_seq", "bidi_none", "mask_lstm", "mask_gru", "mask_bidi", "mask_lstm_zero_output",
        ]
        .flatMap { ["rnn/\($0).keras", "rnn/\($0).h5"] }
        + [
            "rnn-keras2/k2_gru.h5", "rnn-keras2/k2_gru_reset_before.h5", "rnn-keras2/k2_simplernn.h5",
            "rnn-keras2/k2_bidi.h5",
            "rnn-keras2/k2_mask_lstm.h5",
        ]

    @Test(arguments: files)
    func replaysKeras(file: String) throws { try Self.expectReplaysKeras(file) }

    /// `file` (under Tests/Fixtures) replays its `-trace.json`: every layer's h (and c) at every
    /// step within 1e-5, and the output; predict gives the trace's output bit for bit.
    static func expectReplaysKeras(_ file: String) throws {
        let model = try ModelLoader.load(Fixtures.path(file))
        let name = String(file.dropLast(file.hasSuffix(".keras") ? 6 : 3))
        let keras = try KerasTrace(path: Fixtures.path(name + "-trace.json"))
        let trace = try ModelTrace(model: model, input: keras.input)
        #expect(trace.layers.count == keras.layers.count)
        for (ours, theirs) in zip(trace.layers, keras.layers) {
            for t in 0..<theirs.h.count {
                #expect(
                    maxAbsDifference(ours.vector(.h, at: t)!, theirs.h[t]) <= 1e-5,
                    "\(file) \(ours.layerName) h t=\(t)")
            }
            if !theirs.c.isEmpty {
                for t in 0..<theirs.c.count { #expect(maxAbsDifference(ours.vector(.c, at: t)!, theirs.c[t]) <= 1e-5) }
            }
        }
        #expect(maxAbsDifference(trace.output, keras.output) <= 1e-5, "\(file) output")
        #expect(try model.predict(keras.input) == trace.output)
    }

    @Test func maskedStepsAreMarkedAndCarryTheState() throws {
        let model = try ModelLoader.load(Fixtures.path("rnn/mask_lstm.keras"))
        let keras = try KerasTrace(path: Fixtures.path("rnn/mask_lstm-trace.json"))
        let trace = try ModelTrace(model: model, input: keras.input).layers[0]
        #expect(trace.masked == [false, false, true, true, false, false, true])
        #expect(
            trace.vector(.h, at: 2) == trace.vector(.h, at: 1) && trace.vector(.c, at: 3) == trace.vector(.c, at: 1)
        )
        #expect(!trace.vector(.h, at: 4)!.elementsEqual(trace.vector(.h, at: 3)!))
    }

    @Test func vectorNamesFollowTheKind() throws {
        let trace = try ModelTrace(
            model: ModelLoader.load(Fixtures.path("rnn/mixed_stack.keras")),
            input: Matrix.sineWindow(steps: 3, features: 3))
        #expect(trace.layers.map(\.kind) == [.lstm, .gru, .simpleRNN])
        #expect(
            trace.layers.map { $0.vectorNames.map(\.rawValue) } == [
                ["i", "f", "c_tilde", "o", "c", "h"], ["z", "r", "h_tilde", "h"], ["h"],
            ])
    }

    /// Both halves of a Bidirectional read the layer's input (x here), and the layer above reads
    /// their concatenated h (the backward kernel had been described as reading the forward h).
    @Test func bidirectionalKernelsSayWhatTheyRead() throws {
        let parameters = try ModelLoader.load(Fixtures.path("rnn/bidi_seq.keras")).parameters
        let axes = Dictionary(uniqueKeysWithValues: parameters.map { ($0.seedName, $0.axisMeaning) })
        #expect(axes["W1"] == ["xu", "4·hu1"] && axes["W2"] == ["xu", "4·hu2"])
        #expect(axes["W3"] == ["2·hu1", "4·hu3"] && axes["U3"] == ["hu3", "4·hu3"])
    }

    @Test func parameterCountsMatchKeras() throws {
        let object =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("rnn/param-counts.json")))) as! [String: Any]
        let counts = (object["counts"] as? [String: Int]) ?? (object as? [String: Int]) ?? [:]
        var checked = 0
        for (path, expected) in counts {
            let file = path.replacingOccurrences(of: "Tests/Fixtures/", with: "")
            // Masking, Bidirectional: not yet
            guard let model = try? ModelLoader.load(Fixtures.path(file)) else { continue }
            #expect(model.parameterCount == expected, "\(file)")
            checked += 1
        }
        #expect(checked >= 16)
    }

    /// A long window of a GRU, SimpleRNN, masked or Bidirectional model runs in blocks from
    /// checkpoints (memory bounded by T / 16 states), and every segment, the output and the
    /// largest values equal the whole trace's bit for bit. Only a Bidirectional stacked under
    /// another recurrent layer (bidi_seq) is traced whole.
    @Test(arguments: files.filter { $0.hasSuffix(".keras") })
    func longWindowsReplayLazilyLikeTheWholeTrace(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path(file))
        let keras = try KerasTrace(path: Fixtures.path(String(file.dropLast(6)) + "-trace.json"))
        // Keras's own window repeated: the masked fixtures keep their skipped rows.
        let steps = 150
        let rows = (0..<steps).flatMap { keras.input.row($0 % keras.input.rows) }
        let window = Matrix(rows: steps, columns: keras.input.columns, values: rows)
        let full = try ModelTrace(model: model, input: window)
        var lazy = try WindowReplay(model: model, input: window, eagerLimit: 0)
        let stackedBidirectional = file == "rnn/bidi_seq.keras"
        #expect(lazy.isLazy == !stackedBidirectional, "\(file)")
        #expect((WindowReplay.wholeTraceReason(model) == nil) == !stackedBidirectional)
        while !lazy.isComplete { lazy.advance(steps: 40) }
        #expect(lazy.output == full.output, "\(file)")
        #expect(lazy.outputShape == full.outputShape)
        #expect(lazy.firstNaN == nil)
        for (l, layerTrace) in full.layers.enumerated() {
            for range in [0..<1, 15..<17, 31..<40, 100..<150, 0..<150] {
                #expect(lazy.segment(layer: l, steps: range) == layerTrace.slice(range), "\(file) layer \(l) \(range)")
            }
            #expect(
                lazy.largestMagnitude[l] == layerTrace.series.map { $0.values.map(abs).max()! }, "\(file) layer \(l)")
        }
        if lazy.isLazy {
            let perInterval = full.layers.reduce(0) { $0 + $1.units * ($1.kind == .lstm ? 2 : 1) }
            #expect(
                lazy.heldFloats - (lazy.summary?.heldFloats ?? 0) <= (steps / WindowReplay.checkpointInterval + 1)
                    * perInterval + steps * (full.outputShape.last ?? 0))
            #expect((lazy.summary?.heldFloats ?? .max) <= StepSummary.floatBudget)
        }
    }
}
