import LSTMCore

/// The characters the explorer draws with: box drawing, blocks and σ in a UTF-8 terminal, ASCII elsewhere.
public struct Glyphs: Sendable, Equatable {
    public var horizontal: Character
    public var vertical: Character
    /// Bar fill, from empty to full (eighths in Unicode).
    public var bar: [Character]
    /// Heat levels from weak to strong.
    public var heat: [Character]
    /// Heat levels of negative values without colour (NO_COLOR), where colour cannot say the sign.
    public var negativeHeat: [Character]
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
        heat: [" ", "░", "▒", "▓", "█"], negativeHeat: [" ", "·", "-", "=", "≡"],
        up: "▲", down: "▼", arrow: "→", sigma: "σ", cTilde: "c\u{303}", dot: "·", ellipsis: "…")

    /// Plain ASCII for other locales.
    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|",
        bar: [" ", " ", "-", "-", "=", "=", "#", "#", "#"],
        heat: [" ", ".", ":", "*", "#"], negativeHeat: [" ", ",", "-", "=", "%"],
        up: "^", down: "v", arrow: "->", sigma: "sig", cTilde: "c~", dot: "*", ellipsis: "~")

    /// The heat cell of a value at `level`: with colour the sign is the colour; without
    /// (`monochrome`), negative values take their own shades.
    public func heatCell(level: Int, negative: Bool, monochrome: Bool) -> Character {
        monochrome && negative ? negativeHeat[level] : heat[level]
    }

    /// What the heat cells mean, for a legend line: `░▒▓█ |x| (green +, red −)`.
    public func heatLegend(positive: String, negative: String, monochrome: Bool) -> String {
        let shades = String(heat.dropFirst())
        return monochrome
            ? "\(shades) + \(String(negativeHeat.dropFirst())) \u{2212}"
            : "\(shades) |value|, \(positive) +, \(negative) \u{2212}"
    }

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
