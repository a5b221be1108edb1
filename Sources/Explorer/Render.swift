import LSTMCore
import Reports

extension ExplorerState {
    /// The smallest terminal the layout fits in.
    public static let minimumWidth = 60
    public static let minimumHeight = 16

    /// Draws the whole screen for the current state: tab bar, the view, the status line.
    public func render() -> Canvas {
        var canvas = Canvas(width: width, height: height)
        guard width >= ExplorerState.minimumWidth, height >= ExplorerState.minimumHeight else {
            drawTooSmall(&canvas)
            return glyphs == .ascii ? canvas.asciiFolded() : canvas
        }
        drawTabs(&canvas)
        var area = Area(x: 0, y: 1, width: width, height: height - 2)
        if prompt != nil { area.height -= 2 }
        switch view {
        case .model: drawScrolledModelView(&canvas, area)
        case .weights: drawWeightsView(&canvas, area)
        case .step: drawStepView(&canvas, area)
        case .unit: drawUnitView(&canvas, area)
        case .input: drawInputView(&canvas, area)
        case .units: drawUnitsView(&canvas, area)
        case .plot: drawPlotView(&canvas, area)
        case .help: drawHelpView(&canvas, area)
        }
        drawPrompt(&canvas)
        drawStatus(&canvas)
        return glyphs == .ascii ? canvas.asciiFolded() : canvas
    }

    /// The Model view drawn whole on a tall page, and the rows from ``modelScroll`` copied in:
    /// a Bidirectional or stacked model's gate layouts do not fit 24 rows. The last row then
    /// says which lines show.
    private func drawScrolledModelView(_ canvas: inout Canvas, _ area: Area) {
        let (page, rows) = modelViewPage(area)
        let fits = rows <= area.height
        let shown = fits ? area.height : area.height - 1
        let top = fits ? 0 : clamp(modelScroll, 0, rows - shown)
        for row in 0..<shown where area.y + top + row < page.height {
            for x in 0..<width { canvas[x, area.y + row] = page[x, area.y + top + row] }
        }
        if !fits {
            let keys = glyphs == .unicode ? "↑↓" : "^v"
            let text = "lines \(top + 1)–\(top + shown) of \(rows) (\(keys) PgUp PgDn) "
            canvas.put(text, x: max(0, width - text.count), y: area.y + shown, style: .muted)
        }
    }

    /// The Model view on a page as tall as it needs, and the rows it takes from `area.y`.
    func modelViewPage(_ area: Area) -> (Canvas, Int) {
        let tall = 600
        var page = Canvas(width: width, height: area.y + tall)
        drawModelView(&page, Area(x: area.x, y: area.y, width: area.width, height: tall))
        let last = (area.y..<page.height).last { row in (0..<width).contains { page[$0, row] != .blank } } ?? area.y
        return (page, last - area.y + 1)
    }

    private func drawTooSmall(_ canvas: inout Canvas) {
        let lines = [
            "terminal too small",
            "need \(ExplorerState.minimumWidth)×\(ExplorerState.minimumHeight)",
            "have \(width)×\(height)",
            "enlarge it, or q to quit",
        ]
        let top = max(0, (height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            canvas.put(line, x: max(0, (width - line.count) / 2), y: top + i, style: i == 0 ? .error : .plain)
        }
    }

    private func drawTabs(_ canvas: inout Canvas) {
        // Below 90 columns the name goes, so that every view's tab and the file's name fit.
        var x = width < 90 ? 0 : canvas.put(" lstmscope ", x: 0, y: 0, style: .heading)
        for v in View.allCases where v != .help {
            // Below 70 columns the tabs lose a space each, so that all seven fit in 60.
            let label = width < 70 ? "\(v.rawValue) \(v.title) " : " \(v.rawValue) \(v.title) "
            x = canvas.put(label, x: x, y: 0, style: v == view ? .selected : .plain)
        }
        let file = " " + shown(lastPathComponent(model.provenance.path), limit: 40)
        let room = width - x - 1
        if room > 4 {
            let text = file.count > room ? String(file.suffix(room - 1)).prefixedEllipsis(glyphs.ellipsis) : file
            canvas.put(text, x: width - text.count, y: 0, style: .muted)
        }
    }

    private func drawStatus(_ canvas: inout Canvas) {
        let y = height - 1
        if let message {
            // A long message (an error naming a file, say) takes up to three lines above the
            // status line rather than losing its end.
            var lines = message.wrapped(width: width - 2)
            if lines.count > 3 {
                lines = Array(lines.prefix(3))
                lines[2] = String(lines[2].prefix(width - 4)) + glyphs.ellipsis
            }
            for (i, line) in lines.enumerated() {
                let row = y - (lines.count - 1 - i)
                canvas.put(String(repeating: " ", count: width), x: 0, y: row)
                canvas.put(" " + line, x: 0, y: row, style: messageIsError ? .error : .good, maxWidth: width)
            }
            return
        }
        // "? help" and "q quit" always show: the view's own keys take what room is left.
        let keys = statusKeys
        let kept = keys.filter { $0.0 == "?" || $0.0 == "q" }
        let keptWidth = kept.reduce(0) { $0 + $1.0.count + $1.1.count + 3 } - 2
        var x = 1
        for (key, what) in keys {
            let isKept = key == "?" || key == "q"
            if !isKept && x + key.count + what.count + 3 + keptWidth > width { continue }
            if x + key.count + what.count + 2 > width { break }
            x = canvas.put(key, x: x, y: y, style: .key)
            x = canvas.put(" " + what + "  ", x: x, y: y, style: .muted)
        }
    }

    private var statusKeys: [(String, String)] { KeyMap.statusHints(for: self).map { ($0.key, $0.text) } }

    private func drawPrompt(_ canvas: inout Canvas) {
        guard let prompt else { return }
        let y = height - 3
        canvas.fill(x: 0, y: y, width: width, height: 2, with: .blank)
        let candidates = prompt.candidates.map(lastPathComponent).joined(separator: "  ")
        canvas.put(" " + candidates, x: 0, y: y, style: .muted, maxWidth: width)
        let label =
            switch prompt.purpose {
            case .model: " open model: "
            case .input: " open input: "
            case .goTo: " go to t (0–\(steps - 1)): "
            case .writeWindow: " write the window to: "
            }
        let x = canvas.put(label, x: 0, y: y + 1, style: .heading)
        drawLine(&canvas, prompt.line, x: x, y: y + 1)
    }

    /// A line being typed from column `x`, the cursor shown as a selected cell; a line longer
    /// than the room scrolls to keep the cursor in view, an ellipsis where its start is cut.
    func drawLine(_ canvas: inout Canvas, _ line: LineEditor, x: Int, y: Int) {
        let room = max(2, width - x - 1)
        let characters = line.characters
        let start = line.cursor + 1 > room ? line.cursor + 1 - room + 1 : 0
        var shown = Array(characters[start..<min(characters.count, start + room - (start > 0 ? 1 : 0))])
        if start > 0 { shown.insert(contentsOf: glyphs.ellipsis, at: 0) }
        canvas.put(String(shown), x: x, y: y)
        let at = x + (start > 0 ? glyphs.ellipsis.count : 0) + line.cursor - start
        let under = line.cursor < characters.count ? String(characters[line.cursor]) : " "
        canvas.put(under, x: at, y: y, style: .selected)
    }
}

/// A rectangle of the canvas that a view draws in.
struct Area {
    var x: Int
    var y: Int
    var width: Int
    var height: Int
    var bottom: Int { y + height }
}

func lastPathComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

extension String {
    func prefixedEllipsis(_ ellipsis: String) -> String { ellipsis + self }

