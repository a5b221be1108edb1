/// The vector × int8 matrix product of TFLite's hybrid kernels (`lstm_eval.cc`,
/// `fully_connected.cc` with `tensor_utils` in `portable_tensor_utils.cc`): x is quantized to
/// int8 on the spot, multiplied in int32, and scaled back by x's scale times each column's.
/// A zero x adds nothing (the kernels skip the product then).
public func addHybridProduct(
    _ x: [Float], _ weights: Int8Matrix, inputs: InputQuantization, into z: inout [Float]
) {
    precondition(x.count == weights.rows && z.count == weights.columns)
    guard x.contains(where: { $0 != 0 }) else { return }
    // TFLite's int8 conversion of an inf or NaN is undefined (x86 gives −2^31): lstmscope says
    // NaN instead, as the float layers do, and the report names where it first appears.
    guard let (q, scale, offset) = quantize(x, inputs) else {
        for c in 0..<z.count { z[c] = .nan }
        return
    }
    let sums = offset == 0 ? [] : weights.columnSums
    let columns = weights.columns
    var dot = [Int32](repeating: 0, count: columns)
    weights.values.withUnsafeBufferPointer { w in
        for r in 0..<weights.rows {
            let qr = Int32(q[r])
            guard qr != 0 else { continue }
            let row = r * columns
            for c in 0..<columns { dot[c] &+= Int32(w[row + c]) &* qr }
        }
    }
    for c in 0..<columns {
        let corrected = offset == 0 ? dot[c] : dot[c] &- sums[c] &* offset
        z[c] += Float(corrected) * (scale * weights.scales[c])
    }
}

/// x as int8, its scale and its zero point, as TFLite's x86 build quantizes (its NEON code
/// through NEON_2_SSE: `NeonSymmetricQuantizeFloats`, `NeonAsymmetricQuantizeFloats`). Whole
/// groups of 8 round as trunc(y ± 0.5) in float, the rest half away from zero (they differ only
/// at |y| = 0.49999997); the asymmetric scale is (max − min) in float over 255 in double.
/// Nil when x holds an inf or NaN, or its range overflows float (no int8 form exists then).
func quantize(_ x: [Float], _ mode: InputQuantization) -> (q: [Int8], scale: Float, offset: Int32)? {
    guard x.allSatisfy(\.isFinite) else { return nil }
    var low: Float = 0, high: Float = 0
    if let first = x.first { (low, high) = (first, first) }
    for v in x {
        low = min(low, v)
        high = max(high, v)
    }
    let grouped = x.count & ~7
    func rounded(_ y: Float, _ k: Int) -> Float {
        k < grouped ? (y + (y < 0 ? -0.5 : 0.5)).rounded(.towardZero) : y.rounded(.toNearestOrAwayFromZero)
    }
    switch mode {
    case .symmetric:
        let range = max(abs(low), abs(high))
        guard range != 0 else { return ([Int8](repeating: 0, count: x.count), 1, 0) }
        let inverse = 127 / range
        guard inverse.isFinite else { return nil }
        let q = x.indices.map { k in Int8(max(-127, min(127, rounded(x[k] * inverse, k)))) }
        return (q, range / 127, 0)
    case .asymmetric:
        let rmin = min(low, 0), rmax = max(high, 0)
        guard rmin != rmax else { return ([Int8](repeating: 0, count: x.count), 1, 0) }
        guard (rmax - rmin).isFinite else { return nil }
        let qmin = -128.0, qmax = 127.0
        let scale = Double(rmax - rmin) / (qmax - qmin)
        guard scale > 0 else { return nil }
        let fromMin = qmin - Double(rmin) / scale, fromMax = qmax - Double(rmax) / scale
        let errorMin = abs(qmin) + abs(Double(rmin) / scale), errorMax = abs(qmax) + abs(Double(rmax) / scale)
        let zero = errorMin < errorMax ? fromMin : fromMax
        let nudged: Int32 = zero <= qmin ? -128 : zero >= qmax ? 127 : Int32(zero.rounded(.toNearestOrAwayFromZero))
        let factor = Float(scale)
        let inverse = 1 / factor
        guard factor > 0, inverse.isFinite else { return nil }
        let q = x.indices.map { k in Int8(max(-128, min(127, rounded(x[k] * inverse, k) + Float(nudged)))) }
        return (q, factor, nudged)
    }
}
