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

    /// Every variant of `model` (a recurrent layer, or the last Dense head's kernel, changed one
    /// way) with its hypothesis.
    public static func variants(of model: Model) -> [(Hypothesis, Model)] {
        var out: [(Hypothesis, Model)] = []
        for (index, layer) in model.layers.enumerated() {
            switch layer {
            case .recurrent(let r):
                for variant in r.allPortingVariants() {
                    var layers = model.layers
                    layers[index] = .recurrent(variant.layer)
                    if let changed = try? model.replacingLayers(layers) { out.append((variant.hypothesis, changed)) }
                }
            case .bidirectional(let b):
                // Each half apart: a port may get one direction wrong.
                for (half, cell) in [(0, b.forward), (1, b.backward)] {
                    for variant in cell.allPortingVariants() {
                        var layers = model.layers
                        let forward: Layer = .recurrent(half == 0 ? variant.layer : b.forward)
                        let backward: Layer = .recurrent(half == 1 ? variant.layer : b.backward)
                        guard
                            let changed = try? BidirectionalLayer(
                                name: b.name, forward: forward, backward: backward, merge: b.merge)
                        else { continue }
                        layers[index] = .bidirectional(changed)
                        if let model = try? model.replacingLayers(layers) { out.append((variant.hypothesis, model)) }
                    }
                }
            case .dense(let d)
            where index == model.layers.lastIndex(where: { if case .dense = $0 { true } else { false } }):
                guard d.kernel.rows > 1, d.kernel.columns > 1,
                    let changed = try? DenseLayer(
                        name: d.name, kernel: d.kernel.readInTheOtherOrder, bias: d.bias, activation: d.activation)
                else { continue }
                var layers = model.layers
                layers[index] = .dense(changed)
                if let model = try? model.replacingLayers(layers) {
                    out.append(
                        (
                            Hypothesis(
                                .kernelMemoryOrder, layer: d.name,
                                text: VariantBuilders.memoryOrderText("Wout", d.kernel, layer: d.name), matrix: "Wout"),
                            model
                        ))
                }
            default:
                continue
            }
        }
        return out
    }

    /// The hypotheses that explain `theirs` on `window` within `tolerance`, best first; none
    /// when the model itself agrees (a change that leaves what theirs gave alone explains nothing).
    public static func explain(_ model: Model, window: Matrix, theirs: TheirValues, tolerance: Float) throws
        -> [Explanation]
    {
        let (reference, _) = try StreamingComparison.compare(
            model, window: window, theirs: theirs, tolerance: tolerance)
        if reference.agrees(tolerance: tolerance) { return [] }
        return try explain(
            model, window: window, theirs: theirs, prefix: theirs.restricted(to: 0..<prefixSteps), tolerance: tolerance)
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
        for (hypothesis, variant) in variants(of: model) {
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
    /// Only the steps in `rows` (and no output: it needs the whole window).
    func restricted(to rows: Range<Int>) -> TheirValues {
        var out = TheirValues()
        for (key, values) in vectors where rows.contains(key.t) { out.setAll(key, values) }
        return out
    }

    /// Sets vector `key` to `values` (units theirs left out are nil).
    public mutating func setAll(_ key: Key, _ values: [Float?]) { vectorsStorage[key] = values }
}

extension Model {
    /// The same model with `layers` in place of its own (checked as any model is).
    func replacingLayers(_ layers: [Layer]) throws(ShapeError) -> Model {
        try Model(name: name, layers: layers, inputSize: inputSize, lookBack: lookBack, provenance: provenance)
    }
}
