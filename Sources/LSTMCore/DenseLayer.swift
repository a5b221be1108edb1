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

    /// Number of inputs.
    public var inputSize: Int { kernel.rows }
    /// Number of outputs.
    public var units: Int { kernel.columns }

    /// Creates a Dense layer after checking the bias length against the kernel.
    public init(name: String, kernel: Matrix, bias: [Float]?, activation: Activation = .linear) throws(ShapeError) {
        if let bias, bias.count != kernel.columns {
            throw ShapeError(
                "layer \"\(name)\": bias has shape \(formatShape([bias.count])) but the kernel "
                    + "\(formatShape([kernel.rows, kernel.columns])) has \(kernel.columns) outputs"
            )
        }
        self.name = name
        self.kernel = kernel
        self.bias = bias
        self.activation = activation
    }

    /// Applies the layer to one input vector.
    public func apply(_ x: [Float]) -> [Float] {
        var y = bias ?? [Float](repeating: 0, count: units)
        addVectorMatrixProduct(x, kernel, into: &y)
        return activation.apply(y)
    }

    /// Number of trainable parameters.
    public var parameterCount: Int { kernel.count + (bias?.count ?? 0) }
}
