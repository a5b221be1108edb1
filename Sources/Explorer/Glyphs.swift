import LSTMCore

/// The characters the explorer draws with: box drawing, blocks and σ in a UTF-8 terminal, ASCII elsewhere.
public struct Glyphs: Sendable, Equatable {
    public var horizontal: Character
    public var vertical: Character
    /// Bar fill, from empty to full (eighths in Unicode).
    public var bar: [Character]
    /// Heat levels from weak to strong.
    public var heat: [Character]
    public var up: Character
    public var down: Character
    public var arrow: String
    public var sigma: String
    public var cTilde: String
    public var dot: String
    public var ellipsis: String

    /// Unicode glyphs for UTF-8 terminals.
    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│",
        bar: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        heat: [" ", "░", "▒", "▓", "█"],
        up: "▲", down: "▼", arrow: "→", sigma: "σ", cTilde: "c\u{303}", dot: "·", ellipsis: "…")

    /// Plain ASCII for other locales.
    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|",
        bar: [" ", " ", "-", "-", "=", "=", "#", "#", "#"],
        heat: [" ", ".", ":", "*", "#"],
        up: "^", down: "v", arrow: "->", sigma: "sig", cTilde: "c~", dot: "*", ellipsis: "~")

    /// The symbol of a vector: c̃, or c~ in ASCII.
    public func symbol(_ vector: VectorName) -> String {
        switch vector {
        case .cTilde: cTilde
        // the same tilde (combining or ~) on an h
        case .hTilde: "h" + String(String.UnicodeScalarView(cTilde.unicodeScalars.dropFirst()))
        default: vector.rawValue
        }
    }
}
