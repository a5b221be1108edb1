import Foundation
import LSTMCore

/// A set of input windows of one shape, (N, T, xu), as a test set is held: a `.npy` (mapped, and
/// read a window at a time, so a set larger than memory streams through), a member of an `.npz`
/// (`x.npz:x_test`; one stored as `np.savez` stores it is read in place), or any window
/// ``InputLoader`` reads ((T, xu) `.npy`, `.csv`, `.json`: a set of one).
public struct WindowDataset: Sendable {
    /// What was given (`x.npz:x_test`), for messages and reports.
    public let name: String
    /// N: how many windows.
    public let count: Int
    /// T: rows per window.
    public let steps: Int
    /// xu: values per row.
    public let features: Int

    private enum Storage: Sendable {
        case npy(Data, NPYReader.Layout)
        case window(Matrix)
    }
    private let storage: Storage

    /// The largest set accepted: it is mapped, not read, so this bounds only the address space.
    static let maximumSize = 1 << 40

    /// Window `k` (0 ≤ k < ``count``), T × xu.
    public func window(_ k: Int) -> Matrix {
        precondition(k >= 0 && k < count, "window \(k) of \(count)")
        switch storage {
        case .npy(let data, let layout):
            let size = steps * features
            return Matrix(rows: steps, columns: features, values: layout.values(data, from: k * size, count: size))
        case .window(let m):
            return m
        }
    }

    /// Opens `spec` (`file.npy`, `file.npz`, `file.npz:member`, or a single window's file) for a
    /// model reading `columns` features per step.
    public static func open(_ spec: String, columns: Int) throws(LoadError) -> WindowDataset {
        let (path, member) = split(spec)
        let data = try FileBytes.read(path, limit: maximumSize)
        // Only an (N, T, xu) .npy is read a window at a time; anything read whole keeps the limit
        // every reader has.
        let wholeLimit = FileBytes.maximumSize
        let tooLarge = LoadError(
            path, .tooLarge,
            "the file is \(data.count) bytes; a set this large must be an (N, T, xu) .npy, which is mapped "
                + "(other files are read whole, up to \(wholeLimit) bytes)")
        if data.prefix(2) == Data([0x50, 0x4B]) {
            guard data.count <= wholeLimit else { throw tooLarge }
            let (entry, bytes) = try archiveMember(data, path: path, member: member, spec: spec)
            return try npy(bytes, name: spec, path: path, entry: entry, columns: columns, wholeLimit: wholeLimit)
        }
        if let member {
            throw LoadError(path, .badInput, "is not an .npz archive, so it has no member \"\(member)\"")
        }
        if data.prefix(6) == NPYReader.magic {
            return try npy(data, name: spec, path: path, entry: nil, columns: columns, wholeLimit: wholeLimit)
        }
        guard data.count <= wholeLimit else { throw tooLarge }
        let window = try InputLoader.loadWindow(data: data, path: path, columns: columns)
        return WindowDataset(
            name: spec, count: 1, steps: window.rows, features: window.columns, storage: .window(window))
    }

    /// `x.npz:x_test` → (`x.npz`, `x_test`) when `x.npz` is a file and `x.npz:x_test` is not.
    static func split(_ spec: String) -> (path: String, member: String?) {
        guard !FileManager.default.fileExists(atPath: spec), let colon = spec.lastIndex(of: ":") else {
            return (spec, nil)
        }
        let path = String(spec[..<colon]), member = String(spec[spec.index(after: colon)...])
        guard !member.isEmpty, FileManager.default.fileExists(atPath: path) else { return (spec, nil) }
        return (path, member)
    }

