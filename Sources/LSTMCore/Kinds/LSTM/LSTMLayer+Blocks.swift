extension LSTMLayer {
    public static func inputBlockSteps(forRun steps: Int) -> Int { LSTMKernel.blockSteps(forRun: steps) }
}

extension Array where Element == Float {
    /// `n` arrays of `count` floats that `fill` must write completely, without zeroing them first
    /// (a full trace is the largest thing lstmscope allocates).
    static func uninitialized(_ n: Int, count: Int, _ fill: ([UnsafeMutablePointer<Float>]) -> Void) -> [[Float]] {
        guard n > 0 else {
            fill([])
            return []
        }
        var rest: [[Float]] = []
        let first = [Float](unsafeUninitializedCapacity: Swift.max(count, 1)) { buffer, initialized in
            rest = uninitialized(n - 1, count: count) { fill([buffer.baseAddress!] + $0) }
            initialized = count
        }
        return [first] + rest
    }
}
