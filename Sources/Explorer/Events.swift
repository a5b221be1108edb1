import LSTMCore

/// A key press, already decoded by the terminal backend.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    /// Shift and Ctrl with ← →: jumps through the window.
    case shiftLeft, shiftRight, controlLeft, controlRight
    /// Shift with ↑ ↓: ten units at a time.
    case shiftUp, shiftDown
    case enter, escape, tab, backTab, backspace, delete
    /// Ctrl-U: clear the line being typed before the cursor (as in a shell).
    case killLine
    /// Ctrl-W: delete the word (or path component) before the cursor.
    case deleteWord
}

/// Everything that can change the explorer's state.
public enum Event: Sendable {
    /// The user pressed a key.
    case key(Key)
    /// The terminal changed size.
    case resize(width: Int, height: Int)
    /// The animation clock ticked (only while playing).
    case tick
    /// Nothing else is happening: the explorer may compute a little more of a long window
    /// (the shell sends it while ``ExplorerState/hasPendingWork``).
    case idle
    /// The shell loaded a model the explorer asked for.
    case modelLoaded(Model)
    /// The shell loaded an input window the explorer asked for.
    case inputLoaded(Matrix, path: String)
    /// The shell loaded a set of windows, (N, T, xu), the explorer asked for.
    case windowSetLoaded(WindowSet)
    /// The shell wrote the window the explorer asked it to, to this path.
    case windowWritten(String)
    /// A load the explorer asked for failed; the message names the file.
    case loadFailed(String)
    /// The shell's answer to ``Command/completePath(_:)``: the paths that start with `prefix`.
    case pathCompletions(prefix: String, [String])
}

/// Work the explorer asks the outside world to do; the result comes back as an ``Event``.
public enum Command: Sendable, Equatable {
    case quit
    /// Load (or reload) the model at this path.
    case loadModel(String)
    /// Load an input window from this path.
    case loadInput(String)
    /// List the paths that start with this text (Tab in a prompt); the answer comes back as
    /// ``Event/pathCompletions(prefix:_:)``, so that `update` never reads the file system.
    case completePath(String)
    /// Write this window to a new `.npy` at this path (never over an existing file); the
    /// answer comes back as ``Event/windowWritten(_:)`` or ``Event/loadFailed(_:)``.
    case writeWindow(Matrix, path: String)
}
