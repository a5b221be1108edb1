extension KeyMap {
    /// One hint on the status line: a short key label, what it does, and the action it names
    /// (nil for the line editor's own keys).
    public struct Hint: Sendable {
        public let key: String
        public let text: String
        public let action: KeyAction?
    }

    /// The status line's hints for `state`'s view, most useful first; "? help" and "q quit"
    /// are kept when room runs out.
    public static func statusHints(for state: ExplorerState) -> [Hint] {
        let unicode = state.glyphs == .unicode
        let arrows = unicode ? "←→" : "<>"
        let updown = unicode ? "↑↓" : "^v"
        let enter = unicode ? "⏎" : "Enter"
        func hint(_ key: String, _ text: String, _ action: KeyAction?) -> Hint {
            Hint(key: key, text: text, action: action)
        }
        let common = [hint("1-7", "views", .show(.model)), hint("?", "help", .toggleHelp), hint("q", "quit", .quit)]
        // A line being typed at the prompt: its own keys, which no view binds.
        if let prompt = state.prompt {
            let path = prompt.purpose == .model || prompt.purpose == .input || prompt.purpose == .writeWindow
            return (path && prompt.purpose != .writeWindow ? [hint("Tab", "complete", nil)] : []) + [
                hint(arrows + " Home End", "move", nil), hint("^W", "word", nil), hint("^U", "to start", nil),
                hint(enter, prompt.purpose == .goTo ? "go" : prompt.purpose == .writeWindow ? "write" : "open", nil),
                hint("esc", "cancel", nil),
            ]
        }
        switch state.view {
        case .step:
            return [
                hint(arrows, "step", .step(1)), hint(updown, "unit", .unit(1)), hint(enter, "detail", .toggleDetail),
                hint("space", state.playing ? "pause" : "play", .togglePlay),
                hint("v", "history", .nextHistoryVector),
            ] + (state.replay.layers.count > 1 ? [hint("[ ]", "layer", .layer(1))] : []) + common
        case .unit:
            return [hint(arrows, "step", .step(1)), hint(updown, "unit", .unit(1)), hint("esc", "back", .back)] + common
        case .weights:
            return [
                hint(arrows + updown, "move", .weightColumn(1)), hint("[ ]", "matrix", .matrix(1)),
                hint("z", state.weights.overview ? "detail" : "overview", .toggleOverview),
            ] + common
        case .input:
            return state.editText != nil
                ? [hint(enter, "apply", nil), hint("esc", "cancel", nil)]
                : [
                    hint(arrows + updown, "move", .inputRow(1)), hint(enter, "edit", .editValue),
                ] + (state.inputIsEdited ? [hint("u", "undo", .undoEdit), hint("w", "write", .writeWindow)] : [])
                    + [hint("o", "open input", .openInput)] + common
        case .model:
            return [
                hint(updown, "scroll", .modelScroll(1)), hint("O", "open model", .openModel),
                hint("o", "open input", .openInput), hint("r", "reload", .reload),
            ]
                + common
        case .units:
            return [
                hint(updown, "row", .unitsRow(1)), hint("s", "order", .unitsSort),
                hint("a", state.unitsTable.scope == .window ? "whole set" : "window", .unitsScope),
                hint(enter, "step view", .unitsOpen),
            ] + common
        case .plot:
            return [
                hint(arrows, "t", .step(1)), hint(updown, "unit", .unit(1)), hint("+ -", "zoom", .plotZoom(1)),
                hint("z", "all", .plotWhole), hint("v", "vector", .plotVector), hint(enter, "step view", .show(.step)),
            ] + (state.replay.layers.count > 1 ? [hint("[ ]", "layer", .layer(1))] : []) + common
        case .help:
            return (state.helpText.count > state.helpPage ? [hint("↑↓", "scroll", .scroll(1))] : [])
                + [hint("esc/?", "back", .back), hint("q", "quit", .quit)]
        }
    }
}
