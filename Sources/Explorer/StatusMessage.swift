/// The one line the status bar shows above the keys: a note, a problem, or how far a long
/// window has run (which is replaced by a note when the window is done).
public enum StatusMessage: Sendable, Equatable {
    case note(String)
    case error(String)
    case progress(String)

    /// The text shown.
    public var text: String {
        switch self {
        case .note(let text), .error(let text), .progress(let text): text
        }
    }

    /// Whether it reports a problem (drawn in the error style).
    public var isError: Bool {
        if case .error = self { true } else { false }
    }
}
