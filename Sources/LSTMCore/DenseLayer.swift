/// A Keras `Dense` layer: y = act(x·kernel + bias).
public struct DenseLayer: Sendable, Equatable {
    /// The layer's name in the model.
    public var name: String
    /// Kernel, shape (inputs, units).
    public let kernel: Matrix
    /// Bias (units,), or nil for `use_bias=False`.
    public let bias: [Float]?
    /// Output activation (linear, softmax, relu, …).
    public let activation: Activation
    /// The kernel as int8 for a TFLite hybrid FULLY_CONNECTED (``kernel`` holds what it stands
    /// for): `apply` quantizes x as TFLite's hybrid kernel does.
    public let hybrid: HybridWeights?

    /// Number of inputs.
    public var inputSize: Int { kernel.rows }
    /// Number of outputs.
    public var units: Int { kernel.columns }

    /// Creates a Dense layer after checking the bias length against the kernel.
    public init(
        name: String, kernel: Matrix, bias: [Float]?, activation: Activation = .linear, hybrid: HybridWeights? = nil
    ) throws(ShapeError) {
        if let bias, bias.count != kernel.columns {
            throw ShapeError(
                "layer \"\(name)\": bias has shape \(formatShape([bias.count])) but the kernel "
                    + "\(formatShape([kernel.rows, kernel.columns])) has \(kernel.columns) outputs"
            )
        }
        if let hybrid, hybrid.kernel.dequantized != kernel {
            throw ShapeError("layer \"\(name)\": the int8 weights are not the ones the kernel stands for")
        }
        self.name = name
        self.kernel = kernel
        self.bias = bias
        self.activation = activation
        self.hybrid = hybrid
    }

    /// Applies the layer to one input vector.
    public func apply(_ x: [Float]) -> [Float] {
        var y = bias ?? [Float](repeating: 0, count: units)
        if let hybrid {
            addHybridProduct(x, hybrid.kernel, inputs: hybrid.inputs, into: &y)
            return activation.isRowWise ? activation.apply(y) : y.map { EigenActivations.apply(activation, $0) }
        } else {
            addVectorMatrixProduct(x, kernel, into: &y)
        }
        return activation.apply(y)
    }

    /// The layer as TFLite's dynamic-range quantization leaves it: the kernel int8 with a scale
    /// per output when it has 1,024 values or more (else nil: the converter keeps it float).
    public func tfliteHybrid(inputs: InputQuantization = .asymmetric) -> DenseLayer? {
        guard hybrid == nil, kernel.count >= 1024, let q = try? Int8Matrix(quantizing: kernel, blockWidth: 1) else {
            return nil
        }
        return try? DenseLayer(
            name: name, kernel: q.dequantized, bias: bias, activation: activation,
            hybrid: HybridWeights(kernel: q, inputs: inputs))
    }

    /// Number of trainable parameters.
    public var parameterCount: Int { kernel.count + (bias?.count ?? 0) }
}
