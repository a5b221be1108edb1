import Foundation
import ZIPFoundation

/// Reads entries of a zip archive held in memory (`.keras`, `.npz`), never extracting to disk.
///
/// Every entry's declared size is checked against a bound before it is inflated, and inflation
/// stops as soon as the output passes the declared size, so a zip bomb costs nothing.
struct ZipReader {
    private let archive: Archive
    /// The file, for messages.
    let path: String
    /// Largest total of uncompressed bytes we will inflate from one archive.
    static let maximumUncompressedSize = 4 << 30
    /// Largest plausible compression ratio for numeric data; beyond it an entry is a bomb.
    static let maximumRatio = 2000

    /// Opens the archive; throws a ``LoadError`` when the bytes are not a readable zip.
    init(data: Data, path: String) throws(LoadError) {
        self.path = path
        guard data.count >= 22, data.prefix(2) == Data([0x50, 0x4B]) else {
            throw LoadError(path, .notAnArchive, "not a zip archive")
        }
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

private struct ZipReaderOverflow: Error {}
