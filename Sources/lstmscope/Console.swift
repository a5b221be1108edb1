import Foundation
import Reports

/// Where the command-line tool writes: stdout for results, stderr for errors and notes.
enum Console {
    /// Prints `lstmscope: error: …` on stderr.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("lstmscope: error: \(message)\n".utf8))
    }

    /// Prints a note on stderr (so stdout stays machine-readable).
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("lstmscope: \(message)\n".utf8))
    }

    /// A buffered writer to stdout for large outputs.
    final class Output {
        private var buffer = ""
        init() { buffer.reserveCapacity(1 << 16) }
        func write(_ s: String) {
            buffer += s
            if buffer.utf8.count >= 1 << 16 { flush() }
        }
        func flush() {
            FileHandle.standardOutput.write(Data(buffer.utf8))
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

/// Misuse of the command line (exit status 2).
struct UsageError: Error {
    let message: String
}
