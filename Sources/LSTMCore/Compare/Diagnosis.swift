/// Which named bugs explain theirs: each variant of the model (one layer changed one way) is
/// replayed on the window and kept when it agrees with everything theirs gave.
public enum Diagnosis {
    /// A hypothesis that a replay confirmed, and how closely the variant matches theirs.
    public struct Explanation: Sendable {
        public let hypothesis: Hypothesis
        public let largestDifference: Float
    }

    /// Steps a variant is first replayed on: most wrong ones differ within them, so the whole
    /// window is replayed only for those that survive.
    public static let prefixSteps = 16

    /// Every variant of `model` (a recurrent layer, a Bidirectional's half, or the last Dense
    /// head's kernel, changed one way) with its hypothesis; each model is made when asked for.
    public static func variants(of model: Model) -> [(Hypothesis, () -> Model?)] {
        var out: [(Hypothesis, () -> Model?)] = []
        func add(_ hypothesis: Hypothesis, at index: Int, _ make: @escaping () -> Layer?) {
            out.append(
                (
                    hypothesis,
                    {
                        guard let layer = make() else { return nil }
                        var layers = model.layers
                        layers[index] = layer
                        return try? model.replacingLayers(layers)
                    }
                ))
        }
        for (index, layer) in model.layers.enumerated() {
            switch layer {
            case .recurrent(let r):
                for variant in r.allPortingVariants() {
                    add(variant.hypothesis, at: index) { variant.layer.map(Layer.recurrent) }
                }
            case .bidirectional(let b):
                // Each half apart: a port may get one direction wrong.
                for (half, cell) in [(0, b.forward), (1, b.backward)] {
                    for variant in cell.allPortingVariants() {
                        add(variant.hypothesis, at: index) {
                            guard let changed = variant.layer else { return nil }
                            return
                                (try? BidirectionalLayer(
                                    name: b.name, forward: .recurrent(half == 0 ? changed : b.forward),
                                    backward: .recurrent(half == 1 ? changed : b.backward), merge: b.merge))
                                .map(Layer.bidirectional)
                        }
                    }
                }
            case .dense(let d)
            where index == model.layers.lastIndex(where: { if case .dense = $0 { true } else { false } }):
                guard d.kernel.rows > 1, d.kernel.columns > 1 else { continue }
                add(
                    Hypothesis(
                        .kernelMemoryOrder, layer: d.name,
                        text: VariantBuilders.memoryOrderText("Wout", d.kernel, layer: d.name), matrix: "Wout"),
                    at: index
                ) {
                    (try? DenseLayer(
                        name: d.name, kernel: d.kernel.readInTheOtherOrder, bias: d.bias, activation: d.activation))
                        .map(Layer.dense)
                }
            default:
                continue
            }
        }
        return out + model.tfliteConversions()
    }

    /// The hypotheses that explain `theirs` on `window` within `tolerance`, best first; none
    /// when the model itself agrees (a change that leaves what theirs gave alone explains nothing).
    public static func explain(_ model: Model, window: Matrix, theirs: TheirValues, tolerance: Float) throws
        -> [Explanation]
    {
        let (reference, prefix) = try StreamingComparison.compare(
            model, window: window, theirs: theirs, tolerance: tolerance, collecting: 0..<prefixSteps)
        if reference.agrees(tolerance: tolerance) { return [] }
        return try explain(model, window: window, theirs: theirs, prefix: prefix, tolerance: tolerance)
    }

