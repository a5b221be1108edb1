import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// TFLite files from the real converter (scripts/make_tflite_fixtures.py, TF 2.21) replay what
/// the TFLite interpreter computed for them (builtin kernels): every fused LSTM op's h at every
/// step and the output, within 1e-5 (float32, float16 weights and int8 hybrid alike).
@Suite struct TFLiteTests {
    static let names = [
        "lstm_f32", "lstm_f16", "stacked_softmax_f32", "seq_head_f32", "backwards_f32", "bidi_concat_f32",
        "bidi_concat_f16", "bidi_sum_f32", "bidi_seq_f32", "hybrid_f32", "hybrid_int8", "hybrid_symmetric_int8",
        "hybrid_stacked_int8", "hybrid_bidi_int8", "clip_f32", "bidi_fused_f32",
    ]

    struct Expected: Decodable {
        struct Layer: Decodable {
            let op: Int
            /// For a BIDIRECTIONAL_SEQUENCE_LSTM: `forward` or `backward`.
            let direction: String?
            let h: [[Float]]

            /// How lstmscope's inspect names where the layer came from.
            var source: String {
                direction.map { "TFLite BIDIRECTIONAL_SEQUENCE_LSTM op \(op), \($0):" }
                    ?? "TFLite UNIDIRECTIONAL_SEQUENCE_LSTM op \(op):"
            }
        }
        let input: [[Float]]
        let output: [Float]
        let layers: [Layer]
        let keras_output: [Float]?
    }