    private static func archiveMember(_ data: Data, path: String, member: String?, spec: String)
        throws(LoadError) -> (String, Data)
    {
        let zip = try ZipReader(data: data, path: path)
        let arrays = zip.entryNames.filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }
        let listed = arrays.prefix(12).joined(separator: ", ") + (arrays.count > 12 ? ", …" : "")
        let chosen: String
        if let member {
            let name = member.hasSuffix(".npy") ? String(member.dropLast(4)) : member
            guard arrays.contains(name) else {
                throw LoadError(path, .badInput, "holds no array \"\(member)\"; it holds \(listed)")
            }
            chosen = name
        } else {
            guard arrays.count == 1 else {
                throw LoadError(
                    path, .badInput,
                    arrays.isEmpty
                        ? "an archive with no .npy arrays"
                        : "holds \(arrays.count) arrays (\(listed)); name the windows as \(spec):\(arrays[0])")
            }
            chosen = arrays[0]
        }
        guard let bytes = try zip.read(chosen + ".npy") else {
            throw LoadError(path, .badInput, "holds no array \"\(chosen)\"")
        }
        return (chosen, bytes)
    }

    private static func npy(
        _ data: Data, name: String, path: String, entry: String?, columns: Int, wholeLimit: Int
    ) throws(LoadError) -> WindowDataset {
        let layout = try NPYReader.layout(data, path: path, entry: entry)
        let what = entry.map { "array \($0)" } ?? "the set"
        let shape = layout.shape
        // Anything but (N, T, xu) is one window, read (and refused) as every command reads one.
        guard shape.count == 3, shape[0] != 1 else {
            guard layout.count * layout.itemSize <= wholeLimit else {
                throw LoadError(
                    path, .tooLarge,
                    "\(what) is one window of \(layout.count * layout.itemSize) bytes; one window is read whole, up to "
                        + "\(wholeLimit) bytes (a set of windows is (N, T, xu), mapped)")
            }
            let window = try InputLoader.loadWindow(data: data, path: path, columns: columns)
            return WindowDataset(
                name: name, count: 1, steps: window.rows, features: window.columns, storage: .window(window))
        }
        guard shape[0] > 0, shape[1] > 0 else {
            throw LoadError(path, .badInput, "\(what) of shape \(formatShape(layout.shape)) holds no window rows")
        }
        guard shape[2] == columns else {
            throw LoadError(
                path, .badInput,
                "\(what) has \(shape[2]) value\(shape[2] == 1 ? "" : "s") per row but the model expects \(columns) "
                    + "features per step "
                    + "(xu = \(columns))")
        }
        guard !layout.fortranOrder || shape.filter({ $0 > 1 }).count <= 1 else {
            throw LoadError(
                path, .badInput, "\(what) is stored in Fortran order; save it with np.ascontiguousarray(x) first")
        }
        return WindowDataset(
            name: name, count: shape[0], steps: shape[1], features: shape[2], storage: .npy(data, layout))
    }

    /// The expected outputs for a set of `windows` windows (`--expect`): (N, …) rows, each
    /// flattened, from the same kinds of file (`y.npz:y_test` too); for a set of one, any shape.
    public static func expectedOutputs(_ spec: String, windows: Int) throws(LoadError) -> [[Float]] {
        let (path, member) = split(spec)
        let data = try FileBytes.read(path)
        let array: NDArray
        if data.prefix(2) == Data([0x50, 0x4B]) {
            let (entry, bytes) = try archiveMember(data, path: path, member: member, spec: spec)
            array = try NPYReader.parse(bytes, path: path, entry: entry)
        } else {
            if let member {
                throw LoadError(path, .badInput, "is not an .npz archive, so it has no member \"\(member)\"")
            }
            array = try InputLoader.parseArray(data, path: path, outputObject: true)
        }
        if windows == 1 { return [array.values] }
        guard array.shape.first == windows, !array.values.isEmpty else {
            throw LoadError(
                path, .badInput,
                "the expected outputs have shape \(formatShape(array.shape)), not one row per window "
                    + "(\(windows), …) for the \(windows) windows")
        }
        let width = array.values.count / windows
        return (0..<windows).map { Array(array.values[($0 * width)..<(($0 + 1) * width)]) }
    }
}
