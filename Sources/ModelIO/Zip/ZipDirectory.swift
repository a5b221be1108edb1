import Foundation

/// A zip archive's central directory, read and checked before ZIPFoundation touches the bytes.
///
/// The central directory is what every zip tool reads (Python's `zipfile`, which Keras and NumPy
/// use, among them), so it is the only account of the entries lstmscope trusts. Each entry's
/// local header must agree with it (name, method, and CRC and sizes unless a data descriptor
/// carries them); two entries with one name, or offsets and sizes outside the file, are refused.
/// Bytes hidden between entries that the directory does not list are never read.
///
/// It also keeps ZIPFoundation 0.9.20 safe: its in-memory reader traps when a seek goes past the
/// end, which a damaged directory can cause (fuzzing found `Tests/Fixtures/bad/zip_offset_past_end.npz`).
struct ZipDirectory {
    /// One entry as the central directory describes it.
    struct Entry {
        /// The name, as raw bytes decoded as UTF-8 (with replacement characters for other bytes).
        var name: String
        /// 0 stored, 8 deflated.
        var method: Int
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        /// Where the entry's data begins in the archive (after its local header).
        var dataOffset: Int
    }

    /// Entries in directory order.
    let entries: [Entry]

    /// Reads and checks the directory of `data`; throws a ``LoadError`` naming `path`.
    init(_ data: Data, path: String) throws(LoadError) {
        let result = data.withUnsafeBytes { ZipDirectory.read($0) }
        switch result {
        case .success(let entries): self.entries = entries
        case .failure(let problem):
            throw LoadError(path, .notAnArchive, "damaged or truncated zip archive: \(problem.text)")
        }
    }

    /// The entries when `data` ends with a zip directory that reads cleanly (used to spot a file that is at
    /// once another format and a zip).
    static func readableEntries(_ data: Data) -> [Entry]? {
        guard case .success(let entries) = data.withUnsafeBytes({ read($0) }), !entries.isEmpty else { return nil }
        return entries
    }

    private struct Problem: Error { var text: String }

