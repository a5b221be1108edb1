import Foundation

/// Reads whole files with the checks every loader needs: exists, is a file, not empty, not huge.
enum FileBytes {
    /// Files above this size are refused before reading (4 GiB covers any LSTM worth a terminal).
    static let maximumSize = 4 << 30
    /// Files from this size on are mapped rather than read: the kernel pages them in as the
    /// loaders touch them, and the weights are not held twice (file buffer + floats).
    static let mappingThreshold = 1 << 20

    /// The bytes of the file at `path`, or a ``LoadError`` naming it.
    /// `limit` is the largest size accepted (a dataset of windows, which is mapped and read a
    /// window at a time, may pass ``maximumSize``).
    static func read(
        _ path: String, mappingThreshold: Int = FileBytes.mappingThreshold, limit: Int = FileBytes.maximumSize
    ) throws(LoadError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoadError(path, .notFound, "no such file")
        }
        if isDirectory.boolValue { throw LoadError(path, .isDirectory, "is a directory, not a model or input file") }
        // stat follows symbolic links. A device has no end to read to (/dev/zero would fill
        // memory) and is refused; a pipe (`--input <(…)`) is read up to a limit.
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw LoadError(path, .unreadable, "cannot be examined (check its permissions)")
        }
        if info.st_mode & S_IFMT == S_IFIFO { return try readPipe(path) }
        if info.st_mode & S_IFMT != S_IFREG {
            throw LoadError(path, .unreadable, "is not a regular file (a device or socket); give a model or input file")
        }
        let size = Int(info.st_size)
        if size > limit {
            throw LoadError(path, .tooLarge, "the file is \(size) bytes; lstmscope reads files up to \(limit) bytes")
        }
        if size >= mappingThreshold, let mapped = MappedFile.map(path, size: size) {
            return mapped
        }
        // Past the usual limit a file is only taken mapped (a set read a window at a time).
        if size > maximumSize {
            throw LoadError(
                path, .tooLarge,
                "the file is \(size) bytes and cannot be mapped; lstmscope reads files "
                    + "up to \(maximumSize) bytes whole")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LoadError(path, .unreadable, "cannot be opened for reading (check its permissions)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw LoadError(path, .unreadable, "cannot be read: \(error.localizedDescription)")
        }
        if data.isEmpty { throw LoadError(path, .empty, "the file is empty") }
        return data
    }

    /// A pipe has no size to check first: it is read a megabyte at a time, up to this much.
    static let pipeLimit = 256 << 20

    private static func readPipe(_ path: String) throws(LoadError) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LoadError(path, .unreadable, "cannot be opened for reading (check its permissions)")
        }
        defer { try? handle.close() }
        var data = Data()
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw LoadError(path, .unreadable, "cannot be read: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            data.append(chunk)
            if data.count > pipeLimit {
                throw LoadError(
                    path, .tooLarge,
                    "more than \(pipeLimit >> 20) MiB came through this pipe; "
                        + "lstmscope reads pipes up to that (give a file for more)"
                )
            }
        }
        if data.isEmpty { throw LoadError(path, .empty, "nothing came through the pipe") }
        return data
    }
}
