import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// The Model view of a converted model says which ONNX block is which, under each gate layout.
@Suite struct ONNXModelViewTests {
    @Test func theModelViewSaysWhereTheBlocksCameFrom() throws {
        let model = try ModelLoader.load(Fixtures.path("onnx/lstm_torch.onnx"))
        var s = try ExplorerState(model: model, input: nil, width: 120, height: 40)
        ExplorerSession.press(&s, .character("1"))
        let text = s.render().text
        #expect(text.contains("4·hu axis of lstm_0"))
        let source = "ONNX LSTM node \"lstm_0\": W = W[0]ᵀ, U = R[0]ᵀ, gate rows i|o|f|c reordered to i|f|c|o"
        #expect(text.contains(source), "\(text)")
    }
}
