import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// PyTorch nn.LSTM (also bidirectional), nn.GRU and nn.RNN state dicts (.safetensors and .npz with the state dict's
/// names) replay what real PyTorch computed (fixtures from scripts/make_torch_fixtures.py).
@Suite struct TorchTests {
    @Test(
        arguments: ["lstm", "lstm2", "gru", "rnn", "named", "lstm_bidi"].flatMap { ["\($0).safetensors", "\($0).npz"] })
    func stateDictsReplayPyTorch(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path("torch/" + file))
        let name = String(file.prefix { $0 != "." })
        let torch = try KerasTrace(path: Fixtures.path("torch/\(name)-trace.json"))
        let trace = try ModelTrace(model: model, input: torch.input)
        #expect(trace.layers.count == torch.layers.count)
        for (ours, theirs) in zip(trace.layers, torch.layers) {
            for t in 0..<torch.input.rows {
                #expect(maxAbsDifference(ours.vector(.h, at: t)!, theirs.h[t]) <= 1e-5, "\(file) h t=\(t)")
                if !theirs.c.isEmpty {
                    #expect(maxAbsDifference(ours.vector(.c, at: t)!, theirs.c[t]) <= 1e-5, "\(file) c t=\(t)")
                }
            }
        }
        #expect(maxAbsDifference(trace.output, torch.output) <= 1e-5)
        let counts =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("torch/param-counts.json"))))
            as! [String: Any]
        let expected = (counts["counts"] as! [String: Int])["Tests/Fixtures/torch/" + file]
        #expect(model.fileParameterCount == expected)
    }

    @Test(arguments: [
        ("safetensors_claims_more.safetensors", "claims shape [1000, 1000]"),
        ("safetensors_huge_header.safetensors", "header length is larger than the file"),
    ])
    func damagedSafetensorsAreRefusedBeforeAllocating(file: String, message: String) throws {
        #expect {
            try ModelLoader.load(Fixtures.path("bad/" + file))
        } throws: { error in
            guard let e = error as? LoadError else { return false }
            return e.kind == .invalidArray && e.problem.contains(message) && e.path.hasSuffix(file)
        }
    }
}
