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
                goBackwards: goBackwards, cellClip: cellClip, preactivationClip: preactivationClip,
                couplesForgetGate: couplesForgetGate)
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
        if cellClip == nil {
            add(
                Hypothesis(
                    .cellClip, layer: name,
                    text: "theirs clamps c of layer \(name) to ±\(Self.tfliteCellClip) every step (TFLite's converter "
                        + "writes cell_clip=10 into every LSTM op; Keras never clips)")
            ) { () throws(ShapeError) in
                try LSTMLayer(
                    name: name, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias, activation: activation,
                    recurrentActivation: recurrentActivation, returnSequences: returnSequences,
                    goBackwards: goBackwards, cellClip: Self.tfliteCellClip)
            }
        }
        return out.variants
    }

    /// The cell_clip the TFLite converter writes for a Keras LSTM.
    public static let tfliteCellClip: Float = 10

    /// The layer as the TFLite converter's dynamic-range quantization (`Optimize.DEFAULT`) leaves
    /// it: each gate's W and U int8 with one symmetric scale (when every one of them has 1,024
    /// values or more, the converter's threshold), x and h quantized per step, c clipped at ±10;
    /// nil when the converter would keep it float.
    public func tfliteHybrid(inputs: InputQuantization = .asymmetric) -> LSTMLayer? {
        guard hybrid == nil, inputSize * units >= 1024, units * units >= 1024,
            let w = try? Int8Matrix(quantizing: kernel, blockWidth: units),
            let u = try? Int8Matrix(quantizing: recurrentKernel, blockWidth: units)
        else { return nil }
        return try? LSTMLayer(
            name: name, kernel: w.dequantized, recurrentKernel: u.dequantized, bias: bias, activation: activation,
            recurrentActivation: recurrentActivation, returnSequences: returnSequences, goBackwards: goBackwards,
            hybrid: HybridWeights(kernel: w, recurrentKernel: u, inputs: inputs), cellClip: Self.tfliteCellClip)
    }

    /// The layer as TFLite's float16 quantization leaves it: weights float16, c clipped at ±10.
    public func tfliteFloat16() -> LSTMLayer? {
        guard hybrid == nil else { return nil }
        return try? LSTMLayer(
            name: name, kernel: kernel.rounded(NarrowFloat.float16),
            recurrentKernel: recurrentKernel.rounded(NarrowFloat.float16), bias: bias?.map(NarrowFloat.float16),
            activation: activation, recurrentActivation: recurrentActivation, returnSequences: returnSequences,
            goBackwards: goBackwards, cellClip: Self.tfliteCellClip)
    }
}
