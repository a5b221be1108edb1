/// Sixteen floats: one AVX-512 register, or two AVX2 ones. The unit of work of the fast kernel.
typealias Vec16 = SIMD16<Float>

/// sigmoid and tanh on 16 (or 8) lanes at a time, in float32.
///
/// libm's scalar `expf`/`tanhf` calls dominate a small LSTM step (a 5-unit layer spends most of
/// its time in them), so the kernel uses the 13/6-degree rational approximation of tanh that
/// Eigen (and so TensorFlow's CPU kernels) and onnxruntime's MLAS use: within 3e-7 of the true
/// value (4 ULP near ±1), far below the 1e-5 agreement with Keras that the tests ask. It
/// replaced vectorised Cephes exp-based functions (2 ULP), which took twice the instructions
/// for tanh; the step of a 64-unit layer got 18% faster. σ is computed from e^-|x| instead
/// (see ``sigmoid(_:)``).
///
/// NaN goes in, NaN comes out: clamps are written as compare-and-replace, which leaves NaN
/// alone, so a NaN weight still shows up where it spreads.
enum VectorMath {
    /// Eigen's clamp: beyond about 8.4 the rational function overshoots 1. With FMA it gives
    /// 0.99999976 there, so |x| ≥ 7.905 saturates 2.4e-7 short of ±1.
    private static let tanhClamp: Float = 7.90531110763549805

    /// tanh(x) = x·P(x²)/Q(x²) on [-7.905, 7.905], clamped outside; within 3e-7 of tanh.
    @_transparent
    static func tanh<V: FloatLanes>(_ input: V) -> V {
        let x = clamp(input, -tanhClamp, tanhClamp)
        let x2 = x * x
        var p = V.all(-2.76076847742355e-16)
        p = V.all(2.00018790482477e-13).addingProduct(p, x2)
        p = V.all(-8.60467152213735e-11).addingProduct(p, x2)
        p = V.all(5.12229709037114e-08).addingProduct(p, x2)
        p = V.all(1.48572235717979e-05).addingProduct(p, x2)
        p = V.all(6.37261928875436e-04).addingProduct(p, x2)
        p = V.all(4.89352455891786e-03).addingProduct(p, x2)
        var q = V.all(1.19825839466702e-06)
        q = V.all(1.18534705686654e-04).addingProduct(q, x2)
        q = V.all(2.26843463243900e-03).addingProduct(q, x2)
        q = V.all(4.89352518554385e-03).addingProduct(q, x2)
        return x * p / q
    }

    /// σ(x) = 1 / (1 + e^-x) for x ≥ 0 and e^x / (1 + e^x) below, from one e^-|x|: within
    /// 3 ULP of the true value down to σ ≈ 1.2e-38 (below, 0: float32's normal range ends
    /// there, and TensorFlow flushes such values to zero too), so a gate of 1e-12 is 1e-12.
    ///
    /// It used to be ½ + ½·tanh(x/2) with the rational tanh, whose error is absolute: σ never
    /// fell below 1.2e-7 (and the rational σ of Eigen and MLAS is 1e-4 off, relatively, at
    /// x = -9). A gate that should be 1e-12 then let 1.2e-7 of a huge value through, which
    /// shows when an unbounded activation (linear, exponential) makes values huge; Keras
    /// gives ~0 there.
    @_transparent
    static func sigmoid<V: FloatLanes>(_ x: V) -> V {
        let negative = x .< V.all(0)
        // NaN lanes come out of e^-|x| as anything; the last line puts x (NaN) back.
        let e = expOfNonPositive(x.negativeMagnitude)
        let y = V.all(1).replacing(with: e, where: negative) / (e + V.all(1))
        return y.replacing(with: x, where: x .!= x)
    }

    /// Below this e^x is not a normal float32.
    private static let expLower: Float = -87.3365447505531

    /// e^x for x ≤ 0 (Cephes expf: x = n·ln 2 + r, a polynomial for e^r, 2^n put in the
    /// exponent bits); 0 below -87.34, where float32 runs out of normal numbers.
    @inline(__always)
    static func exp<V: FloatLanes>(_ input: V) -> V {
        // x > 0 is clamped to 0 (the lower end is expOfNonPositive's). A NaN lane would put
        // garbage into the exponent bits; it gets NaN back at the end.
        let x = input.replacing(with: V.all(0), where: (input .> V.all(0)) .| (input .!= input))
        return expOfNonPositive(x).replacing(with: input, where: input .!= input)
    }

    /// e^x for x ≤ 0 without ``exp(_:)``'s care for NaN and x > 0 (a NaN lane gives an
    /// unspecified value): σ, which restores NaN itself and only asks for e^-|x|.
    @inline(__always)
    static func expOfNonPositive<V: FloatLanes>(_ input: V) -> V {
        let x = input.replacing(with: V.all(expLower), where: input .< V.all(expLower))
        // n = round(x / ln 2) by adding 1.5·2²³: the sum's low bits are then n itself, as an
        // integer (Swift's SIMD rounding and conversions compile to a loop per lane).
        let shifted = (x * V.all(1.44269504088896341)) + V.all(12582912)
        let n = shifted - V.all(12582912)
        var r = x.addingProduct(n, V.all(-0.693359375))
        r = r.addingProduct(n, V.all(2.12194440e-4))
        var e = V.all(1.9875691500e-4)
        e = V.all(1.3981999507e-3).addingProduct(e, r)
        e = V.all(8.3334519073e-3).addingProduct(e, r)
        e = V.all(4.1665795894e-2).addingProduct(e, r)
        e = V.all(1.6666665459e-1).addingProduct(e, r)
        e = V.all(5.0000001201e-1).addingProduct(e, r)
        e = (r + V.all(1)).addingProduct(e, r * r)
        let y = e * V.powerOfTwo(shifted: shifted)
        return y.replacing(with: V.all(0), where: input .< V.all(expLower))
    }

    /// Clamp to [lo, hi] that keeps NaN.
    @inline(__always)
    static func clamp<V: FloatLanes>(_ x: V, _ lo: Float, _ hi: Float) -> V {
        let y = x.replacing(with: V.all(lo), where: x .< V.all(lo))
        return y.replacing(with: V.all(hi), where: y .> V.all(hi))
    }
}

extension Activation {
    /// The activation on a vector's lanes: vectorised for the ones LSTMs use, lane by lane for the rest.
    @inline(__always)
    func callAsFunction<V: FloatLanes>(_ x: V) -> V {
        switch self {
        case .sigmoid: return VectorMath.sigmoid(x)
        case .tanh: return VectorMath.tanh(x)
        case .hardSigmoid(.keras3): return VectorMath.clamp(x / V.all(6) + V.all(0.5), 0, 1)
        case .hardSigmoid(.keras2): return VectorMath.clamp(V.all(0.2) * x + V.all(0.5), 0, 1)
        case .linear: return x
        case .relu: return x.replacing(with: V.all(0), where: x .< V.all(0))
        default:
            var y = x
            for lane in 0..<V.scalarCount { y[lane] = self(x[lane]) }
            return y
        }
    }
}
