/// An inline copy of a few floats (a step's vector, a row of x, the bias): six `memmove` calls a
/// step cost a 5-unit layer's trace a third of its time. The tail goes in 8, 4, 2 and 1 lanes, without a loop the
/// compiler would turn back into a call.
@inline(__always)
func copyFloats(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count n: Int) {
    let s = UnsafeRawPointer(source), d = UnsafeMutableRawPointer(destination)
    var j = 0
    while j + 16 <= n {
        d.storeBytes(
            of: s.loadUnaligned(fromByteOffset: 4 * j, as: SIMD16<Float>.self), toByteOffset: 4 * j,
            as: SIMD16<Float>.self)
        j += 16
    }
    if n - j >= 8 {
        d.storeBytes(
            of: s.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self), toByteOffset: 4 * j,
            as: SIMD8<Float>.self)
        j += 8
    }
    if n - j >= 4 {
        d.storeBytes(
            of: s.loadUnaligned(fromByteOffset: 4 * j, as: SIMD4<Float>.self), toByteOffset: 4 * j,
            as: SIMD4<Float>.self)
        j += 4
    }
    if n - j >= 2 {
        d.storeBytes(
            of: s.loadUnaligned(fromByteOffset: 4 * j, as: SIMD2<Float>.self), toByteOffset: 4 * j,
            as: SIMD2<Float>.self)
        j += 2
    }
    if n - j >= 1 { destination[j] = source[j] }
}
