#if canImport(Glibc)
    import Glibc
#endif

/// Tells glibc's malloc to keep freed memory for reuse.
///
/// A trace is a few large arrays that live for one run and are made again on every what-if
/// edit in the explorer. By default glibc returns them to the kernel on free and the next run
/// faults every page in again, which was a third of a small model's trace time. Swift does not
/// import `mallopt` (malloc.h is outside the Glibc module), so it is looked up by name.
enum MemoryTuning {
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    private static let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
    private static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD

    static func keepFreedMemory() {
        #if canImport(Glibc)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(mmapThreshold, 256 << 20)
            _ = mallopt(trimThreshold, 512 << 20)
        #endif
    }
}
