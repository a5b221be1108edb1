import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// ONNX models in the layouts exporters write (fixtures: scripts/make_onnx_fixtures.py, built
/// with onnx.helper) replay what onnxruntime computed for them: every recurrent layer's h at
/// every step and the output, within 1e-5.
@Suite struct ONNXTests {
    static let names = [
        "lstm_torch", "lstm_tf", "lstm_reshape", "lstm_reverse", "lstm_stacked", "lstm_seq_head", "gru_lbr0",
        "gru_lbr1", "rnn_tanh", "lstm_bidi_torch", "lstm_activations", "gru_softplus", "rnn_elu",
        // Converted by the real tf2onnx from tf.keras models (scripts/make_tf2onnx_fixtures.py).
        "tf2onnx_lstm", "tf2onnx_gru", "tf2onnx_stacked", "tf2onnx_bidi_concat", "tf2onnx_bidi_sum", "tf2onnx_bidi_seq",
        // layout=1 (batch first), checked with onnx's reference implementation (onnxruntime refuses it).
        "lstm_layout1", "lstm_layout1_seq", "gru_bidi_layout1",
        // clip (z clamped before each activation) and input_forget (f = 1 − i), as onnxruntime has them.
        "lstm_clip", "lstm_input_forget", "gru_clip0", "gru_clip1", "rnn_clip2",
        // activation_alpha/beta naming activations lstmscope has (Keras 3's hard_sigmoid, leaky_relu 0.2).
        "lstm_hard_sigmoid_alpha", "gru_leaky_relu",
        // tf2onnx with the batch left open: initial states folded from Shape(x) → … → Expand.
        "tf2onnx_open_batch",
        // The real torch.onnx.export (TorchScript exporter): Shape-built zero states folded.
        "torch_lstm", "torch_gru", "torch_rnn", "torch_lstm_stacked",
        // Constant initial states: onnx.helper graphs, and torch.onnx.export of learned h0 (and c0).
        "lstm_initial_state", "gru_initial_state_bidi", "rnn_initial_state_reverse", "lstm_initial_c_layout1",
        "torch_lstm_h0", "torch_gru_h0",
    ]

    struct Expected: Decodable {
        struct Layer: Decodable {
            let name: String
            let h: [[Float]]
        }
        let input: [[Float]]
        let output: [Float]
        let layers: [Layer]
    }

    @Test(arguments: names)
    func replaysOnnxruntime(name: String) throws {
        let model = try ModelLoader.load(Fixtures.path("onnx/\(name).onnx"))
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("onnx/\(name)-expected.json"))))
        let trace = try ModelTrace(model: model, input: Matrix(rowArrays: expected.input))
        #expect(maxScaledDifference(trace.output, expected.output) <= 1e-5, "\(name): \(trace.output)")
        // A bidirectional node is two entries (forward, backward) under the node's name.
        #expect(trace.layers.map(\.layerName) == expected.layers.map(\.name))
        for (l, (ours, theirs)) in zip(trace.layers, expected.layers).enumerated() {
            let steps = theirs.h.count
            for t in 0..<steps {
                // onnxruntime's Y is in time order; a reverse layer's step s read row T - 1 - s.
                let step = model.traced[l].readsBackwards ? steps - 1 - t : t
                #expect(maxScaledDifference(ours.vector(.h, at: step)!, theirs.h[t]) <= 1e-5, "\(name) t=\(t)")
            }
        }
        #expect(model.provenance.format == .onnx)
    }

    /// Each bad file is refused, saying why (scripts/make_onnx_fixtures.py, `bad()`).
    @Test(arguments: [
        ("external_data", "another file (external_data)"), ("short_raw_data", "needs 256 bytes of data but has 252"),
        ("huge_dims", "more than 2^28 values"), ("unknown_op", "LeakyRelu"), ("unused_initializer", "stray"),
        ("clip", "GRU \"gru_0\" has clip -3.0"), ("truncated", "not a readable ONNX model"),
        ("tf2onnx_loop", "is a Loop"),
        ("cycle", "a cycle in the graph"), ("softmax_axis_of_one", "not the features alone"),
        ("add_raises_rank", "not the MatMul's"), ("output_transposed", "lstmscope gives (T, features)"),
        ("gemm_one_input", "has 1 inputs"), ("batch_5", "with batch 1"), ("foreign_domain", "com.example"),
        ("raw_and_typed_data", "both raw_data and typed data"), ("expand_huge", "makes more than 2^20 values"),
        ("torch_bidi_out_last", "merges a bidirectional node's two directions"),
        ("scaled_tanh", "uses activation ScaledTanh with alpha 1.7, beta 0.66"),
        ("initial_h_batch_2", "initial_h has shape [1, 2, 4]; it must be [1, 1, 4] (directions, batch 1, hu)"),
        ("peepholes", "nonzero peepholes (P)"),
    ])
    func badFilesAreRefused(name: String, reason: String) throws {
        let path = Fixtures.path("onnx/bad_\(name).onnx")
        #expect {
            try ModelLoader.load(path)
        } throws: { error in
            let message = "\(error)"
            return message.contains(reason) && message.contains("bad_\(name).onnx")
        }
    }
}
