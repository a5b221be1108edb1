/// Sixteen floats: one AVX-512 register, or two AVX2 ones. The unit of work of the fast kernel.
typealias Vec16 = SIMD16<Float>

/// exp, sigmoid and tanh on 16 lanes at a time, in float32.
///
/// libm's scalar `expf`/`tanhf` calls dominate a small LSTM step (a 5-unit layer spends most of
/// its time in them), so the kernel uses the Cephes float polynomials, vectorised. They are
/// within 2 ULP of libm over the whole range, far below the 1e-5 agreement with Keras that the
/// tests ask (TensorFlow itself uses Eigen's polynomial approximations here).
///
/// NaN goes in, NaN comes out: clamps are written as compare-and-replace, which leaves NaN
/// alone, so a NaN weight still shows up where it spreads.
enum VectorMath {
    private static let log2e: Float = 1.44269504088896341
    private static let ln2Hi: Float = 0.693359375
    private static let ln2Lo: Float = -2.12194440e-4
    /// Adding 1.5·2²³ rounds a float in ±2²² to an integer held in the low mantissa bits.
    private static let roundingMagic: Float = 12582912

    /// e^x, exact to ~1 ULP for x in [-87, 88]; clamped outside (e^-87 ≈ 1.6e-38, e^88 ≈ 1.7e38).
    @inline(__always)
    static func exp(_ input: Vec16) -> Vec16 {
        var x = input
        x.replace(with: 88, where: x .> 88)
        x.replace(with: -87, where: x .< -87)
        let shifted = x * log2e + roundingMagic
        let n = shifted - roundingMagic
        let r = x - n * ln2Hi - n * ln2Lo
        var p: Vec16 = .init(repeating: 1.9875691500e-4)
        p = Vec16(repeating: 1.3981999507e-3).addingProduct(p, r)
        p = Vec16(repeating: 8.3334519073e-3).addingProduct(p, r)
        p = Vec16(repeating: 4.1665795894e-2).addingProduct(p, r)
        p = Vec16(repeating: 1.6666665459e-1).addingProduct(p, r)
        p = Vec16(repeating: 5.0000001201e-1).addingProduct(p, r)
        p = p * (r * r) + r + 1
        // 2^n from the integer n sitting in the low bits of `shifted`.
        let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(Vec16(repeating: roundingMagic), to: SIMD16<Int32>.self)
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: Vec16.self)
        return p * scale
    }

    /// σ(x) = 1 / (1 + e^-x).
    @inline(__always)
    static func sigmoid(_ x: Vec16) -> Vec16 {
        1 / (1 + exp(-x))
    }

    /// tanh(x): an odd polynomial near zero, 1 - 2/(e^2x + 1) elsewhere (Cephes `tanhf`).
    @inline(__always)
    static func tanh(_ x: Vec16) -> Vec16 {
        let ax = x.replacing(with: -x, where: x .< 0)
        let x2 = x * x
        var p: Vec16 = .init(repeating: -5.70498872745e-3)
        p = Vec16(repeating: 2.06390887954e-2).addingProduct(p, x2)
        p = Vec16(repeating: -5.37397155531e-2).addingProduct(p, x2)
        p = Vec16(repeating: 1.33314422036e-1).addingProduct(p, x2)
        p = Vec16(repeating: -3.33332819422e-1).addingProduct(p, x2)
        let small = p * x2 * x + x
        let big = 1 - 2 / (exp(2 * ax) + 1)
        var result = big
        result.replace(with: -big, where: x .< 0)
        result.replace(with: small, where: ax .< 0.625)
        return result
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
