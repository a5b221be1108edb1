import Foundation
import TestSupport
import Testing

/// A conversion checked as a user checks one: `compare original.h5 --theirs converted.onnx`
/// (tf2onnx's fused LSTM, GRU, a stacked LSTM and Bidirectional layers) agrees; a Loop the converter wrote for a
/// SimpleRNN is refused with exit status 1, naming the file and saying what to do.
@Suite struct ONNXCommandLineTests {
    @Test(arguments: [
        "tf2onnx_lstm", "tf2onnx_gru", "tf2onnx_stacked", "tf2onnx_bidi_concat", "tf2onnx_bidi_sum", "tf2onnx_bidi_seq",
        "tf2onnx_open_batch",
    ])
    func aLosslessConversionAgreesWithItsOriginal(name: String) throws {
        let r = try Binary.run([
            "compare", Fixtures.path("onnx/\(name).h5"), "--theirs", Fixtures.path("onnx/\(name).onnx"),
        ])
        #expect(r.status == 0 && r.out.contains("AGREE"), "\(r.out)\(r.err)")
    }

    /// torch.onnx.export of an nn.LSTM, nn.GRU, nn.RNN and a two-layer nn.LSTM agrees with the
    /// state dict it came from, replayed by lstmscope.
    @Test(arguments: ["torch_lstm", "torch_gru", "torch_rnn", "torch_lstm_stacked"])
    func aTorchExportAgreesWithItsStateDict(name: String) throws {
        let r = try Binary.run([
            "compare", Fixtures.path("onnx/\(name).safetensors"), "--theirs", Fixtures.path("onnx/\(name).onnx"),
        ])
        #expect(r.status == 0 && r.out.contains("AGREE"), "\(r.out)\(r.err)")
    }

    @Test func aLoopIsRefusedSayingWhatToDo() throws {
        let r = try Binary.run(["inspect", Fixtures.path("onnx/bad_tf2onnx_loop.onnx")])
        #expect(r.status == 1 && r.err.contains("bad_tf2onnx_loop.onnx") && r.err.contains("tf_keras"), "\(r.err)")
    }

    /// inspect says which ONNX block is which: the node each layer came from and how its rows map.
    @Test func inspectSaysWhereEachArrayCameFrom() throws {
        let r = try Binary.run(["inspect", Fixtures.path("onnx/lstm_torch.onnx")])
        #expect(r.status == 0)
        let lstm = "from: ONNX LSTM node \"lstm_0\": W = W[0]ᵀ, U = R[0]ᵀ, gate rows i|o|f|c reordered"
        #expect(r.out.contains(lstm), "\(r.out)")
        #expect(r.out.contains("from: ONNX Gemm node \"gemm_2\": W = Bᵀ (transB=1), b = C"))
    }

    /// inspect shows the state a layer starts from when the file gives one, in text and JSON
    /// (null for a layer that starts from zeros); the exported C says it in its header.
    @Test func inspectAndExportShowAnInitialState() throws {
        let text = try Binary.run(["inspect", Fixtures.path("onnx/lstm_initial_c_layout1.onnx")])
        #expect(text.status == 0)
        #expect(
            text.out.contains("starts from the file's initial state, not zeros: h = [0.00000, 0.00000"), "\(text.out)")
        #expect(text.out.contains("and 4 initial-state values") == false, "\(text.out)")
        #expect(text.out.contains("and 8 initial-state values"), "\(text.out)")
        struct Inspect: Decodable {
            struct Layer: Decodable { let initial_state: [String: [Float]]? }
            let layers: [Layer]
        }
        for (name, given) in [("lstm_initial_state", ["c", "h"]), ("lstm_torch", [])] {
            let r = try Binary.run(["inspect", "--format", "json", Fixtures.path("onnx/\(name).onnx")])
            let layers = try JSONDecoder().decode(Inspect.self, from: Data(r.out.utf8)).layers
            #expect((layers[0].initial_state?.keys.sorted() ?? []) == given, "\(name): \(r.out)")
            #expect(layers[0].initial_state?.values.allSatisfy { $0.count == 4 && $0.contains { $0 != 0 } } != false)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-initial-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let export = try Binary.run([
            "export", Fixtures.path("onnx/gru_initial_state_bidi.onnx"), "--to", "c", "--out", dir.path,
        ])
        #expect(export.status == 0, "\(export.err)")
        let header = try String(contentsOf: dir.appendingPathComponent("model.h"), encoding: .utf8)
        #expect(header.contains("the initial state the model file gives gru_0/forward, gru_0/backward"), "\(header)")
    }
}
