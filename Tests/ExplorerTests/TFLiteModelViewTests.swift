import Explorer
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// The Model view of a TFLite int8 hybrid file says which arrays are int8 and how each layer
/// quantizes its input, wrapped to the screen rather than cut.
@Suite struct TFLiteModelViewTests {
    @Test func theModelViewSaysWhatIsQuantizedAndHow() throws {
        let model = try ModelLoader.load(Fixtures.path("tflite/hybrid_int8.tflite"))
        var s = try ExplorerState(model: model, input: nil, width: 120, height: 40)
        _ = s.update(.key(.character("1")))
        let text = s.render().text
        #expect(text.contains("TFLite UNIDIRECTIONAL_SEQUENCE_LSTM op 0: W = [13 | 14 | 15 | 16]ᵀ"), "\(text)")
        #expect(text.contains("int8 hybrid: x and h quantized to int8 on every step (asymmetric)"), "\(text)")
        #expect(text.contains("dense: int8 hybrid: input quantized to int8 on every call (asymmetric)"), "\(text)")
        #expect(text.contains("(32, 128) (xu, 4·hu)   4096    int8"), "\(text)")
    }

    /// At 80 columns the dtype column is three wide: int8 reads `i8`, as float32 reads `f32`.
    @Test func int8FitsTheNarrowDTypeColumn() throws {
        let model = try ModelLoader.load(Fixtures.path("tflite/hybrid_int8.tflite"))
        var s = try ExplorerState(model: model, input: nil, width: 80, height: 24)
        _ = s.update(.key(.character("1")))
        let text = s.render().text
        #expect(text.contains("4096  i8 ") && !text.contains("in…"), "\(text)")
    }
}
