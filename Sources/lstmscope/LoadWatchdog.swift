import Dispatch
import Foundation
import LSTMCore
import ModelIO
import Reports

/// Ends the process with a clear error when reading a model takes far longer than it should.
///
/// Fuzzing found files that make libhdf5 1.10 loop forever while it reads a variable-length
/// string (a damaged global heap), inside the library where no check of ours can reach. A
/// legitimate file loads at ~0.5 GB/s, so 2 s plus 1 s per 100 MB is far beyond any real load.
enum LoadWatchdog {
    /// Put back the terminal before the message, when the explorer owns it.
    nonisolated(unsafe) static var restoreTerminal: (() -> Void)?

    /// `ModelLoader.load(path, options:)` under the watchdog.
    static func load(_ path: String, options: ArchitectureOptions) throws(LoadError) -> Model {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let seconds = 2 + size / 100_000_000
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .seconds(seconds))
        timer.setEventHandler {
            restoreTerminal?()
            Console.error(
                "\(terminalSafe(path)): reading it took more than \(seconds) s, "
                    + "so it is damaged in a way that makes the reader loop (libhdf5, for an HDF5 file); giving up"
            )
            // _exit, not exit: libhdf5's exit handlers would run on the state that is looping.
            _exit(1)
        }
        timer.resume()
        defer { timer.cancel() }
        return try LoadMemoryCap.reading(fileSize: size) { () throws(LoadError) in
            try CrashGuard.reading(path) { () throws(LoadError) in try ModelLoader.load(path, options: options) }
        }
    }
}
