extension ExplorerState {
    /// Every key, grouped by where it works: (keys, what they do), or ("", a group heading).
    public static var helpLines: [(String, String)] { KeyMap.helpLines }

    /// The help as lines to draw: a heading, or a key and its text. Below 80 columns the key
    /// column narrows and long texts wrap onto lines of their own under it.
    var helpText: [(key: String, text: String, heading: Bool)] {
        let keyWidth = width < Breakpoint.narrow ? 16 : 24
        let textWidth = max(10, width - keyWidth - 6)
        var lines: [(key: String, text: String, heading: Bool)] = []
        for (key, text) in ExplorerState.helpLines {
            if key.isEmpty {
                lines.append(("", text, true))
                continue
            }
            let k = glyphs == .unicode ? key : key.asciiArrows
            let shown = glyphs == .unicode ? text : text.asciiArrows
            // A key too long for its column gets a line to itself.
            var first = k.count <= keyWidth ? k.fitted(keyWidth) : nil
            if first == nil { lines.append((k, "", false)) }
            for part in shown.wrapped(width: textWidth) {
                lines.append((first ?? String(repeating: " ", count: keyWidth), part, false))
                first = String(repeating: " ", count: keyWidth)
            }
        }
        return lines
    }

    /// Help lines that fit between the tab bar and the footer.
    var helpPage: Int { height - 3 }

    func drawHelpView(_ canvas: inout Canvas, _ area: Area) {
        let lines = helpText
        let page = area.height - 1
        let first = min(helpScroll, max(0, lines.count - page))
        var y = area.y + 1
        for line in lines.dropFirst(first).prefix(page) {
            if line.heading {
                canvas.put(" " + line.text, x: 0, y: y, style: .heading)
            } else {
                let x = canvas.put(
                    "   " + line.key + (line.text.isEmpty ? "" : "  "), x: 0, y: y, style: .key, maxWidth: width)
                canvas.put(line.text, x: x, y: y, maxWidth: width - x - 1)
            }
            y += 1
        }
        if lines.count > page {
            let more =
                "\(first + 1)–\(min(first + page, lines.count)) of \(lines.count) lines "
                + "(\(glyphs == .unicode ? "↑↓" : "Up Down") PgUp PgDn)"
            canvas.put(more, x: max(0, width - more.count - 1), y: area.y, style: .muted, maxWidth: width)
        }
    }

}

extension String {
    /// The words on lines of at most `width` characters; a longer word (a path, say) is
    /// broken across lines.
    func wrapped(width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for whole in split(separator: " ", omittingEmptySubsequences: false) {
            var word = Substring(whole)
            while word.count > width {
                if !line.isEmpty { lines.append(line) }
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
                line = ""
            }
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        lines.append(line)
        return lines
    }

    var asciiArrows: String {
        var s = ""
        for ch in self {
            switch ch {
            case "→": s += "Right"
            case "←": s += "Left"
            case "↑": s += "Up"
            case "↓": s += "Down"
            case "c̃": s += "c~"
            default: s.append(ch)
            }
        }
        return s
    }
}
