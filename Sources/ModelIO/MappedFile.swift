import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Files mapped read-only into memory, and handing their pages back once they have been read.
///
/// A big model's weights would otherwise be in memory twice while they load: as the file's
/// pages and as the floats made from them. After a block of a dataset is converted, its pages
/// are dropped (`MADV_DONTNEED` on a private, never-written file mapping only re-reads them
/// from the page cache if touched again), so peak memory stays near the weights' own size.
/// Only ranges inside a mapping registered here are ever released.
enum MappedFile {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var regions: [(start: UInt, count: Int)] = []

    /// The file's bytes, mapped; nil when it cannot be mapped (the caller reads it instead).
    static func map(_ path: String, size: Int) -> Data? {
        #if canImport(Glibc)
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
            let start = UInt(bitPattern: base)
            lock.withLock { regions.append((start, size)) }
            return Data(
                bytesNoCopy: base, count: size,
                deallocator: .custom { pointer, count in
                    lock.withLock { regions.removeAll { $0.start == start } }
                    munmap(pointer, count)
                })
        #else
            return nil
        #endif
    }

    /// Drops the whole pages of `[pointer, pointer + count)` that lie in a registered mapping.
    static func release(_ pointer: UnsafeRawPointer, count: Int) {
        #if canImport(Glibc)
            let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
            let from = UInt(bitPattern: pointer)
            let first = (from + page - 1) / page * page
            let end = (from + UInt(count)) / page * page
            guard end > first else { return }
            lock.withLock {
                guard regions.contains(where: { first >= $0.start && end <= $0.start + UInt($0.count) }) else { return }
                _ = madvise(UnsafeMutableRawPointer(bitPattern: first), Int(end - first), MADV_DONTNEED)
            }
        #endif
    }
}
