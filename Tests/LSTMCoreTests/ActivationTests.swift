import LSTMCore
import Testing

@Suite struct ActivationTests {
    /// Keras 3: clip(x/6 + 0.5); Keras 2: clip(0.2x + 0.5). They differ inside (−3, 3).
    @Test(arguments: [
        (Float(-4), Float(0), Float(0)), (-2.75, 0.0416667, 0), (-1, 0.333333, 0.3),
        (0, 0.5, 0.5), (1.5, 0.75, 0.8), (2.6, 0.933333, 1), (3, 1, 1), (10, 1, 1),
    ])
    func hardSigmoidHasBothKerasDefinitions(x: Float, keras3: Float, keras2: Float) {
        #expect(abs(Activation.hardSigmoid(.keras3)(x) - keras3) < 1e-6)
        #expect(abs(Activation.hardSigmoid(.keras2)(x) - keras2) < 1e-6)
    }

    @Test func namesChooseTheGenerationFromTheKerasVersion() {
        #expect(Activation(kerasName: "hard_sigmoid", kerasMajorVersion: 2) == .hardSigmoid(.keras2))
        #expect(Activation(kerasName: "hard_sigmoid", kerasMajorVersion: 3) == .hardSigmoid(.keras3))
        #expect(Activation(kerasName: "swish") == .silu)
        #expect(Activation(kerasName: "my_custom_thing") == nil)
    }

    @Test func softmaxIsARowWiseDistribution() {
        let y = Activation.softmax.apply([1, 2, 3])
        #expect(abs(y.reduce(0, +) - 1) < 1e-6)
        #expect(y[2] > y[1] && y[1] > y[0])
        #expect(abs(y[0] - 0.09003057) < 1e-6)
    }

    @Test func elementWiseValues() {
        #expect(Activation.relu(-1) == 0)
        #expect(abs(Activation.elu(-1) - (-0.6321206)) < 1e-6)
        #expect(abs(Activation.softsign(3) - 0.75) < 1e-7)
        #expect(abs(Activation.gelu(1) - 0.8413447) < 1e-6)
        #expect(abs(Activation.softplus(100) - 100) < 1e-4)
    }
}
