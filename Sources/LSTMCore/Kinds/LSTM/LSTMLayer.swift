/// A Keras `LSTM` layer: W (xu, 4·hu), U (hu, 4·hu), optional b (4·hu), two activations.
///
/// ```swift
/// let layer = try LSTMLayer(name: "lstm", kernel: w, recurrentKernel: u, bias: b)
/// let s = layer.step(x: [0.1, 0.2, 0.3], previous: .zero(units: layer.units))
/// s.h  // the new hidden state
/// ```
public struct LSTMLayer: Sendable {
    /// The layer's name in the model (`lstm`, `encoder`, …).
    public var name: String
    /// W: input weights, shape (xu, 4·hu), gate blocks i, f, c̃, o side by side.
    public let kernel: Matrix
    /// U: recurrent weights, shape (hu, 4·hu), same gate layout.
    public let recurrentKernel: Matrix
    /// b: gate biases, 4·hu of them, or nil for `use_bias=False`.
    public let bias: [Float]?
    /// Applied to c̃ and to c before h = o·act(c); Keras default tanh.
    public let activation: Activation
    /// Applied to the gates i, f, o; Keras default sigmoid.
    public let recurrentActivation: Activation
    /// Whether the layer outputs h for every step (feeding another recurrent layer) or only the last.
    public let returnSequences: Bool
    /// Whether the layer reads its window from the last row to the first.
    public let goBackwards: Bool
    /// After a Masking layer: whether a skipped step outputs zeros (true) or repeats the
    /// previous output (false, Keras's default; Bidirectional sets it to return_sequences).
    public var zeroOutputForMask = false
    /// W and U as int8 for a TFLite hybrid layer (``kernel`` and ``recurrentKernel`` then hold
    /// what they stand for): the step quantizes x and h as TFLite's hybrid kernel does.
    public let hybrid: HybridWeights?
    /// TFLite's `cell_clip`: c is clamped to ±clip after every step (the converter writes 10 for
    /// every Keras LSTM); nil for Keras's own layers, which never clip.
    public let cellClip: Float?
    /// ONNX's `clip`: every gate's pre-activation z is clamped to ±clip before its activation.
    public let preactivationClip: Float?
    /// ONNX's `input_forget=1`: the forget gate is 1 − i (coupled to the input gate, as
    /// onnxruntime computes it), not σ of its own z.
    public let couplesForgetGate: Bool
    /// The state a window starts from (h, then c for an LSTM); nil for zeros, as Keras. Set from
    /// an ONNX file's constant `initial_h`/`initial_c`.
    public var initialState: [[Float]]?

    /// The weights packed for the fast kernel, built on first use (inspect never needs them).
    private let packed = MemoTable<Int, LSTMKernel>()

    /// Creates a layer after checking every shape against the Keras layout.
    public init(
        name: String, kernel: Matrix, recurrentKernel: Matrix, bias: [Float]?,
        activation: Activation = .tanh, recurrentActivation: Activation = .sigmoid,
        returnSequences: Bool = false, goBackwards: Bool = false, hybrid: HybridWeights? = nil,
        cellClip: Float? = nil, preactivationClip: Float? = nil, couplesForgetGate: Bool = false
    ) throws(ShapeError) {
        let where_ = "layer \"\(name)\""
        guard kernel.columns % 4 == 0, kernel.columns > 0 else {
            throw ShapeError(
                "\(where_): kernel W has shape \(formatShape([kernel.rows, kernel.columns])); "
                    + "its second axis must be 4·hu (four gate blocks), but \(kernel.columns) is not divisible by 4"
            )
        }
        let units = kernel.columns / 4
        guard recurrentKernel.rows == units, recurrentKernel.columns == 4 * units else {
            throw ShapeError(
                "\(where_): recurrent kernel U has shape "
                    + "\(formatShape([recurrentKernel.rows, recurrentKernel.columns])) but must be "
                    + "\(formatShape([units, 4 * units])) = (hu, 4·hu) for hu = \(units)"
            )
        }
        if let bias, bias.count != 4 * units {
            throw ShapeError(
                "\(where_): bias b has shape \(formatShape([bias.count])) but must be \(formatShape([4 * units])) = "
                    + "(4·hu,) for hu = \(units)"
            )
        }
        guard !activation.isRowWise, !recurrentActivation.isRowWise else {
            throw ShapeError("\(where_): softmax cannot be an LSTM activation")
        }
        if let hybrid {
            guard hybrid.kernel.dequantized == kernel, hybrid.recurrentKernel?.dequantized == recurrentKernel else {
                throw ShapeError("\(where_): the int8 weights are not the ones W and U stand for")
            }
        }
        for clip in [cellClip, preactivationClip] {
            if let clip, !(clip > 0 && clip.isFinite) {
                throw ShapeError("\(where_): a clip of \(clip); it must be a positive number")
            }
        }
        self.cellClip = cellClip
        self.preactivationClip = preactivationClip
        self.couplesForgetGate = couplesForgetGate
        self.hybrid = hybrid
        self.name = name
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
    }

    /// The activation applied to a gate's pre-activation: `activation` for c̃, else `recurrentActivation`.
    public func activation(for gate: LSTMGate) -> Activation {
        gate == .candidate ? activation : recurrentActivation
    }

    /// Number of trainable parameters, as Keras counts them.
    public var parameterCount: Int { kernel.count + recurrentKernel.count + (bias?.count ?? 0) }

    /// The fast kernel for this layer's weights, packed the first time it is asked for.
    var fastKernel: LSTMKernel { fastKernel(threads: 1) }

    /// Threads the fast kernel really uses when `threads` are asked for: one per 16 units at
    /// most, and one per core.
    public func threadsUsed(asking threads: Int) -> Int { LSTMKernel.shardCount(units: units, threads: threads) }

    /// The fast kernel split across `threads` threads (1 = ``fastKernel``).
    /// Whether the fast kernel (window, batch and stream) computes this layer: the int8 products,
    /// the clips and coupled gates have none, their readable step is TFLite's or ONNX's arithmetic.
    var hasFastKernel: Bool { hybrid == nil && cellClip == nil && preactivationClip == nil && !couplesForgetGate }

    func fastKernel(threads: Int) -> LSTMKernel {
        let threads = max(1, threads)
        return packed.value(for: threads) { LSTMKernel(self, threads: threads) }
    }
}

extension LSTMLayer: Equatable {
    /// Layers are equal when their names, weights and settings are; the packed copy is not compared.
    public static func == (a: LSTMLayer, b: LSTMLayer) -> Bool {
        a.name == b.name && a.kernel == b.kernel && a.recurrentKernel == b.recurrentKernel && a.bias == b.bias
            && a.activation == b.activation && a.recurrentActivation == b.recurrentActivation
            && a.returnSequences == b.returnSequences && a.goBackwards == b.goBackwards && a.hybrid == b.hybrid
            && a.cellClip == b.cellClip && a.preactivationClip == b.preactivationClip
            && a.couplesForgetGate == b.couplesForgetGate && a.zeroOutputForMask == b.zeroOutputForMask
            && a.initialState == b.initialState
    }
}
