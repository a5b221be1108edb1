import Foundation
import ZIPFoundation

/// Writes float32 arrays as a `.npz` (a zip of `.npy` files, stored), as `numpy.savez` does:
/// what `export --to numpy` puts beside `model.py`.
public enum NPZWriter {
    /// One array: its name in the archive (without `.npy`), its shape and values (row-major).
    public typealias Array = (name: String, shape: [Int], values: [Float])

    /// The `.npy` bytes of one array (format 1.0, little-endian float32, C order).
    static func npy(shape: [Int], values: [Float]) -> Data {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93]) + Data("NUMPY".utf8)
        data += Data([1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data += Data(header.utf8)
        values.withUnsafeBufferPointer { buffer in
            for v in buffer { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += Data($0) } }
        }
        return data
    }

    /// Writes one array as a `.npy` at `path`, which must not exist: a window the user edited is
    /// saved beside the files it came from, never over one of them.
    public static func writeNPY(shape: [Int], values: [Float], to path: String) throws(LoadError) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LoadError(path, .badInput, "exists already; lstmscope never writes over a file, give another name")
        }
        do {
            try npy(shape: shape, values: values).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            throw LoadError(path, .unreadable, "cannot be written: \(error.localizedDescription)")
        }
    }

    /// Writes `arrays` to a new archive at `url` (replacing a file there).
    public static func write(_ arrays: [Array], to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for array in arrays {
            let bytes = npy(shape: array.shape, values: array.values)
            try archive.addEntry(
                with: array.name + ".npy", type: .file, uncompressedSize: Int64(bytes.count),
                modificationDate: Date(timeIntervalSince1970: 315_532_800)
            ) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }
}
