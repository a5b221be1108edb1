extension SimpleRNNLayer {
    /// The SimpleRNN as ports get it wrong, one way each (``RecurrentLayer/portingVariants()``).
    public func portingVariants() -> [PortingVariant] {
        var out = VariantList(of: self)
        func add(_ h: Hypothesis, _ make: @escaping () throws(ShapeError) -> Self) { out.add(h, make) }
        func rebuilt(
            kernel: Matrix? = nil, recurrentKernel: Matrix? = nil, bias: [Float]?? = nil, activation: Activation? = nil
        ) throws(ShapeError) -> SimpleRNNLayer {
            var layer = try SimpleRNNLayer(
                name: name, kernel: kernel ?? self.kernel, recurrentKernel: recurrentKernel ?? self.recurrentKernel,
                bias: bias ?? self.bias, activation: activation ?? self.activation, returnSequences: returnSequences,
                goBackwards: goBackwards)
            layer.preactivationClip = preactivationClip
            return layer
        }
        for (h, a) in VariantBuilders.activationSwaps(activation, generic: .activation, slot: "activation", layer: name)
        {
            add(h) { () throws(ShapeError) in try rebuilt(activation: a) }
        }
        if bias != nil {
            add(Hypothesis(.noBias, layer: name, text: "theirs left out the bias b of layer \(name)")) {
                () throws(ShapeError) in try rebuilt(bias: .some(nil))
            }
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