    static func expected(_ name: String) throws -> Expected {
        try JSONDecoder().decode(
            Expected.self,
            from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tflite/\(name)-expected.json"))))
    }

    @Test(arguments: names)
    func replaysTheInterpreter(name: String) throws {
        let model = try ModelLoader.load(Fixtures.path("tflite/\(name).tflite"))
        let expected = try Self.expected(name)
        let trace = try ModelTrace(model: model, input: Matrix(rowArrays: expected.input))
        #expect(maxScaledDifference(trace.output, expected.output) <= 1e-5, "\(name): \(trace.output)")
        // The interpreter's LSTM ops in file order; lstmscope's traced layers in model order, a
        // Bidirectional's forward half first: matched by the op each layer came from.
        #expect(trace.layers.count == expected.layers.count)
        for (l, layer) in trace.layers.enumerated() {
            let half = model.tracedLayers[l].name
            let source = model.provenance.layerSources[half] ?? ""
            let theirs = expected.layers.first { source.hasPrefix($0.source) }
            guard let theirs else {
                Issue.record("\(name): no interpreter layer for \(half) (\(source))")
                continue
            }
            // The op's output rows are in the order it read them, as lstmscope's steps are.
            for (s, h) in theirs.h.enumerated() {
                #expect(maxScaledDifference(layer.vector(.h, at: s)!, h) <= 1e-5, "\(name) \(half) s=\(s)")
            }
        }
        #expect(model.provenance.format == .tflite)
    }

    /// The hybrid files are not the float model: lstmscope's replay of the int8 arithmetic is
    /// what the interpreter gives, a thousand times closer than Keras's float output is.
    @Test(arguments: ["hybrid_int8", "hybrid_symmetric_int8", "hybrid_stacked_int8", "hybrid_bidi_int8"])
    func hybridReplayIsTheInterpretersNotKeras(name: String) throws {
        let model = try ModelLoader.load(Fixtures.path("tflite/\(name).tflite"))
        let expected = try Self.expected(name)
        let trace = try ModelTrace(model: model, input: Matrix(rowArrays: expected.input))
        let keras = try #require(expected.keras_output)
        let quantizationError = maxScaledDifference(keras, expected.output)
        #expect(quantizationError > 1e-3)
        #expect(maxScaledDifference(trace.output, expected.output) * 1000 < quantizationError)
        #expect(model.tracedLayers.allSatisfy { ($0 as? LSTMLayer)?.hybrid != nil })
    }

    /// Over 60 windows (scales 0.5 to 4, some starting with a zero row that the kernels skip), the
    /// hybrid replay is the interpreter's to the bit, or nearly: every int8 code the same. An ulp
    /// off anywhere in h would move a code in some window, and that window by ~1e-3.
    @Test(arguments: ["hybrid_int8", "hybrid_symmetric_int8", "hybrid_stacked_int8"])
    func hybridReplayMatchesOverManyWindows(name: String) throws {
        let model = try ModelLoader.load(Fixtures.path("tflite/\(name).tflite"))
        let windows = try InputLoader.loadFlat(Fixtures.path("tflite/\(name)-windows.npy"))
        let outputs = try InputLoader.loadFlat(Fixtures.path("tflite/\(name)-window-outputs.npy"))
        let rows = 7, features = 32, count = 60, width = outputs.count / count
        #expect(windows.count == count * rows * features)
        var worst: Float = 0
        for k in 0..<count {
            let x = Matrix(
                rows: rows, columns: features,
                values: Array(windows[(k * rows * features)..<((k + 1) * rows * features)]))
            let trace = try ModelTrace(model: model, input: x)
            worst = max(worst, maxScaledDifference(trace.output, Array(outputs[(k * width)..<((k + 1) * width)])))
        }
        #expect(worst <= 1e-6, "\(name): worst window \(worst)")
    }

    /// An inf, a NaN or a huge value in the window reaches a hybrid layer's int8 quantization,
    /// which has no answer for it (TFLite's is undefined): NaN, as the float layers give, never a trap.
    @Test func nonFiniteWindowsGiveNaNThroughAHybridLayer() throws {
        let model = try ModelLoader.load(Fixtures.path("tflite/hybrid_int8.tflite"))
        let window = try Matrix(rowArrays: Self.expected("hybrid_int8").input)
        for bad in [Float.infinity, -.infinity, .nan, 3e38] {
            var x = window
            x[0, 0] = bad
            x[0, 1] = -3e38
            let output = try model.predict(x)
            #expect(output.allSatisfy { $0.isNaN }, "\(bad): \(output)")
        }
        var huge = window
        for r in 0..<huge.rows { for c in 0..<huge.columns { huge[r, c] *= 1e12 } }
        let output = try model.predict(huge)
        #expect(output.allSatisfy { $0.isFinite })
    }

    /// Each bad file is refused, saying why (scripts/make_tflite_fixtures.py, `bad()`).
    @Test(arguments: [
        ("truncated", "not a readable TFLite model"), ("root_past_end", "past the end of the file"),
        ("gru_while", "op 1 is WHILE"), ("unknown_op", "ELU"), ("full_int8", "full-integer quantized"),
        ("huge_shape", "more than 2^28 values"), ("external_buffer", "another file"),
        ("buffer_past_end", "lies past the end of the file"), ("cycle", "a cycle in the graph"),
        ("stray_tensor", "\"stray\""), ("peephole", "peephole weights"), ("short_buffer", "but its buffer has 44"),
        // From review: each once trapped, hung, or replayed other than the interpreter.
        ("softmax_no_beta", "has beta 0.0"), ("written_state", "read and written in place"),
        ("bidi_not_flipped_back", "REVERSE_V2'd back to time order"),
        ("declared_shape", "but TFLite computes (1, 7, 4)"),
        ("reshape_params", "makes (1, 2) into (1, 2, 1)"), ("shared_state", "TFLite would carry the state"),
        ("hybrid_lstm_per_row_scales", "takes one per matrix"), ("int32_weights", "reads input 1 as int32"),
        ("shared_tables", "point at the same data over and over"),
    ])
    func badFilesAreRefused(name: String, reason: String) throws {
        let path = Fixtures.path("tflite/bad_\(name).tflite")
        #expect {
            try ModelLoader.load(path)
        } throws: { error in
            let message = "\(error)"
            return message.contains(reason) && message.contains("bad_\(name).tflite")
        }
    }
}
