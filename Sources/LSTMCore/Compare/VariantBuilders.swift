/// Pieces the kinds' porting variants share.
enum VariantBuilders {
    /// The activations a port may have used instead of the model's (softmax is not elementwise).
    static let activations: [Activation] = [
        .linear, .tanh, .sigmoid, .hardSigmoid(.keras2), .hardSigmoid(.keras3), .relu, .relu6, .elu, .selu, .softplus,
        .softsign, .silu, .gelu, .exponential, .mish, .leakyRelu, .hardTanh, .tanhShrink, .logSigmoid, .hardSilu,
    ]

    /// The activation swaps worth trying for a slot holding `current`: Keras 2 against Keras 3
    /// hard_sigmoid under their own names, any other activation under `generic`.
    static func activationSwaps(
        _ current: Activation, generic: Hypothesis.Name, slot: String, layer: String
    ) -> [(Hypothesis, Activation)] {
        activations.filter { $0 != current }.map { other in
            switch (current, other) {
            case (.hardSigmoid(.keras3), .hardSigmoid(.keras2)):
                return (
                    Hypothesis(
                        .hardSigmoidKeras2, layer: layer,
                        text: "theirs used Keras 2's hard_sigmoid, clip(0.2·x + 0.5, 0, 1), where this Keras 3 "
                            + "model has clip(x/6 + 0.5, 0, 1) (\(slot) of layer \(layer))"), other
                )
            case (.hardSigmoid(.keras2), .hardSigmoid(.keras3)):
                return (
                    Hypothesis(
                        .hardSigmoidKeras3, layer: layer,
                        text: "theirs used Keras 3's hard_sigmoid, clip(x/6 + 0.5, 0, 1), where this Keras 2 "
                            + "model has clip(0.2·x + 0.5, 0, 1) (\(slot) of layer \(layer))"), other
                )
            default:
                return (
                    Hypothesis(
                        generic, layer: layer,
                        text: "theirs used \(other.kerasName) as the \(slot) of layer \(layer), "
                            + "where the model has \(current.kerasName)",
                        activation: other.kerasName), other
                )
            }
        }
    }

    /// Every order of `gates` (the kind's gate letters) but the right one, with the column
    /// order that makes the model compute as a port reading the blocks in that order does.
    static func gateOrders(_ gates: [String], known: [[String]: String]) -> [(
        order: [String], blocks: [Int], text: String
    )] {
        permutations(gates.count).dropFirst().map { p in
            let order = p.map { gates[$0] }
            // Theirs takes block k for gate order[k]: gate g gets the block where order has g.
            let blocks = gates.map { g in order.firstIndex(of: g)! }
            let known = known[order].map { " (\($0))" } ?? ""
            return (
                order, blocks,
                "theirs read the gate blocks in the order \(order.joined(separator: ", "))\(known), "
                    + "not Keras's \(gates.joined(separator: ", "))"
            )
        }
    }

    /// The sentence for a matrix read in the other memory order.
    static func memoryOrderText(_ matrix: String, _ m: Matrix, layer: String) -> String {
        "theirs read \(matrix) of layer \(layer), stored (\(m.rows), \(m.columns)) row-major, "
            + "as (\(m.columns), \(m.rows)) (another framework's memory order)"
    }

    /// What every kind's weights can have wrong: W or U read in the other memory order
    /// (`withKernels` rebuilds the layer with these two), or every weight rounded to float16 or
    /// bfloat16 (`rounded` rebuilds it so).
    static func weightVariants<Layer>(
        layer name: String, kernel: Matrix, recurrentKernel: Matrix,
        withKernels: @escaping (Matrix, Matrix) throws(ShapeError) -> Layer,
        rounded: @escaping (@escaping @Sendable (Float) -> Float) throws(ShapeError) -> Layer
    ) -> [(Hypothesis, () throws(ShapeError) -> Layer)] {
        var out: [(Hypothesis, () throws(ShapeError) -> Layer)] = []
        for (matrix, m) in [("W", kernel), ("U", recurrentKernel)] {
            let text = memoryOrderText(matrix, m, layer: name)
            out.append(
                (
                    Hypothesis(.kernelMemoryOrder, layer: name, text: text, matrix: matrix),
                    { () throws(ShapeError) in
                        matrix == "W"
                            ? try withKernels(m.readInTheOtherOrder, recurrentKernel)
                            : try withKernels(kernel, m.readInTheOtherOrder)
                    }
                ))
        }
        for (hypothesis, format, round) in roundings {
            out.append(
                (
                    Hypothesis(hypothesis, layer: name, text: roundingText(format, layer: name)),
                    { () throws(ShapeError) in try rounded(round) }
                ))
        }
        return out
    }

    static let roundings: [(Hypothesis.Name, String, @Sendable (Float) -> Float)] = [
        (.weightsFloat16, "float16", NarrowFloat.float16), (.weightsBfloat16, "bfloat16", NarrowFloat.bfloat16),
    ]

    static func roundingText(_ format: String, layer: String) -> String {
        "theirs holds the weights of layer \(layer) as \(format) (the arithmetic in float32 matches)"
    }
}

/// A kind's porting variants as they are listed: each made on demand, with the original's
/// masking behaviour (`zero_output_for_mask`, which Bidirectional sets) kept.
struct VariantList<Layer: RecurrentLayer> {
    private(set) var variants: [PortingVariant] = []
    let zeroOutputForMask: Bool

    init(of layer: Layer) { zeroOutputForMask = layer.zeroOutputForMask }

    mutating func add(_ hypothesis: Hypothesis, _ make: @escaping () throws(ShapeError) -> Layer) {
        let zeroOutput = zeroOutputForMask
        variants.append(
            PortingVariant(hypothesis) {
                guard var layer = try? make() else { return nil }
                layer.zeroOutputForMask = zeroOutput
                return layer
            })
    }
}
