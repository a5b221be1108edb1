import CZlibCRC
import Foundation
import ZIPFoundation

/// Reads entries of a zip archive held in memory (`.keras`, `.npz`), never extracting to disk.
///
/// The entries are the central directory's (``ZipDirectory`` checks it first). Every entry's
/// declared size and compression ratio are checked before anything is inflated, and inflation
/// stops as soon as the output passes the declared size, so a zip bomb costs nothing.
struct ZipReader {
    private let archive: Archive
    private let data: Data
    private let directory: ZipDirectory
    /// The file, for messages.
    let path: String
    /// Largest total of uncompressed bytes we will inflate from one archive.
    static let maximumUncompressedSize = 4 << 30
    /// Largest compression ratio accepted for an entry of more than ``ratioCheckedFrom`` bytes.
    /// Trained weights barely compress (about 1.1:1); even an array that is nine tenths zeros
    /// stays near 10:1. Deflate's own limit is about 1,032:1, which only runs of one byte reach.
    static let maximumRatio = 100
    /// Entries up to this size are not held to the ratio (a config or a zero bias may compress
    /// well, and inflating a few megabytes costs nothing).
    static let ratioCheckedFrom = 8 << 20

    /// Opens the archive; throws a ``LoadError`` when the bytes are not a readable zip.
    init(data: Data, path: String) throws(LoadError) {
        self.path = path
        self.data = data
        guard data.count >= 22, data.prefix(2) == Data([0x50, 0x4B]) else {
            throw LoadError(path, .notAnArchive, "not a zip archive")
        }
        directory = try ZipDirectory(data, path: path)
        var total = 0
        for entry in directory.entries {
            let declared = entry.uncompressedSize
            let compressed = max(entry.compressedSize, 1)
            total += declared
            if declared > ZipReader.ratioCheckedFrom, declared / compressed > ZipReader.maximumRatio {
                throw LoadError(
                    path, .tooLarge,
                    "archive entry \(entry.name) claims \(declared) bytes "
                        + "from \(compressed) compressed, \(declared / compressed):1; model weights compress a little, "
                        + "never above \(ZipReader.maximumRatio):1 (a zip bomb?), so it is not inflated")
            }
            if total > ZipReader.maximumUncompressedSize {
                throw LoadError(
                    path, .tooLarge,
                    "the archive claims more than "
                        + "\(ZipReader.maximumUncompressedSize) bytes uncompressed")
            }
        }
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw LoadError(
                path, .notAnArchive,
                "damaged or truncated zip archive (its central directory cannot be read)")
        }
    }

    /// Names of the file entries, in directory order.
    var entryNames: [String] { directory.entries.map(\.name).filter { !$0.hasSuffix("/") } }

    /// The bytes of entry `name`, or nil when the archive has no such entry.
    func read(_ name: String) throws(LoadError) -> Data? {
        guard let listed = directory.entries.first(where: { $0.name == name }) else { return nil }
        if let inPlace = storedInPlace(listed) { return inPlace }
        guard let entry = archive[name] else {
            throw LoadError(path, .notAnArchive, "archive entry \(name) cannot be read by the zip library")
        }
        let declared = listed.uncompressedSize
        var out = Data()
        out.reserveCapacity(min(declared, 1 << 26))
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                guard out.count + chunk.count <= declared else { throw ZipReaderOverflow() }
                out.append(chunk)
            }
        } catch is ZipReaderOverflow {
            throw LoadError(path, .tooLarge, "archive entry \(name) inflates past its declared \(declared) bytes")
        } catch {
            throw LoadError(path, .notAnArchive, "archive entry \(name) is damaged or truncated")
        }
        guard out.count == declared else {
            throw LoadError(
                path, .notAnArchive,
                "archive entry \(name) is truncated (\(out.count) of \(declared) bytes)")
        }
        // ZIPFoundation returns the CRC-32 of what it read and leaves the comparison to us.
        guard checksum == listed.crc32 else {
            throw LoadError(
                path, .notAnArchive,
                "archive entry \(name) fails its CRC-32 check (the directory says "
                    + "\(hex(listed.crc32)), the data gives \(hex(checksum))): the archive is damaged or was altered")
        }
        return out
    }

    /// An uncompressed entry as a slice of the archive's bytes, with no copy, or nil when it is
    /// compressed or its bytes do not match the directory's CRC-32 (the ordinary extraction then
    /// reports the damage).
    ///
    /// Keras stores `model.weights.h5` uncompressed; reading it in place keeps a big model's
    /// weights in memory once instead of twice. Where the data is comes from the central
    /// directory, never from scanning local headers, which a file can hide a second entry among.
    private func storedInPlace(_ entry: ZipDirectory.Entry) -> Data? {
        guard entry.method == 0, entry.compressedSize == entry.uncompressedSize else { return nil }
        let start = data.startIndex + entry.dataOffset
        let slice = data[start..<(start + entry.compressedSize)]
        let crc = slice.withUnsafeBytes { raw in
            crc32_z(0, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
        }
        return UInt32(crc) == entry.crc32 ? slice : nil
    }
}

private struct ZipReaderOverflow: Error {}

private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16, uppercase: false) }
