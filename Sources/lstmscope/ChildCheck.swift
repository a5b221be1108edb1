import Foundation

/// Reads a model in a child process before the explorer loads it itself.
///
/// A few damaged HDF5 files crash libhdf5 or make it loop (``CrashGuard``, ``LoadWatchdog``).
/// From the command line that ends the program with one clear line; inside the explorer it
/// would end the whole session. So a model opened from the explorer is first loaded by the
/// hidden `lstmscope check-load` in a child process, which meets the same guards, and is only
/// loaded here once that has succeeded. It costs one more load (about 15 ms for the sample).
enum ChildCheck {
    /// Nil when a child process reads the model cleanly (or cannot be started, in which case
    /// the load goes ahead as before), else the problem the child reported, naming the file.
    static func problem(loading path: String, options: ModelOptions) -> String? {
        guard let executable = Bundle.main.executableURL else { return nil }
        let process = Process()
        process.executableURL = executable
        // The path after "--", so that one starting with "-" is not read as an option.
        process.arguments = ["check-load"] + options.arguments + ["--", path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch { return nil }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationReason == .exit && process.terminationStatus == 0 { return nil }
        let line =
            text.split(separator: "\n").first.map(String.init)
            ?? "\(path): reading it ended the process that checked it"
        return line.hasPrefix("lstmscope: error: ") ? String(line.dropFirst("lstmscope: error: ".count)) : line
    }
}
