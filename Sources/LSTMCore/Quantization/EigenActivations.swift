/// tanh and the logistic function as TFLite's CPU kernels compute them: Eigen's float
/// approximations (`ptanh_float` and `scalar_logistic_op`, the x86 build without FMA), one
/// rounding per operation. They are within 1–3 ulp of the exact functions, which matters only
/// where the result is quantized again: a hybrid layer's h is requantized to int8 next step,
/// and one ulp can move an int8 code (measured: about 1 window in 1,000 then differs by up to
/// 7e-3 from the interpreter). Constants as the TF 2.21 wheel's binary holds them.
public enum EigenActivations {
    /// Eigen's `ptanh_float`: a 13/6-degree rational approximation on [−7.9, 7.9].
    public static func tanh(_ a: Float) -> Float {
        let clamp = Float(bitPattern: 0x40FD_0956)
        let x = max(min(a, clamp), -clamp)
        let x2 = x * x, x3 = x2 * x
        var p = alpha[0]
        for c in alpha.dropFirst() { p = p * x2 + c }
        var q = beta[0]
        for c in beta.dropFirst() { q = q * x2 + c }
        q = q * x2 + 1
        let numerator = x3 * p + x
        return numerator / q
    }

    /// ptanh_float's numerator and denominator coefficients, highest power first (made once:
    /// tanh runs for every gate value of every step).
    private static let alpha = [0x326F_951E, 0x37B0_63DC, 0x3B66_BC7F, 0x3E09_3CF6].map(Float.init(bitPattern:))
    private static let beta = [0x3557_2C00, 0x39AE_6D96, 0x3CD4_C460, 0x3EEF_4922].map(Float.init(bitPattern:))

    /// Eigen's `scalar_logistic_op` packet form: e = exp(x/2)² by a range-reduced polynomial,
    /// then e / (1 + e).
    public static func logistic(_ a: Float) -> Float {
        guard !a.isNaN else { return a }
        guard a >= -104 else { return 0 }
        var x = min(a, Float(bitPattern: 0x4185_1592))
        x = x * 0.5
        let m = (x * Float(bitPattern: 0x3FB8_AA3B) + 0.5).rounded(.down)
        var r = m * -0.693359375 + x
        r = m * Float(bitPattern: 0x395E_8083) + r
        let r2 = r * r
        let p2 = Float(bitPattern: 0x3EFF_FEE0), p3 = Float(bitPattern: 0x3E2A_AB38)
        let p4 = Float(bitPattern: 0x3D2B_9DF0), p5 = Float(bitPattern: 0x3C08_8E52)
        let even = r2 * p4 + p2, odd = r2 * p5 + p3, linear = r + 1
        var p = r * odd + even
        p = r2 * p + linear
        // m is within [−76, 12] here (a is in [−104, 16.6]): the conversion cannot trap.
        let exponent = Int32(max(0, min(255, m + 127)))
        var e = p * Float(bitPattern: UInt32(exponent) << 23)
        e = e * e
        return e / (1 + e)
    }

    /// `activation` as TFLite computes it: tanh and sigmoid by Eigen's approximations, the rest exactly.
    public static func apply(_ activation: Activation, _ x: Float) -> Float {
        switch activation {
        case .tanh: tanh(x)
        case .sigmoid: logistic(x)
        default: activation(x)
        }
    }
}