    private static func read(_ bytes: UnsafeRawBufferPointer) -> Result<[Entry], Problem> {
        let count = bytes.count
        func field(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, size <= 8, offset <= count - size else { return nil }
            var value = 0
            for i in 0..<size { value |= Int(bytes[offset + i]) << (8 * i) }
            return value
        }
        func fail(_ text: String) -> Result<[Entry], Problem> { .failure(Problem(text: text)) }
        // End of central directory: the last record with its signature, within 64 KB of the end.
        guard count >= 22,
            let end = stride(from: count - 22, through: max(0, count - 22 - 65_535), by: -1)
                .first(where: { field($0, 4) == 0x0605_4B50 })
        else { return fail("no end-of-directory record") }
        guard var entryCount = field(end + 10, 2), var directorySize = field(end + 12, 4),
            var directory = field(end + 16, 4)
        else {
            return fail("truncated end-of-directory record")
        }
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directory == 0xFFFF_FFFF {
            // Zip64: the locator just before the end record points at the zip64 end record.
            guard field(end - 20, 4) == 0x0706_4B50, let record = field(end - 12, 8), field(record, 4) == 0x0606_4B50,
                let e = field(record + 32, 8), let s = field(record + 40, 8), let o = field(record + 48, 8)
            else { return fail("zip64 end record missing or outside the file") }
            (entryCount, directorySize, directory) = (e, s, o)
        }
        guard directory >= 0, directorySize >= 0, directory <= count, directorySize <= count - directory else {
            return fail(
                "central directory at \(directory) (+\(directorySize) bytes) "
                    + "lies outside the \(count)-byte file")
        }
        // Each directory record is at least 46 bytes: a count beyond that is a lie.
        guard entryCount <= directorySize / 46 + 1 else {
            return fail("the directory claims \(entryCount) entries in \(directorySize) bytes")
        }
        var entries: [Entry] = []
        var names: Set<[UInt8]> = []
        var at = directory
        for _ in 0..<entryCount {
            guard field(at, 4) == 0x0201_4B50, let flags = field(at + 8, 2), let method = field(at + 10, 2),
                let crc = field(at + 16, 4), var compressed = field(at + 20, 4), var uncompressed = field(at + 24, 4),
                let nameLength = field(at + 28, 2), let extraLength = field(at + 30, 2),
                let commentLength = field(at + 32, 2), var local = field(at + 42, 4),
                at + 46 + nameLength + extraLength + commentLength <= directory + directorySize
            else { return fail("central directory entry at \(at) is damaged") }
            let name = Array(UnsafeRawBufferPointer(rebasing: bytes[(at + 46)..<(at + 46 + nameLength)]))
            let shown = String(decoding: name, as: UTF8.self)
            guard names.insert(name).inserted else {
                return fail("two entries are named \(shown) (ambiguous: tools disagree on which one is read)")
            }
            if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || local == 0xFFFF_FFFF {
                guard
                    let z = zip64Fields(
                        extra: at + 46 + nameLength, length: extraLength, read: field,
                        uncompressed: uncompressed == 0xFFFF_FFFF,
                        compressed: compressed == 0xFFFF_FFFF, offset: local == 0xFFFF_FFFF)
                else { return fail("zip64 sizes of the entry \(shown) are missing") }
                (uncompressed, compressed, local) = (
                    z.uncompressed ?? uncompressed, z.compressed ?? compressed,
                    z.offset ?? local
                )
            }
            guard field(local, 4) == 0x0403_4B50, let localFlags = field(local + 6, 2),
                let localMethod = field(local + 8, 2), let localCRC = field(local + 14, 4),
                let localCompressed = field(local + 18, 4), let localUncompressed = field(local + 22, 4),
                let localName = field(local + 26, 2), let localExtra = field(local + 28, 2),
                local + 30 + localName <= count
            else { return fail("the local header of \(shown) at \(local) is missing or outside the file") }
            let nameHere = UnsafeRawBufferPointer(rebasing: bytes[(local + 30)..<(local + 30 + localName)])
            guard nameHere.elementsEqual(name) else {
                return fail(
                    "the local header of \(shown) names \(String(decoding: nameHere, as: UTF8.self)) "
                        + "(the local headers disagree with the central directory)")
            }
            guard localMethod == method, localFlags & 0x8 == flags & 0x8 else {
                return fail("the local header of \(shown) disagrees with the central directory on how it is stored")
            }
            // With a data descriptor (flag bit 3) the local header's CRC and sizes are zero.
            if flags & 0x8 == 0 {
                let sizesAgree =
                    (localCompressed == 0xFFFF_FFFF || localCompressed == compressed)
                    && (localUncompressed == 0xFFFF_FFFF || localUncompressed == uncompressed)
                guard localCRC == crc, sizesAgree else {
                    return fail("the local header of \(shown) disagrees with the central directory on its CRC or size")
                }
            }
            let start = local + 30 + localName + localExtra
            guard uncompressed >= 0, compressed >= 0, start <= count, compressed <= count - start else {
                return fail("the data of \(shown) at \(start) (+\(compressed) bytes) runs past the end of the file")
            }
            entries.append(
                Entry(
                    name: shown, method: method, crc32: UInt32(crc), compressedSize: compressed,
                    uncompressedSize: uncompressed, dataOffset: start))
            at += 46 + nameLength + extraLength + commentLength
        }
        return .success(entries)
    }

    /// The 8-byte values of a zip64 extra field (id 1), present in this order when their
    /// 4-byte fields are 0xFFFFFFFF.
    private static func zip64Fields(
        extra: Int, length: Int, read: (Int, Int) -> Int?, uncompressed: Bool,
        compressed: Bool,
        offset: Bool
    ) -> (uncompressed: Int?, compressed: Int?, offset: Int?)? {
        var at = extra
        while at + 4 <= extra + length {
            guard let id = read(at, 2), let size = read(at + 2, 2) else { return nil }
            if id == 1 {
                var field = at + 4
                var values: [Int?] = []
                for present in [uncompressed, compressed, offset] {
                    guard present else { values.append(nil); continue }
                    guard let value = read(field, 8) else { return nil }
                    values.append(value)
                    field += 8
                }
                return (values[0], values[1], values[2])
            }
            at += 4 + size
        }
        return nil
    }
}
