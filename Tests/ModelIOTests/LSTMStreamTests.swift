import LSTMCore
import ModelIO
import TestSupport
import Testing

/// An LSTM one input at a time (`LSTMStream`, what `bench --streaming` times): every step's h
/// is the window replay's, bit for bit, for narrow and full panels of U, odd and even steps,
/// other activations, no bias and a converted file's initial state; `reset` starts again.
@Suite struct LSTMStreamTests {
    /// The model's first recurrent layer (an LSTM) streamed over the rows it reads in a window.
    static func expectStreamEqualsReplay(_ model: Model, steps: Int) throws {
        let layer = try #require(model.tracedLayers.first as? LSTMLayer, "\(model.provenance.path)")
        let window = SyntheticModel.window(steps: model.lookBack ?? steps, features: model.inputSize, seed: 5)
        let trace = try ModelTrace(model: model, input: window).layers[0]
        let stream = try #require(LSTMStream(layer))
        for pass in 0..<2 {
            for t in 0..<trace.steps {
                let h = stream.step(trace.inputs.row(t))
                #expect(h.map(\.bitPattern) == trace.vector(.h, at: t)!.map(\.bitPattern), "pass \(pass) t \(t)")
            }
            #expect(stream.state.c.map(\.bitPattern) == trace.vector(.c, at: trace.steps - 1)!.map(\.bitPattern))
            stream.reset()
        }
    }

    @Test(arguments: [
        "keras/plain.keras", "keras/nobias.keras", "keras/act_elu_tanh.keras", "onnx/lstm_initial_state.onnx",
    ])
    func fixtures(file: String) throws {
        try Self.expectStreamEqualsReplay(try ModelLoader.load(Fixtures.path(file)), steps: 9)
    }

    @Test(arguments: [(1, 8), (3, 5), (1, 12), (16, 64), (3, 300)])
    func sizes(xu: Int, hu: Int) throws {
        try Self.expectStreamEqualsReplay(try SyntheticModel.make(inputSize: xu, units: hu, seed: 11), steps: 13)
    }
}
