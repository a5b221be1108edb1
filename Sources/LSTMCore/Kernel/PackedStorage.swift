#if canImport(Glibc)
    import Glibc
#endif

/// The memory behind a ``PanelMatrix``: zeroed floats, 64-byte aligned, and for a big U on
/// 2 MB pages where the system allows it.
///
/// A step of a 1024-unit layer streams 16 MB of U. On 4 KB pages that is 4,096 pages a step,
/// more than the second-level TLB holds, and the hardware prefetcher stops at every page edge.
/// Transparent huge pages are commonly set to `madvise`, so they have to be asked for. Only U
/// gets them: a fresh process pays for them when they are first touched (the explorer's first
/// frame on a 1024-unit model took ~25 ms longer with W's 16 MB on them too), and W is read
/// once per 64 steps in slices that stay in L2, where the page size does not matter.
final class PackedStorage: @unchecked Sendable {
    /// Immutable after `init` fills it; only read from then on, by any number of threads.
    let pointer: UnsafeMutablePointer<Float>
    /// The mapping's length, for munmap (unused when the memory is an ordinary allocation).
    private let bytes: Int
    private let mapped: Bool

    /// Matrices from this size up are mapped on their own, 2 MB aligned, and advised to use huge pages.
    static let hugePageThreshold = 2 << 20
    private static let hugePage = 2 << 20

    /// `hugePages`: map it on 2 MB pages when it is at least `hugePageThreshold` bytes.
    init(count: Int, hugePages: Bool) {
        let wanted = max(1, count) * MemoryLayout<Float>.stride
        #if os(Linux)
            if hugePages, wanted >= Self.hugePageThreshold, let region = Self.mapHuge(wanted) {
                pointer = region.pointer
                bytes = region.bytes
                mapped = true
                return
            }
        #endif
        bytes = wanted
        mapped = false
        let raw = UnsafeMutableRawPointer.allocate(byteCount: wanted, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: wanted)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
    }

    deinit {
        #if os(Linux)
            if mapped {
                munmap(pointer, bytes)
                return
            }
        #endif
        UnsafeMutableRawPointer(pointer).deallocate()
    }

    #if os(Linux)
        /// Anonymous memory (zeroed by the kernel) rounded to whole 2 MB pages, with MADV_HUGEPAGE.
        /// The advice is only a hint: without huge pages this is ordinary memory.
        private static func mapHuge(_ wanted: Int) -> (pointer: UnsafeMutablePointer<Float>, bytes: Int)? {
            let bytes = (wanted + hugePage - 1) / hugePage * hugePage
            // Over-map by one huge page so that an aligned start can be carved out of it.
            let span = bytes + hugePage
            guard let base = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                base != MAP_FAILED
            else { return nil }
            let start = (Int(bitPattern: base) + hugePage - 1) / hugePage * hugePage
            let head = start - Int(bitPattern: base)
            if head > 0 { munmap(base, head) }
            let tail = span - head - bytes
            if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: start + bytes), tail) }
            let region = UnsafeMutableRawPointer(bitPattern: start)!
            _ = madvise(region, bytes, 14)  // MADV_HUGEPAGE; Glibc does not export the constant
            return (region.bindMemory(to: Float.self, capacity: wanted / MemoryLayout<Float>.stride), bytes)
        }
    #endif
}
