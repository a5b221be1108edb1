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

    static let roundings: [(Hypothesis.Name, String, @Sendable (Float) -> Float)] = [
        (.weightsFloat16, "float16", NarrowFloat.float16), (.weightsBfloat16, "bfloat16", NarrowFloat.bfloat16),
    ]

    static func roundingText(_ format: String, layer: String) -> String {
        "theirs holds the weights of layer \(layer) as \(format) (the arithmetic in float32 matches)"
    }
}