    /// Pads or cuts to exactly `width` characters (cut text ends in `ellipsis`).
    func fitted(_ width: Int, ellipsis: String = "…") -> String {
        if count == width { return self }
        if count < width { return self + String(repeating: " ", count: width - count) }
        guard width > 0 else { return "" }
        return String(prefix(width - ellipsis.count)) + ellipsis
    }

    /// Right-aligns in `width` characters.
    func rightAligned(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// A signed number in a fixed 6-character field with 3 decimals, for narrow tables.
func short(_ x: Float) -> String {
    if x.isNaN { return "NaN".rightAligned(6) }
    if x.isInfinite || abs(x) >= 100 { return signed(x).trimmingSpaces().rightAligned(6) }
    return ((x < 0 ? "-" : "+") + formatDecimal(abs(x), digits: abs(x) >= 10 ? 2 : 3)).rightAligned(6)
}

/// A number for equations: no plus sign, negatives in parentheses when `wrap` is set.
func plain(_ x: Float, wrap: Bool = false) -> String {
    let s = signed(x).trimmingSpaces()
    let body = s.hasPrefix("+") ? String(s.dropFirst()) : s
    return wrap && x < 0 ? "(" + body + ")" : body
}

/// A signed number in a fixed 7-character field: `+0.1234`, `-12.345`, `  NaN`.
func signed(_ x: Float) -> String {
    if x.isNaN { return "NaN".rightAligned(7) }
    if x.isInfinite { return (x > 0 ? "+inf" : "-inf").rightAligned(7) }
    let a = abs(x)
    let body: String
    if a >= 1000 || (a != 0 && a < 0.0001) {
        body = formatScientific(a)
    } else if a >= 100 {
        body = formatDecimal(a, digits: 2)
    } else if a >= 10 {
        body = formatDecimal(a, digits: 3)
    } else {
        body = formatDecimal(a, digits: 4)
    }
    return ((x < 0 ? "-" : "+") + body).rightAligned(7)
}

/// An equation `a = b = c …` laid out by `lines`: each inner array is one line of parts joined
/// by ` = `, and a line wider than `width` continues on the next, starting with `=` under the
/// first line's. Lines after the first start with `=` too.
///
/// ```swift
/// equationLines([["h = o·tanh(c)", "0.55·tanh(-0.38)", "-0.20"]], width: 30)
/// // [" h = o·tanh(c) = 0.55·tanh(-0.38)", "   = -0.20"]
/// ```
func equationLines(_ lines: [[String]], width: Int, note: String = "") -> [String] {
    var out: [String] = []
    for (n, parts) in lines.enumerated() {
        for (k, part) in parts.enumerated() {
            if n == 0 && k == 0 {
                out.append(" " + part)
            } else if k > 0, out[out.count - 1].count + 3 + part.count <= width - 1 {
                out[out.count - 1] += " = " + part
            } else {
                out.append("   = " + part)
            }
        }
    }
    // A note that does not fit is left out: it explains, the numbers are what matters.
    if !note.isEmpty, let last = out.last, last.count + 3 + note.count <= width - 1 {
        out[out.count - 1] += "   " + note
    }
    return out
}
