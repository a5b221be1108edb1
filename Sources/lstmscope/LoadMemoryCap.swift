#if canImport(Glibc)
    import Glibc
#endif

/// Caps the address space while a model is read, so a damaged file cannot make a C library
/// allocate gigabytes.
///
/// Fuzzing found HDF5 files whose damaged variable-length strings make libhdf5 1.10 ask for
/// 4 GB while it converts an attribute, inside the library where no check of ours can look at
/// the size first (`Tests/Fixtures/bad/hdf5_vlen_4gb.h5`): the process then touched 1.6 GB
/// before the watchdog ended it. With the soft `RLIMIT_AS` set, such an allocation fails,
/// libhdf5 reports an error, and the load ends with one clear line. The cap is what the process
/// maps already plus 2 GiB plus 8 times the file, far above what reading any model needs
/// (the weights, once as the file's bytes and once as floats), and is lifted when the read ends.
enum LoadMemoryCap {
    /// Runs `body` (which reads a file of `fileSize` bytes) under the cap.
    static func reading<T, E: Error>(fileSize: Int, _ body: () throws(E) -> T) throws(E) -> T {
        #if canImport(Glibc)
            var previous = rlimit()
            guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &previous) == 0, let mapped = mappedBytes()
            else { return try body() }
            let (scaled, overflow) = fileSize.multipliedReportingOverflow(by: 8)
            guard !overflow else { return try body() }
            let cap = rlim_t(mapped) + rlim_t(2 << 30) + rlim_t(scaled)
            guard cap < previous.rlim_cur, cap <= previous.rlim_max else { return try body() }
            var capped = previous
            capped.rlim_cur = cap
            guard setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &capped) == 0 else { return try body() }
            defer { _ = setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &previous) }
        #endif
        return try body()
    }

    /// The process's mapped address space now, from `/proc/self/statm` (its first field, in pages).
    private static func mappedBytes() -> Int? {
        #if canImport(Glibc)
            guard let file = fopen("/proc/self/statm", "r") else { return nil }
            defer { fclose(file) }
            var pages = 0
            guard fscanf_pages(file, &pages) else { return nil }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
            return nil
        #endif
    }

    #if canImport(Glibc)
        private static func fscanf_pages(_ file: UnsafeMutablePointer<FILE>, _ pages: inout Int) -> Bool {
            var buffer = [CChar](repeating: 0, count: 64)
            guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard let first = text.split(separator: " ").first, let value = Int(first) else { return false }
            pages = value
            return true
        }
    #endif
}
