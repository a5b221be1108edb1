extension LSTMLayer {
    /// The LSTM as ports get it wrong, one way each (``RecurrentLayer/portingVariants()``).
    public func portingVariants() -> [PortingVariant] {
        var out = VariantList(of: self)
        func add(_ h: Hypothesis, _ make: @escaping () throws(ShapeError) -> Self) { out.add(h, make) }
        func rebuilt(
            kernel: Matrix? = nil, recurrentKernel: Matrix? = nil, bias: [Float]?? = nil, activation: Activation? = nil,
            recurrentActivation: Activation? = nil
        ) throws(ShapeError) -> LSTMLayer {
            try LSTMLayer(
                name: name, kernel: kernel ?? self.kernel, recurrentKernel: recurrentKernel ?? self.recurrentKernel,
                bias: bias ?? self.bias, activation: activation ?? self.activation,
                recurrentActivation: recurrentActivation ?? self.recurrentActivation, returnSequences: returnSequences,
                goBackwards: goBackwards)
        }
        let hu = units
        let known = [["i", "o", "f", "c"]: "ONNX's order", ["i", "c", "f", "o"]: "old TensorFlow's order"]
        for (order, blocks, text) in VariantBuilders.gateOrders(["i", "f", "c", "o"], known: known) {
            add(Hypothesis(.gateOrder, layer: name, text: text, order: order)) { () throws(ShapeError) in
                let b = bias.map {
                    Matrix(rows: 1, columns: $0.count, values: $0).blocks(width: hu, order: blocks).values
                }
                return try rebuilt(
                    kernel: kernel.blocks(width: hu, order: blocks),
                    recurrentKernel: recurrentKernel.blocks(width: hu, order: blocks), bias: .some(b))
            }
        }
        for (h, a) in VariantBuilders.activationSwaps(
            recurrentActivation, generic: .recurrentActivation, slot: "recurrent_activation (i, f, o)", layer: name)
        {
            add(h) { () throws(ShapeError) in try rebuilt(recurrentActivation: a) }
        }
        for (h, a) in VariantBuilders.activationSwaps(
            activation, generic: .activation, slot: "activation (c̃ and c)", layer: name)
        {
            add(h) { () throws(ShapeError) in try rebuilt(activation: a) }
        }
        if let bias {
            add(Hypothesis(.noBias, layer: name, text: "theirs left out the bias b of layer \(name)")) {
                () throws(ShapeError) in try rebuilt(bias: .some(nil))
            }
            var plusOne = bias
            for j in hu..<2 * hu { plusOne[j] += 1 }
            add(
                Hypothesis(
                    .forgetBiasPlusOne, layer: name,
                    text: "theirs adds 1 to the forget gate's bias of layer \(name) on top of Keras's b "
                        + "(TF1 LSTMCell's forget_bias=1)")
            ) { () throws(ShapeError) in try rebuilt(bias: .some(plusOne)) }
        }
        for (h, make) in VariantBuilders.weightVariants(
            layer: name, kernel: kernel, recurrentKernel: recurrentKernel,
            withKernels: { (w, u) throws(ShapeError) in try rebuilt(kernel: w, recurrentKernel: u) },
            rounded: { round throws(ShapeError) in
                try rebuilt(
                    kernel: kernel.rounded(round), recurrentKernel: recurrentKernel.rounded(round),
                    bias: .some(bias?.map(round)))
            })
        {
            add(h, make)
        }
        return out.variants
    }
}
