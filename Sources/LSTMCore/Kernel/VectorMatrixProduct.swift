/// z += v·M, row by row of M: each z[j] sums v[k]·M[k, j] in k order.
///
/// 16 columns at a time, written out as SIMD because the compiler left the plain loop scalar
/// (GRU and SimpleRNN replay through this, and it was 90% of their time). The multiply and the
/// add stay separate operations (no FMA), so every z[j] rounds exactly as the scalar loop did.
@inline(__always)
func addVectorMatrixProduct(_ v: [Float], _ m: Matrix, into z: inout [Float]) {
    let n = m.columns
    precondition(v.count >= m.rows && z.count >= n)
    m.values.withUnsafeBufferPointer { w in
        z.withUnsafeMutableBufferPointer { out in
            let weights = UnsafeRawPointer(w.baseAddress!), sums = UnsafeMutableRawPointer(out.baseAddress!)
            for k in 0..<m.rows {
                let a = v[k]
                let spread = SIMD16<Float>(repeating: a)
                let row = weights + k * n * 4
                var j = 0
                while j + 16 <= n {
                    let product = spread * row.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
                    let sum = sums.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) + product
                    sums.storeBytes(of: sum, toByteOffset: j * 4, as: SIMD16<Float>.self)
                    j += 16
                }
                while j < n {
                    out[j] += a * w[k * n + j]
                    j += 1
                }
            }
        }
    }
}
