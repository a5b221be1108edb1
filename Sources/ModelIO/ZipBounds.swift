import Foundation

/// Checks that every offset and size in a zip's directory points inside the archive, before
/// ZIPFoundation reads it.
///
/// ZIPFoundation 0.9.20 reads in-memory archives through a `FILE*` whose read callback traps
/// when a seek has gone past the end (`data.count - offset` goes negative), and a damaged
/// directory can send it there: fuzzing found such a file (Tests/Fixtures/bad/
/// zip_offset_past_end.npz). This walk over the end record, the central directory and each
/// local header refuses those archives with a clear error instead.
enum ZipBounds {
    static func check(_ data: Data, path: String) throws(LoadError) {
        if let problem = data.withUnsafeBytes({ firstProblem(in: $0) }) {
            throw LoadError(path, .notAnArchive, "damaged or truncated zip archive: \(problem)")
        }
    }

    private static func firstProblem(in bytes: UnsafeRawBufferPointer) -> String? {
        let count = bytes.count
        func read(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, size <= 8, offset <= count - size else { return nil }
            var value = 0
            for i in 0..<size { value |= Int(bytes[offset + i]) << (8 * i) }
            return value
        }
        // End of central directory: the last record with its signature, within 64 KB of the end.
        guard count >= 22,
              let end = stride(from: count - 22, through: max(0, count - 22 - 65_535), by: -1).first(where: { read($0, 4) == 0x0605_4B50 })
        else { return "no end-of-directory record" }
        guard var entries = read(end + 10, 2), var directorySize = read(end + 12, 4), var directory = read(end + 16, 4) else {
            return "truncated end-of-directory record"
        }
        if entries == 0xFFFF || directorySize == 0xFFFF_FFFF || directory == 0xFFFF_FFFF {
            // Zip64: the locator just before the end record points at the zip64 end record.
            guard read(end - 20, 4) == 0x0706_4B50, let record = read(end - 12, 8), read(record, 4) == 0x0606_4B50,
                  let e = read(record + 32, 8), let s = read(record + 40, 8), let o = read(record + 48, 8)
            else { return "zip64 end record missing or outside the file" }
            (entries, directorySize, directory) = (e, s, o)
        }
        guard directory <= count, directorySize <= count - directory else {
            return "central directory at \(directory) (+\(directorySize) bytes) lies outside the \(count)-byte file"
        }
        var at = directory
        for _ in 0..<entries {
            guard read(at, 4) == 0x0201_4B50, var compressed = read(at + 20, 4), let nameLength = read(at + 28, 2),
                  let extraLength = read(at + 30, 2), let commentLength = read(at + 32, 2), var local = read(at + 42, 4),
                  at + 46 + nameLength + extraLength + commentLength <= directory + directorySize
            else { return "central directory entry at \(at) is damaged" }
            if compressed == 0xFFFF_FFFF || local == 0xFFFF_FFFF {
                guard let z = zip64Fields(bytes, extra: at + 46 + nameLength, length: extraLength, read: read,
                                          uncompressed: read(at + 24, 4) == 0xFFFF_FFFF, compressed: compressed == 0xFFFF_FFFF,
                                          offset: local == 0xFFFF_FFFF)
                else { return "zip64 sizes of the entry at \(at) are missing" }
                compressed = z.compressed ?? compressed
                local = z.offset ?? local
            }
            guard read(local, 4) == 0x0403_4B50, let localName = read(local + 26, 2), let localExtra = read(local + 28, 2) else {
                return "an entry's local header at \(local) is missing or outside the file"
            }
            let start = local + 30 + localName + localExtra
            guard start <= count, compressed <= count - start else {
                return "an entry's data at \(start) (+\(compressed) bytes) runs past the end of the file"
            }
            at += 46 + nameLength + extraLength + commentLength
        }
        return nil
    }

    /// The 8-byte values of a zip64 extra field (id 1), present in this order when their
    /// 4-byte fields are 0xFFFFFFFF.
    private static func zip64Fields(_ bytes: UnsafeRawBufferPointer, extra: Int, length: Int, read: (Int, Int) -> Int?,
                                    uncompressed: Bool, compressed: Bool, offset: Bool) -> (compressed: Int?, offset: Int?)? {
        var at = extra
        while at + 4 <= extra + length {
            guard let id = read(at, 2), let size = read(at + 2, 2) else { return nil }
            if id == 1 {
                var field = at + 4
                if uncompressed { field += 8 }
                var c: Int?
                if compressed { c = read(field, 8); field += 8; if c == nil { return nil } }
                var o: Int?
                if offset { o = read(field, 8); if o == nil { return nil } }
                return (c, o)
            }
            at += 4 + size
        }
        return nil
    }
}
