extension GRULayer {
    /// The GRU as ports get it wrong, one way each (``RecurrentLayer/portingVariants()``).
    public func portingVariants() -> [PortingVariant] {
        var out = VariantList(of: self)
        func add(_ h: Hypothesis, _ make: @escaping () throws(ShapeError) -> Self) { out.add(h, make) }
        func rebuilt(
            kernel: Matrix? = nil, recurrentKernel: Matrix? = nil, inputBias: [Float]?? = nil,
            recurrentBias: [Float]?? = nil, resetAfter: Bool? = nil, activation: Activation? = nil,
            recurrentActivation: Activation? = nil
        ) throws(ShapeError) -> GRULayer {
            try GRULayer(
                name: name, kernel: kernel ?? self.kernel, recurrentKernel: recurrentKernel ?? self.recurrentKernel,
                inputBias: inputBias ?? self.inputBias, recurrentBias: recurrentBias ?? self.recurrentBias,
                resetAfter: resetAfter ?? self.resetAfter, activation: activation ?? self.activation,
                recurrentActivation: recurrentActivation ?? self.recurrentActivation, returnSequences: returnSequences,
                goBackwards: goBackwards, preactivationClip: preactivationClip)
        }
        let hu = units
        func permuted(_ v: [Float]?, _ blocks: [Int]) -> [Float]? {
            v.map { Matrix(rows: 1, columns: $0.count, values: $0).blocks(width: hu, order: blocks).values }
        }
        let known = [["r", "z", "h_tilde"]: "PyTorch's order r, z, n"]
        for (order, blocks, text) in VariantBuilders.gateOrders(["z", "r", "h_tilde"], known: known) {
            add(Hypothesis(.gateOrder, layer: name, text: text, order: order)) { () throws(ShapeError) in
                try rebuilt(
                    kernel: kernel.blocks(width: hu, order: blocks),
                    recurrentKernel: recurrentKernel.blocks(width: hu, order: blocks),
                    inputBias: .some(permuted(inputBias, blocks)), recurrentBias: .some(permuted(recurrentBias, blocks))
                )
            }
        }
        for (h, a) in VariantBuilders.activationSwaps(
            recurrentActivation, generic: .recurrentActivation, slot: "recurrent_activation (z, r)", layer: name)
        {
            add(h) { () throws(ShapeError) in try rebuilt(recurrentActivation: a) }
        }
        for (h, a) in VariantBuilders.activationSwaps(
            activation, generic: .activation, slot: "activation (h̃)", layer: name)
        {
            add(h) { () throws(ShapeError) in try rebuilt(activation: a) }
        }
        if inputBias != nil || recurrentBias != nil {
            add(Hypothesis(.noBias, layer: name, text: "theirs left out the biases of layer \(name)")) {
                () throws(ShapeError) in try rebuilt(inputBias: .some(nil), recurrentBias: .some(nil))
            }
        }
        if recurrentBias != nil {
            add(
                Hypothesis(
                    .noRecurrentBias, layer: name,
                    text: "theirs left out the recurrent bias b' of layer \(name) (PyTorch's bias_hh)")
            ) { () throws(ShapeError) in try rebuilt(recurrentBias: .some(nil)) }
        }
        if resetAfter {
            // The reset-before formula has one bias: a port that keeps both adds them.
            let summed: [Float]? =
                switch (inputBias, recurrentBias) {
                case (let b?, let b2?): zip(b, b2).map(+)
                case (let b, let b2): b ?? b2
                }
            add(
                Hypothesis(
                    .gruResetBefore, layer: name,
                    text: "theirs used the reset-before GRU, h̃ = tanh(x·Wh + (r∗h)·Uh + b), where layer \(name) "
                        + "has reset_after=True (its two biases summed)")
            ) { () throws(ShapeError) in
                try rebuilt(inputBias: .some(summed), recurrentBias: .some(nil), resetAfter: false)
            }
        } else {
            add(
                Hypothesis(
                    .gruResetAfter, layer: name,
                    text: "theirs used the reset-after GRU, h̃ = tanh(x·Wh + b + r∗(h·Uh)), where layer \(name) "
                        + "has reset_after=False")
            ) { () throws(ShapeError) in try rebuilt(resetAfter: true) }
        }
        for (h, make) in VariantBuilders.weightVariants(
            layer: name, kernel: kernel, recurrentKernel: recurrentKernel,
            withKernels: { (w, u) throws(ShapeError) in try rebuilt(kernel: w, recurrentKernel: u) },
            rounded: { round throws(ShapeError) in
                try rebuilt(
                    kernel: kernel.rounded(round), recurrentKernel: recurrentKernel.rounded(round),
                    inputBias: .some(inputBias?.map(round)), recurrentBias: .some(recurrentBias?.map(round)))
            })
        {
            add(h, make)
        }
        return out.variants
    }
}
