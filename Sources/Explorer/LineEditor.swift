/// One line of text being typed, as the prompt's path and the Input view's value edit both take
/// it, edited as a shell line: characters go in at the cursor up to a limit (only those
/// `accepted` allows), ← → Home End move it, Backspace and Delete remove the character before
/// and under it, Ctrl-W the word (or path component) before it, Ctrl-U everything before it;
/// Enter submits and Esc cancels.
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

    /// The characters so far, as typed: a combining mark typed (or pasted) alone stays its own
    /// element, so the cursor always indexes this array, whatever the string makes of it.
    public private(set) var characters: [Character]
    /// The text so far.
    public var text: String { String(characters) }
    /// Where characters go in: 0 before the first, `characters.count` after the last.
    public private(set) var cursor: Int
    /// Most characters the line holds.
    public let limit: Int
    /// Which characters it takes.
    public let accepted: Accepted
    /// Whether the text is offered to change: a first character typed replaces it, as a
    /// selected field does; any other key keeps it to edit.
    public private(set) var offered: Bool

    /// A line holding `text`; `offered`: typing replaces it rather than adding to it.
    public init(_ text: String = "", limit: Int, accepted: Accepted = .anything, offered: Bool = false) {
        characters = Array(text)
        cursor = characters.count
        self.limit = limit
        self.accepted = accepted
        self.offered = offered && !text.isEmpty
    }

    /// Applies `key` to the line.
    public mutating func handle(_ key: Key) -> Outcome {
        if offered, case .character(let c) = key, takes(c) {
            characters = []
            cursor = 0
        }
        if key != .enter { offered = false }
        switch key {
        case .escape: return .cancelled
        case .enter: return .submitted(text)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = characters.count
        case .backspace where cursor > 0:
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete where cursor < characters.count: characters.remove(at: cursor)
        case .killLine:
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .deleteWord:
            // Back over separators, then to the previous one: `a/b/c` loses `c`, then `b/`.
            var start = cursor
            while start > 0, " /".contains(characters[start - 1]) { start -= 1 }
            while start > 0, !" /".contains(characters[start - 1]) { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .character(let c) where takes(c) && characters.count < limit:
            characters.insert(c, at: cursor)
            cursor += 1
        default: break
        }
        return .editing
    }

    /// Replaces the whole line (a completed path), the cursor after it.
    public mutating func replace(with newText: String) {
        characters = Array(newText)
        cursor = characters.count
        offered = false
    }

    private func takes(_ c: Character) -> Bool {
        switch accepted {
        case .anything: true
        case .number: c.isNumber || "-+.eE".contains(c) || c.isLetter
        }
    }
}
