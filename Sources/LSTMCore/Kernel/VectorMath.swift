/// Sixteen floats: one AVX-512 register, or two AVX2 ones. The unit of work of the fast kernel.
typealias Vec16 = SIMD16<Float>

/// sigmoid and tanh on 16 lanes at a time, in float32.
///
/// libm's scalar `expf`/`tanhf` calls dominate a small LSTM step (a 5-unit layer spends most of
/// its time in them), so the kernel uses the 13/6-degree rational approximation of tanh that
/// Eigen (and so TensorFlow's CPU kernels) and onnxruntime's MLAS use: within 3e-7 of the true
/// value (4 ULP near ±1), far below the 1e-5 agreement with Keras that the tests ask. It
/// replaced vectorised Cephes exp-based functions (2 ULP), which took twice the instructions
/// for tanh; the step of a 64-unit layer got 18% faster. σ is derived from it.
///
/// NaN goes in, NaN comes out: clamps are written as compare-and-replace, which leaves NaN
/// alone, so a NaN weight still shows up where it spreads.
enum VectorMath {
    /// Eigen's clamp: beyond about 8.4 the rational function overshoots 1. With FMA it gives
    /// 0.99999976 there, so |x| ≥ 7.905 saturates 2.4e-7 short of ±1.
    private static let tanhClamp: Float = 7.90531110763549805

    /// tanh(x) = x·P(x²)/Q(x²) on [-7.905, 7.905], clamped outside; within 3e-7 of tanh.
    @_transparent
    static func tanh(_ input: Vec16) -> Vec16 {
        let x = clamp(input, -tanhClamp, tanhClamp)
        let x2 = x * x
        var p = Vec16(repeating: -2.76076847742355e-16)
        p = Vec16(repeating: 2.00018790482477e-13).addingProduct(p, x2)
        p = Vec16(repeating: -8.60467152213735e-11).addingProduct(p, x2)
        p = Vec16(repeating: 5.12229709037114e-08).addingProduct(p, x2)
        p = Vec16(repeating: 1.48572235717979e-05).addingProduct(p, x2)
        p = Vec16(repeating: 6.37261928875436e-04).addingProduct(p, x2)
        p = Vec16(repeating: 4.89352455891786e-03).addingProduct(p, x2)
        var q = Vec16(repeating: 1.19825839466702e-06)
        q = Vec16(repeating: 1.18534705686654e-04).addingProduct(q, x2)
        q = Vec16(repeating: 2.26843463243900e-03).addingProduct(q, x2)
        q = Vec16(repeating: 4.89352518554385e-03).addingProduct(q, x2)
        return x * p / q
    }

    /// σ(x) = ½ + ½·tanh(x/2): the same polynomial, so σ costs one tanh and two operations.
    /// Its error (half tanh's) is absolute, not relative, for x far below zero.
    @_transparent
    static func sigmoid(_ x: Vec16) -> Vec16 {
        Vec16(repeating: 0.5).addingProduct(Vec16(repeating: 0.5), tanh(x * 0.5))
    }

    /// Clamp to [lo, hi] that keeps NaN.
    @inline(__always)
    static func clamp(_ x: Vec16, _ lo: Float, _ hi: Float) -> Vec16 {
        var y = x
        y.replace(with: lo, where: y .< lo)
        y.replace(with: hi, where: y .> hi)
        return y
    }
}

extension Activation {
    /// The activation on 16 lanes: vectorised for the ones LSTMs use, lane by lane for the rest.
    @inline(__always)
    func callAsFunction(_ x: Vec16) -> Vec16 {
        switch self {
        case .sigmoid: return VectorMath.sigmoid(x)
        case .tanh: return VectorMath.tanh(x)
        case .hardSigmoid(.keras3): return VectorMath.clamp(x / 6 + 0.5, 0, 1)
        case .hardSigmoid(.keras2): return VectorMath.clamp(0.2 * x + 0.5, 0, 1)
        case .linear: return x
        case .relu:
            var y = x
            y.replace(with: 0, where: y .< 0)
            return y
        default:
            var y = x
            for lane in 0..<16 { y[lane] = self(x[lane]) }
            return y
        }
    }
}
