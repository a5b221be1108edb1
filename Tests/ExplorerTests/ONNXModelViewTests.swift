import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import Reports
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

    /// A file that gives an initial state: the Model view says so, and the Step view's `_prev`
    /// columns and the Unit view start from it at t = 1, not from zeros.
    @Test func aWindowStartsFromTheFilesInitialState() throws {
        let model = try ModelLoader.load(Fixtures.path("onnx/lstm_initial_state.onnx"))
        let start = model.tracedLayers[0].startState  // [h, c]
        var s = try ExplorerState(model: model, input: nil, width: 120, height: 40)
        ExplorerSession.press(&s, .character("1"))
        #expect(s.render().text.contains("lstm_0 starts from the file's initial state, not zeros: h = ["))
        ExplorerSession.press(&s, .character("3"))
        let step = s.render().text
        #expect(step.contains("t = 0 of 0–"), "\(step)")
        let row = step.split(separator: "\n").first { $0.hasPrefix(">   0") || $0.hasPrefix(">  0") }.map(String.init)
        // Unit 0's c_prev and h_prev are the file's c0[0] and h0[0] (4 decimals, signed).
        for value in [start[1][0], start[0][0]] {
            let text = (value < 0 ? "-" : "+") + formatDecimal(abs(value), digits: 4)
            #expect(row?.contains(text) == true, "\(text) in \(row ?? step)")
        }
    }
}
