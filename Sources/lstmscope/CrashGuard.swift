#if canImport(Glibc)
    import Reports
    import Glibc
#endif

/// Turns a crash inside a C library while it reads a model into a clear error.
///
/// Fuzzing found files that make libhdf5 1.10 copy through a wild pointer while it reads a
/// damaged global heap (Tests/Fixtures/bad/hdf5_heap_overflow.h5) and recurse without end
/// through a B-tree that points back into itself (hdf5_btree_recursion.h5): crashes inside the
/// library, before any check of ours can look at the data. While a file is being read, a
/// handler for SIGSEGV, SIGBUS (also a mapped file truncated under us), SIGFPE and SIGILL puts
/// the terminal back, prints one line naming the file and exits with status 1. The handler
/// only calls async-signal-safe functions on memory prepared before the read.
/// `struct sigaction` (Swift also sees the function of that name).
private typealias SignalAction = sigaction

enum CrashGuard {
    nonisolated(unsafe) private static var message: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) private static var messageLength = 0
    nonisolated(unsafe) private static var savedTerminal: termios?
    private static let signals = [SIGSEGV, SIGBUS, SIGFPE, SIGILL]

    /// Remembers the terminal's settings (before the explorer changes them) to restore on a crash.
    static func rememberTerminal() {
        var settings = termios()
        if tcgetattr(STDIN_FILENO, &settings) == 0 { savedTerminal = settings }
    }

    /// Runs `body` (which reads `path`) with the handlers in place, and removes them after.
    static func reading<T, E: Error>(_ path: String, _ body: () throws(E) -> T) throws(E) -> T {
        let crashLine =
            "lstmscope: error: \(terminalSafe(path)): reading it crashed (inside libhdf5, for an HDF5 file), "
            + "so the file is damaged; giving up\n"
        let text = Array(crashLine.utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: text.count)
        buffer.initialize(from: text, count: text.count)
        message = buffer
        messageLength = text.count
        var previous = [SignalAction](repeating: SignalAction(), count: signals.count)
        installAlternateStack()
        var action = SignalAction()
        action.__sigaction_handler.sa_handler = { _ in CrashGuard.crashed() }
        sigemptyset(&action.sa_mask)
        // On its own stack: the crash may be libhdf5 recursing until the stack is gone.
        action.sa_flags = Int32(SA_ONSTACK)
        for (k, signal) in signals.enumerated() { sigaction(signal, &action, &previous[k]) }
        defer {
            for (k, signal) in signals.enumerated() { sigaction(signal, &previous[k], nil) }
            message = nil
            buffer.deallocate()
        }
        return try body()
    }

    nonisolated(unsafe) private static var alternateStackReady = false

    /// A 256 KB stack for the handler, set up once.
    private static func installAlternateStack() {
        guard !alternateStackReady else { return }
        let size = 256 << 10
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        stack.ss_flags = 0
        alternateStackReady = sigaltstack(&stack, nil) == 0
    }

    private static func crashed() {
        if var settings = savedTerminal {
            // Leave the alternate screen, show the cursor, reset colours, then the saved modes.
            let reset: [UInt8] = Array("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l".utf8)
            _ = reset.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        }
        if let message { _ = write(STDERR_FILENO, message, messageLength) }
        _exit(1)
    }
}
