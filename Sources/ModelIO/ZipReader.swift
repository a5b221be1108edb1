import CZlibCRC
import Foundation
import ZIPFoundation

/// Reads entries of a zip archive held in memory (`.keras`, `.npz`), never extracting to disk.
///
/// Every entry's declared size is checked against a bound before it is inflated, and inflation
/// stops as soon as the output passes the declared size, so a zip bomb costs nothing.
struct ZipReader {
    private let archive: Archive
    private let data: Data
    /// The file, for messages.
    let path: String
    /// Largest total of uncompressed bytes we will inflate from one archive.
    static let maximumUncompressedSize = 4 << 30
    /// Largest plausible compression ratio for numeric data; beyond it an entry is a bomb.
    static let maximumRatio = 2000

    /// Opens the archive; throws a ``LoadError`` when the bytes are not a readable zip.
    init(data: Data, path: String) throws(LoadError) {
        self.path = path
        self.data = data
        guard data.count >= 22, data.prefix(2) == Data([0x50, 0x4B]) else {
            throw LoadError(path, .notAnArchive, "not a zip archive")
        }
        try ZipBounds.check(data, path: path)
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw LoadError(path, .notAnArchive, "damaged or truncated zip archive (its central directory cannot be read)")
        }
        var total = 0
        for entry in archive {
            let declared = Int(clamping: entry.uncompressedSize)
            let compressed = max(Int(clamping: entry.compressedSize), 1)
            total += declared
            if declared / compressed > ZipReader.maximumRatio && declared > 1 << 20 {
                throw LoadError(path, .tooLarge, "archive entry \(entry.path) claims \(declared) bytes from \(compressed) compressed (a zip bomb?)")
            }
            if total > ZipReader.maximumUncompressedSize {
                throw LoadError(path, .tooLarge, "the archive claims more than \(ZipReader.maximumUncompressedSize) bytes uncompressed")
            }
        }
    }

    /// Names of the file entries, in archive order.
    var entryNames: [String] { archive.filter { $0.type == .file }.map(\.path) }

    /// The bytes of entry `name`, or nil when the archive has no such entry.
    func read(_ name: String) throws(LoadError) -> Data? {
        guard let entry = archive[name] else { return nil }
        if let inPlace = storedInPlace(entry) { return inPlace }
        let declared = Int(clamping: entry.uncompressedSize)
        var out = Data()
        out.reserveCapacity(min(declared, 1 << 26))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard out.count + chunk.count <= declared else { throw ZipReaderOverflow() }
                out.append(chunk)
            }
        } catch is ZipReaderOverflow {
            throw LoadError(path, .tooLarge, "archive entry \(name) inflates past its declared \(declared) bytes")
        } catch {
            throw LoadError(path, .notAnArchive, "archive entry \(name) is damaged or truncated")
        }
        guard out.count == declared else {
            throw LoadError(path, .notAnArchive, "archive entry \(name) is truncated (\(out.count) of \(declared) bytes)")
        }
        return out
    }
}

extension ZipReader {
    /// An uncompressed entry as a slice of the archive's bytes, with no copy, or nil when it
    /// cannot be found that way (compressed, zip64, sizes in a trailing data descriptor).
    ///
    /// Keras stores `model.weights.h5` uncompressed; reading it in place keeps a big model's
    /// weights in memory once instead of twice. The slice must match the central directory's
    /// size and CRC-32, or the ordinary extraction (which reports the damage) is used.
    private func storedInPlace(_ entry: Entry) -> Data? {
        guard !entry.isCompressed, entry.type == .file else { return nil }
        let bytes = data
        func field(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, offset + size <= bytes.count else { return nil }
            var value = 0
            for i in 0..<size { value |= Int(bytes[bytes.startIndex + offset + i]) << (8 * i) }
            return value
        }
        let name = Array(entry.path.utf8)
        var offset = 0
        // Walk the local headers from the front; each says how long its data is.
        while let signature = field(offset, 4), signature == 0x0403_4B50 {
            guard let flags = field(offset + 6, 2), flags & 0x8 == 0,
                  let compressed = field(offset + 18, 4), compressed != 0xFFFF_FFFF,
                  let nameLength = field(offset + 26, 2), let extraLength = field(offset + 28, 2) else { return nil }
            let start = offset + 30 + nameLength + extraLength
            guard start + compressed <= bytes.count else { return nil }
            let here = bytes[(bytes.startIndex + offset + 30)..<(bytes.startIndex + offset + 30 + nameLength)]
            if here.elementsEqual(name) {
                guard compressed == Int(clamping: entry.uncompressedSize) else { return nil }
                let slice = bytes[(bytes.startIndex + start)..<(bytes.startIndex + start + compressed)]
                let crc = slice.withUnsafeBytes { raw in
                    crc32_z(0, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
                }
                return UInt32(crc) == entry.checksum ? slice : nil
            }
            offset = start + compressed
        }
        return nil
    }
}

private struct ZipReaderOverflow: Error {}
