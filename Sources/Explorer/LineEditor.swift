/// One line of text being typed, as the prompt's path and the Input view's value edit both take
/// it: characters are added up to a limit (only those `accepted` allows), Backspace removes the
/// last, Ctrl-U clears the line, Enter submits and Esc cancels.
public struct LineEditor: Sendable, Equatable {
    /// Which characters a line takes.
    public enum Accepted: Sendable, Equatable {
        /// Any character (a path).
        case anything
        /// What a number can be typed with: digits, signs, `.`, `e`, and letters for `nan` / `inf`.
        case number
    }

    /// What a key did to the line.
    public enum Outcome: Sendable, Equatable {
        /// The line changed, or the key was not one it takes.
        case editing
        /// Enter: the text as typed.
        case submitted(String)
        /// Esc.
        case cancelled
    }

    /// The text so far.
    public var text: String
    /// Most characters the line holds.
    public let limit: Int
    /// Which characters it takes.
    public let accepted: Accepted
    /// Whether the text is offered to change: a first character typed replaces it, as a
    /// selected field does; any other key keeps it to edit.
    public private(set) var offered: Bool

    /// A line holding `text`; `offered`: typing replaces it rather than adding to it.
    public init(_ text: String = "", limit: Int, accepted: Accepted = .anything, offered: Bool = false) {
        self.text = text
        self.limit = limit
        self.accepted = accepted
        self.offered = offered && !text.isEmpty
    }

    /// Applies `key` to the line.
    public mutating func handle(_ key: Key) -> Outcome {
        if offered, case .character(let c) = key, takes(c) { text = "" }
        if key != .enter { offered = false }
        switch key {
        case .escape: return .cancelled
        case .enter: return .submitted(text)
        case .backspace, .delete: if !text.isEmpty { text.removeLast() }
        case .killLine: text = ""
        case .character(let c) where takes(c): if text.count < limit { text.append(c) }
        default: break
        }
        return .editing
    }

    private func takes(_ c: Character) -> Bool {
        switch accepted {
        case .anything: true
        case .number: c.isNumber || "-+.eE".contains(c) || c.isLetter
        }
    }
}
