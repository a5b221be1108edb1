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
    static let files: [String] = ["gru", "gru_reset_before", "gru_stacked", "gru_backwards", "simplernn", "simplernn_relu",
                                  "simplernn_stacked", "mixed_stack", "bidi_concat", "bidi_sum", "bidi_mul", "bidi_ave",
                                  "bidi_gru", "bidi_seq", "bidi_none", "mask_lstm", "mask_gru", "mask_bidi", "mask_lstm_zero_output"]
        .flatMap { ["rnn/\($0).keras", "rnn/\($0).h5"] }
        + ["rnn-keras2/k2_gru.h5", "rnn-keras2/k2_gru_reset_before.h5", "rnn-keras2/k2_simplernn.h5", "rnn-keras2/k2_bidi.h5",
           "rnn-keras2/k2_mask_lstm.h5"]

    @Test(arguments: files)
    func replaysKeras(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path(file))
        let name = String(file.dropLast(file.hasSuffix(".keras") ? 6 : 3))
        let keras = try KerasTrace(path: Fixtures.path(name + "-trace.json"))
        let trace = try ModelTrace(model: model, input: keras.input)
        #expect(trace.layers.count == keras.layers.count)
        for (ours, theirs) in zip(trace.layers, keras.layers) {
            for t in 0..<theirs.h.count {
                #expect(maxAbsDifference(ours.vector("h", at: t)!, theirs.h[t]) <= 1e-5, "\(file) \(ours.layerName) h t=\(t)")
            }
            if !theirs.c.isEmpty {
                for t in 0..<theirs.c.count { #expect(maxAbsDifference(ours.vector("c", at: t)!, theirs.c[t]) <= 1e-5) }
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
        #expect(trace.vector("h", at: 2) == trace.vector("h", at: 1) && trace.vector("c", at: 3) == trace.vector("c", at: 1))
        #expect(!trace.vector("h", at: 4)!.elementsEqual(trace.vector("h", at: 3)!))
    }

    @Test func vectorNamesFollowTheKind() throws {
        let trace = try ModelTrace(model: ModelLoader.load(Fixtures.path("rnn/mixed_stack.keras")),
                                   input: Matrix.sineWindow(steps: 3, features: 3))
        #expect(trace.layers.map(\.kind) == ["LSTM", "GRU", "SimpleRNN"])
        #expect(trace.layers.map(\.vectorNames) == [["i", "f", "c_tilde", "o", "c", "h"], ["z", "r", "h_tilde", "h"], ["h"]])
    }

    @Test func parameterCountsMatchKeras() throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("rnn/param-counts.json")))) as! [String: Any]
        let counts = (object["counts"] as? [String: Int]) ?? (object as? [String: Int]) ?? [:]
        var checked = 0
        for (path, expected) in counts {
            let file = path.replacingOccurrences(of: "Tests/Fixtures/", with: "")
            guard let model = try? ModelLoader.load(Fixtures.path(file)) else { continue }  // Masking, Bidirectional: not yet
            #expect(model.parameterCount == expected, "\(file)")
            checked += 1
        }
        #expect(checked >= 16)
    }
}
