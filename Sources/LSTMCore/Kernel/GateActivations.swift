/// The two activations of a gated layer's fused update, as a type, so that each kernel is
/// specialised for them.
///
/// They used to be passed as closures (`VectorMath.sigmoid`, `VectorMath.tanh`); the optimiser
/// kept those as a call per vector, a 64-byte argument and result through the stack on AVX2:
/// 42% of a 1 → 8 layer's replay in `perf`.
protocol GateActivations {
    /// The gates' activation (Keras's `recurrent_activation`, σ by default).
    func gate<V: FloatLanes>(_ x: V) -> V
    /// The candidate's and the state's activation (Keras's `activation`, tanh by default).
    func state<V: FloatLanes>(_ x: V) -> V
}

/// σ and tanh, nearly every model's pair, with the vector math inlined.
struct SigmoidTanh: GateActivations {
    @inline(__always) func gate<V: FloatLanes>(_ x: V) -> V { VectorMath.sigmoid(x) }
    @inline(__always) func state<V: FloatLanes>(_ x: V) -> V { VectorMath.tanh(x) }
}

/// Any other pair, chosen per vector.
struct ChosenActivations: GateActivations {
    let recurrent: Activation
    let activation: Activation

    /// Whether the pair is σ and tanh, which a kernel runs as ``SigmoidTanh`` instead.
    var isSigmoidTanh: Bool { activation == .tanh && recurrent == .sigmoid }

    @inline(__always) func gate<V: FloatLanes>(_ x: V) -> V { recurrent(x) }
    @inline(__always) func state<V: FloatLanes>(_ x: V) -> V { activation(x) }
}
