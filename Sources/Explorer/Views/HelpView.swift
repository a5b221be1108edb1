extension ExplorerState {
    /// Every key, grouped by where it works.
    static let helpLines: [(String, String)] = [
        ("", "Views"),
        ("1 2 3 4 5", "Model, Weights, Step, Unit detail, Input"),
        ("Tab / Shift-Tab", "next / previous view"),
        ("?", "this help (again or Esc to go back)"),
        ("q", "quit (Ctrl-C works too; the terminal is restored)"),
        ("", "Step and Unit views"),
        ("→ l n  /  ← h p", "next / previous timestep"),
        ("Home g  /  End G", "first / last timestep"),
        ("↑ k  /  ↓ j, PgUp PgDn", "select unit"),
        ("Enter", "unit detail: the whole arithmetic of the selected unit (Esc back)"),
        ("space", "play / pause an animation through the window"),
        ("v", "history strip: next vector (i f c̃ o c h)"),
        ("N", "go to where NaN first appears (when it does)"),
        ("[ ]", "previous / next recurrent layer (stacked models)"),
        ("", "Weights view"),
        ("arrows hjkl, PgUp PgDn", "move the cursor over the matrix"),
        ("[ ]", "previous / next matrix (W U b of each layer, Wout bout)"),
        ("z", "zoomed-out overview / cell by cell"),
        ("", "Input view"),
        ("arrows, Enter or a digit", "edit x[t][k]; Enter applies and the trace recomputes"),
        ("", "Files"),
        ("o", "open another input window (.npy .csv .json); Tab completes paths"),
        ("O", "open another model (.keras .h5 .npz); Ctrl-U clears the path"),
        ("r", "reload the model from disk"),
    ]

    func drawHelpView(_ canvas: inout Canvas, _ area: Area) {
        var y = area.y + 1
        for (key, text) in ExplorerState.helpLines {
            guard y < area.bottom else { break }
            if key.isEmpty {
                canvas.put(" " + text, x: 0, y: y, style: .heading)
            } else {
                let k = glyphs == .unicode ? key : key.asciiArrows
                let x = canvas.put("   " + k.fitted(26), x: 0, y: y, style: .key)
                canvas.put(glyphs == .unicode ? text : text.asciiArrows, x: x, y: y, maxWidth: width - x - 1)
            }
            y += 1
        }
    }
}

extension String {
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