    /// The same for a model that disagrees with a stream of theirs: `prefix` holds theirs' vectors
    /// at the first ``prefixSteps`` rows, on which each variant is replayed first; only those
    /// that agree there are replayed on the whole window against the whole stream.
    public static func explain(
        _ model: Model, window: Matrix, theirs: some TheirsStream, prefix: TheirValues, tolerance: Float
    ) throws -> [Explanation] {
        let rows = min(prefixSteps, window.rows)
        // A shorter window changes what a Flatten head, a backward half or a time-reversed
        // layer sees: those are replayed whole at once.
        let prefixWorks =
            rows < window.rows && prefix.hasSteps && !model.headFlattens && !model.traced.contains { $0.readsBackwards }
        let prefixWindow = window.rows(0..<rows)
        let prefixTimes = model.windowTimes(steps: rows)
        var found: [Explanation] = []
        for (hypothesis, make) in variants(of: model) {
            guard let variant = make() else { continue }
            if prefixWorks, hypothesis.name != .timeReversed {
                guard let trace = try? ModelTrace(model: variant, input: prefixWindow),
                    TraceComparison(trace, times: prefixTimes, theirs: prefix, tolerance: tolerance)
                        .agrees(tolerance: tolerance)
                else { continue }
            }
            guard
                let (comparison, _) = try? StreamingComparison.compare(
                    variant, window: window, theirs: theirs, tolerance: tolerance, numberedAs: model),
                comparison.agrees(tolerance: tolerance)
            else { continue }
            found.append(Explanation(hypothesis: hypothesis, largestDifference: comparison.largestDifference))
        }
        return found.sorted { $0.largestDifference < $1.largestDifference }
    }
}

extension TheirValues {
    /// Sets vector `key` to `values` (units theirs left out are nil).
    public mutating func setAll(_ key: Key, _ values: [Float?]) { vectorsStorage[key] = values }
}

extension Model {
    /// The model with every layer `recurrent` or `dense` changes (returning nil leaves it as it
    /// is), and the layers changed; nil when it changes none.
    func changingEveryLayer(
        recurrent: (any RecurrentLayer) -> (any RecurrentLayer)?, dense: (DenseLayer) -> DenseLayer?
    ) -> (model: Model, changed: [String])? {
        var changed: [String] = []
        func change(_ layer: any RecurrentLayer) -> any RecurrentLayer {
            guard let new = recurrent(layer) else { return layer }
            changed.append(layer.name)
            return new
        }
        let layers = layers.map { layer -> Layer in
            switch layer {
            case .recurrent(let r): return .recurrent(change(r))
            case .bidirectional(let b):
                let forward = change(b.forward), backward = change(b.backward)
                return
                    (try? BidirectionalLayer(
                        name: b.name, forward: .recurrent(forward), backward: .recurrent(backward), merge: b.merge))
                    .map(Layer.bidirectional) ?? layer
            case .dense(let d):
                guard let new = dense(d) else { return layer }
                changed.append(d.name)
                return .dense(new)
            default: return layer
            }
        }
        guard !changed.isEmpty, let model = try? replacingLayers(layers) else { return nil }
        return (model, changed)
    }

    /// The whole model as TFLite's converter leaves it, each way a Keras model is converted.
    func tfliteConversions() -> [(Hypothesis, () -> Model?)] {
        var out: [(Hypothesis, () -> Model?)] = []
        for inputs in [InputQuantization.asymmetric, .symmetric] {
            guard
                let (model, changed) = changingEveryLayer(
                    recurrent: { ($0 as? LSTMLayer)?.tfliteHybrid(inputs: inputs) },
                    dense: { $0.tfliteHybrid(inputs: inputs) })
            else { continue }
            let names = changed.joined(separator: ", ")
            out.append(
                (
                    Hypothesis(
                        .int8Hybrid, layer: names,
                        text: "theirs is the model as TFLite's dynamic-range quantization (Optimize.DEFAULT) makes it: "
                            + "int8 weights in \(names), x and h quantized to int8 every step (\(inputs.rawValue)), "
                            + "c clipped at ±10; the differences are its quantization error"),
                    { model }
                ))
        }
        let half = changingEveryLayer(
            recurrent: { ($0 as? LSTMLayer)?.tfliteFloat16() },
            dense: {
                try? DenseLayer(
                    name: $0.name, kernel: $0.kernel.rounded(NarrowFloat.float16),
                    bias: $0.bias?.map(NarrowFloat.float16),
                    activation: $0.activation)
            })
        if let (model, _) = half {
            out.append(
                (
                    Hypothesis(
                        .weightsFloat16, layer: "every layer",
                        text: "theirs holds every weight as float16 and computes in float32, c clipped at ±10 "
                            + "(TFLite's float16 quantization); the differences are the rounding of the weights"),
                    { model }
                ))
        }
        return out
    }

    /// The same model with `layers` in place of its own (checked as any model is).
    func replacingLayers(_ layers: [Layer]) throws(ShapeError) -> Model {
        try Model(name: name, layers: layers, inputSize: inputSize, lookBack: lookBack, provenance: provenance)
    }
}
