/// A Keras `GRU` layer: W (xu, 3·hu), U (hu, 3·hu), gate blocks z | r | h̃ in column order.
///
/// ```
/// z = σ(x·Wz + bz + h·Uz + b'z)        r = σ(x·Wr + br + h·Ur + b'r)
/// reset_after=True  (Keras 3 and TF 2 default): h̃ = tanh(x·Wh + bh + r∗(h·Uh + b'h))
/// reset_after=False:                            h̃ = tanh(x·Wh + bh + (r∗h)·Uh)
/// h = z∗h_prev + (1 − z)∗h̃
/// ```
/// With `reset_after` the bias is (2, 3·hu): the input row b and the recurrent row b'.
public struct GRULayer: Sendable {
    public var name: String
    /// W: input weights (xu, 3·hu), blocks z | r | h̃.
    public let kernel: Matrix
    /// U: recurrent weights (hu, 3·hu), same blocks.
    public let recurrentKernel: Matrix
    /// b: the input-side bias (3·hu), nil without bias.
    public let inputBias: [Float]?
    /// b': the recurrent-side bias (3·hu), only with `resetAfter`.
    public let recurrentBias: [Float]?
    /// Whether r multiplies h·U + b' (true) or h before the product (false).
    public let resetAfter: Bool
    /// Applied to h̃; Keras default tanh.
    public let activation: Activation
    /// Applied to z and r; Keras default sigmoid.
    public let recurrentActivation: Activation
    public let returnSequences: Bool
    public let goBackwards: Bool
    /// After a Masking layer: whether a skipped step outputs zeros (true) or repeats the
    /// previous output (false, Keras's default; Bidirectional sets it to return_sequences).
    public var zeroOutputForMask = false
    /// ONNX's `clip`: each pre-activation (z's, r's, h̃'s) clamped to ±clip before its activation.
    public let preactivationClip: Float?
    /// The state a window starts from (h, then c for an LSTM); nil for zeros, as Keras. Set from
    /// an ONNX file's constant `initial_h`/`initial_c`.
    public var initialState: [[Float]]?
    /// The weights packed for the fast kernel, built on first use.
    private let packed = MemoTable<Int, GRUKernel>()

    /// The fast kernel for this layer's weights, packed the first time it is asked for.
    var fastKernel: GRUKernel { packed.value(for: 1) { GRUKernel(self) } }

    /// Creates a layer after checking every shape against the Keras layout.
    public init(
        name: String, kernel: Matrix, recurrentKernel: Matrix, inputBias: [Float]?, recurrentBias: [Float]?,
        resetAfter: Bool = true, activation: Activation = .tanh, recurrentActivation: Activation = .sigmoid,
        returnSequences: Bool = false, goBackwards: Bool = false, preactivationClip: Float? = nil
    ) throws(ShapeError) {
        let where_ = "layer \"\(name)\""
        guard kernel.columns % 3 == 0, kernel.columns > 0 else {
            throw ShapeError(
                "\(where_): GRU kernel W has shape \(formatShape([kernel.rows, kernel.columns])); "
                    + "its second axis must be 3·hu (blocks z, r, h̃), but \(kernel.columns) is not divisible by 3"
            )
        }
        let hu = kernel.columns / 3
        guard recurrentKernel.rows == hu, recurrentKernel.columns == 3 * hu else {
            throw ShapeError(
                "\(where_): GRU recurrent kernel U has shape "
                    + "\(formatShape([recurrentKernel.rows, recurrentKernel.columns])) but must be "
                    + "\(formatShape([hu, 3 * hu])) = (hu, 3·hu)"
            )
        }
        for bias in [inputBias, recurrentBias].compactMap({ $0 }) where bias.count != 3 * hu {
            throw ShapeError("\(where_): GRU bias has \(bias.count) values per row but must have 3·hu = \(3 * hu)")
        }
        guard !activation.isRowWise, !recurrentActivation.isRowWise else {
            throw ShapeError("\(where_): softmax cannot be a GRU activation")
        }
        self.name = name
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.inputBias = inputBias
        self.recurrentBias = resetAfter ? recurrentBias : nil
        self.resetAfter = resetAfter
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
        if let preactivationClip, !(preactivationClip > 0 && preactivationClip.isFinite) {
            throw ShapeError("\(where_): a clip of \(preactivationClip); it must be a positive number")
        }
        self.preactivationClip = preactivationClip
    }

    /// Number of trainable parameters, as Keras counts them.
    public var parameterCount: Int {
        kernel.count + recurrentKernel.count + (inputBias?.count ?? 0) + (recurrentBias?.count ?? 0)
    }

    /// One GRU step from `previous` (h) on input row `x`, as Keras's `GRUCell.call`: z, r, h̃, h.
    public func step(x: [Float], previous: [Float]) -> GRUStep {
        let hu = units
        var fromInput = inputBias ?? [Float](repeating: 0, count: 3 * hu)
        addVectorMatrixProduct(x, kernel, into: &fromInput)
        var fromState = recurrentBias ?? [Float](repeating: 0, count: 3 * hu)
        addVectorMatrixProduct(previous, recurrentKernel, into: &fromState)
        var z = [Float](), r = [Float](), hTilde = [Float](), h = [Float]()
        let clip = { (v: Float) in self.preactivationClip.map { max(min($0, v), -$0) } ?? v }
        for j in 0..<hu {
            z.append(recurrentActivation(clip(fromInput[j] + fromState[j])))
            r.append(recurrentActivation(clip(fromInput[hu + j] + fromState[hu + j])))
        }
        if resetAfter {
            for j in 0..<hu { hTilde.append(activation(clip(fromInput[2 * hu + j] + r[j] * fromState[2 * hu + j]))) }
        } else {
            // (r∗h)·Uh: the reset applies before the product, so it is a product of its own.
            let reset = zip(r, previous).map(*)
            var candidate = [Float](repeating: 0, count: hu)
            addVectorMatrixProduct(reset, recurrentKernel.columns(2 * hu..<3 * hu), into: &candidate)
            for j in 0..<hu { hTilde.append(activation(clip(fromInput[2 * hu + j] + candidate[j]))) }
        }
        for j in 0..<hu { h.append(z[j] * previous[j] + (1 - z[j]) * hTilde[j]) }
        return GRUStep(z: z, r: r, hTilde: hTilde, h: h)
    }
}

extension GRULayer: Equatable {
    /// Layers are equal when their names, weights and settings are; the packed copy is not compared.
    public static func == (a: GRULayer, b: GRULayer) -> Bool {
        a.name == b.name && a.kernel == b.kernel && a.recurrentKernel == b.recurrentKernel && a.inputBias == b.inputBias
            && a.recurrentBias == b.recurrentBias && a.resetAfter == b.resetAfter && a.activation == b.activation
            && a.recurrentActivation == b.recurrentActivation && a.returnSequences == b.returnSequences
            && a.goBackwards == b.goBackwards && a.zeroOutputForMask == b.zeroOutputForMask
            && a.preactivationClip == b.preactivationClip && a.initialState == b.initialState
    }
}

/// Everything one GRU step computes.
public struct GRUStep: Sendable, Equatable {
    /// Update gate σ(x·Wz + bz + h·Uz + b'z).
    public var z: [Float]
    /// Reset gate σ(x·Wr + br + h·Ur + b'r).
    public var r: [Float]
    /// Candidate tanh(x·Wh + bh + r∗(h·Uh + b'h)) (reset_after), or with (r∗h)·Uh.
    public var hTilde: [Float]
    /// New hidden state z∗h_prev + (1 − z)∗h̃.
    public var h: [Float]
}
