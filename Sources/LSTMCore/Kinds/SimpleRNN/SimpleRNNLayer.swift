/// A Keras `SimpleRNN` layer: h = act(x·W + b + h·U).
public struct SimpleRNNLayer: Sendable, Equatable {
    public var name: String
    /// W: (xu, hu).
    public let kernel: Matrix
    /// U: (hu, hu).
    public let recurrentKernel: Matrix
    /// b: (hu), nil without bias.
    public let bias: [Float]?
    /// Keras default tanh.
    public let activation: Activation
    public let returnSequences: Bool
    public let goBackwards: Bool
    /// After a Masking layer: whether a skipped step outputs zeros (true) or repeats the
    /// previous output (false, Keras's default; Bidirectional sets it to return_sequences).
    public var zeroOutputForMask = false
    /// ONNX's `clip`: the pre-activation clamped to ±clip before the activation.
    public var preactivationClip: Float?
    /// The state a window starts from (h, then c for an LSTM); nil for zeros, as Keras. Set from
    /// an ONNX file's constant `initial_h`/`initial_c`.
    public var initialState: [[Float]]?

    /// Creates a layer after checking every shape against the Keras layout.
    public init(
        name: String, kernel: Matrix, recurrentKernel: Matrix, bias: [Float]?, activation: Activation = .tanh,
        returnSequences: Bool = false, goBackwards: Bool = false
    ) throws(ShapeError) {
        let hu = kernel.columns
        guard hu > 0, recurrentKernel.rows == hu, recurrentKernel.columns == hu else {
            throw ShapeError(
                "layer \"\(name)\": SimpleRNN recurrent kernel U has shape "
                    + "\(formatShape([recurrentKernel.rows, recurrentKernel.columns])) but must be "
                    + "\(formatShape([hu, hu])) = (hu, hu)"
            )
        }
        if let bias, bias.count != hu {
            throw ShapeError("layer \"\(name)\": SimpleRNN bias has \(bias.count) values but must have hu = \(hu)")
        }
        guard !activation.isRowWise else {
            throw ShapeError("layer \"\(name)\": softmax cannot be a SimpleRNN activation")
        }
        self.name = name
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
        self.activation = activation
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
    }

    public var parameterCount: Int { kernel.count + recurrentKernel.count + (bias?.count ?? 0) }

    /// One step: h = act(x·W + b + h_prev·U).
    public func step(x: [Float], previous: [Float]) -> SimpleRNNStep {
        var z = bias ?? [Float](repeating: 0, count: units)
        addVectorMatrixProduct(x, kernel, into: &z)
        addVectorMatrixProduct(previous, recurrentKernel, into: &z)
        if let clip = preactivationClip { z = z.map { max(min(clip, $0), -clip) } }
        return SimpleRNNStep(h: z.map { activation($0) })
    }
}

/// What one SimpleRNN step computes: its new hidden state.
public struct SimpleRNNStep: Sendable, Equatable {
    /// h = act(x·W + b + h_prev·U).
    public var h: [Float]
}
