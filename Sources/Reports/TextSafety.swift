/// Makes text that came from a file safe to print on a terminal: control characters and
/// escape sequences are shown visibly (`\x1b`), never sent, and so are the invisible
/// characters that change how the rest of a line reads (``isInvisibleFormatting(_:)``), as
/// `\u{202E}`.
public func terminalSafe(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
        } else if isInvisibleFormatting(scalar) {
            out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Whether `scalar` is drawn as nothing yet changes what is around it: the bidirectional
/// overrides, embeddings, isolates and marks (U+202A–202E, U+2066–2069, U+200E/F, U+061C), which
/// can make `lstm` print as another name or reorder a line's numbers (the "Trojan Source"
/// trick); zero-width characters (U+200B–200D, U+2060, U+FEFF), which make two names that look
/// the same differ; and the line and paragraph separators (U+2028/9), which some terminals and
/// tools treat as line breaks.
public func isInvisibleFormatting(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF: true
    default: false
    }
}
