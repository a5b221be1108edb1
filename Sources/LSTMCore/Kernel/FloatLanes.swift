/// Float vectors the kernels' vector math runs on: 16 lanes for groups of 16 units, 8 for the
/// last units of a layer whose count leaves 8 or fewer after its groups of 16 (a layer of 5 or
/// 8 units would otherwise compute every activation on twice the lanes it has).
///
/// The arithmetic is listed as requirements so that generic code reaches each width's own
/// vector instructions: the `SIMD` protocol's generic operators are lane-by-lane loops, which
/// a generic function would otherwise call (a step of 64 units ran 10× slower that way). Lane by
/// lane every width gives the same bits.
protocol FloatLanes: SIMD where Scalar == Float, MaskStorage.Scalar == Int32 {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static func .< (a: Self, b: Self) -> SIMDMask<MaskStorage>
    static func .> (a: Self, b: Self) -> SIMDMask<MaskStorage>
    static func .!= (a: Self, b: Self) -> SIMDMask<MaskStorage>
    func addingProduct(_ a: Self, _ b: Self) -> Self
    func replacing(with other: Self, where mask: SIMDMask<MaskStorage>) -> Self
    /// 2ⁿ for lanes holding n + 1.5·2²³ (n a small integer): n moved into a float's exponent bits.
    static func powerOfTwo(shifted: Self) -> Self
    /// -|x| lane by lane: the sign bit set (one OR, where 0 − x and a select took two dependent steps).
    var negativeMagnitude: Self { get }
}

extension SIMD16: FloatLanes where Scalar == Float {
    @inline(__always)
    static func powerOfTwo(shifted: Self) -> Self {
        unsafeBitCast((unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23, to: Self.self)
    }

    @inline(__always)
    var negativeMagnitude: Self {
        unsafeBitCast(unsafeBitCast(self, to: SIMD16<UInt32>.self) | 0x8000_0000, to: Self.self)
    }
}

extension SIMD8: FloatLanes where Scalar == Float {
    @inline(__always)
    static func powerOfTwo(shifted: Self) -> Self {
        unsafeBitCast((unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23, to: Self.self)
    }

    @inline(__always)
    var negativeMagnitude: Self {
        unsafeBitCast(unsafeBitCast(self, to: SIMD8<UInt32>.self) | 0x8000_0000, to: Self.self)
    }
}

extension FloatLanes {
    /// Every lane `value`.
    @inline(__always)
    static func all(_ value: Float) -> Self { Self(repeating: value) }

    /// The lanes at `p + offset`, unaligned.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ offset: Int) -> Self {
        UnsafeRawPointer(p + offset).loadUnaligned(as: Self.self)
    }

    /// Stores the lanes at `p + offset`, unaligned.
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, _ offset: Int) {
        UnsafeMutableRawPointer(p + offset).storeBytes(of: self, as: Self.self)
    }
}
