/// Every key the explorer answers, in one table: what it does (``KeyAction``), where it works,
/// and how the help screen and the status line describe it.
///
/// `update` dispatches through ``action(for:in:)``, the help screen is ``helpLines`` and the
/// status line ``statusHints(for:)``; a test checks that every action the status line or the
/// help names is bound where they say, so none can advertise a key that does nothing.
public enum KeyMap {
    /// Where a binding works.
    public enum Scope: Sendable, Equatable {
        /// In every view.
        case everywhere
        /// Only in these views.
        case views([View])

        public func contains(_ view: View) -> Bool {
            switch self {
            case .everywhere: true
            case .views(let views): views.contains(view)
            }
        }
    }

    /// A key, or a class of keys.
    public enum Trigger: Sendable, Equatable {
        case key(Key)
        /// A digit, `-` or `.`: the first character of a number being typed.
        case numberStart

        public func matches(_ key: Key) -> Bool {
            switch self {
            case .key(let k): return k == key
            case .numberStart:
                guard case .character(let c) = key else { return false }
                return c.isNumber || c == "-" || c == "."
            }
        }
    }

    /// The sections of the help screen, in order.
    public enum Section: String, Sendable, CaseIterable {
        case views = "Views"
        case steps = "Step and Unit views"
        case units = "Units view"
        case plot = "Plot view"
        case weights = "Weights view"
        case input = "Input view"
        case files = "Files"
    }

    /// Keys bound to one action.
    public struct Binding: Sendable {
        public let triggers: [Trigger]
        public let action: KeyAction
        public let scope: Scope
    }

    /// One line of the help screen and the bindings it describes.
    public struct Entry: Sendable {
        public let section: Section
        /// The keys as the help shows them: `→ l n  /  ← h p`.
        public let keys: String
        /// What they do.
        public let text: String
        public let bindings: [Binding]
    }

    private static func bind(_ action: KeyAction, _ scope: Scope, _ keys: Key...) -> Binding {
        Binding(triggers: keys.map(Trigger.key), action: action, scope: scope)
    }

    private static func char(_ c: Character) -> Key { .character(c) }

    private static let stepViews = Scope.views([.step, .unit])
    /// The views with a cursor at t: the Step and Unit views and the Plot view.
    private static let timeViews = Scope.views([.step, .unit, .plot])
    private static let plotView = Scope.views([.plot])
    private static let weights = Scope.views([.weights])
    private static let input = Scope.views([.input])
    private static let unitsView = Scope.views([.units])
    private static let modelView = Scope.views([.model])
    private static let help = Scope.views([.help])

    /// The help screen's lines, each with the keys it describes, in the order shown.
    public static let entries: [Entry] = [
        Entry(
            section: .views, keys: "1 2 3 4 5 6 7", text: "Model, Weights, Step, Unit detail, Input, Units, Plot",
            bindings: View.allCases.filter { $0 != .help }.map {
                bind(.show($0), .everywhere, char(Character(String($0.rawValue))))
            }),
        Entry(
            section: .views, keys: "Tab / Shift-Tab", text: "next / previous view",
            bindings: [bind(.nextView, .everywhere, .tab), bind(.previousView, .everywhere, .backTab)]),
        Entry(
            section: .views, keys: "?", text: "this help (again or Esc to go back)",
            bindings: [
                bind(.toggleHelp, .everywhere, char("?")), bind(.back, .views([.help, .unit]), .escape),
            ]),
        Entry(
            section: .views, keys: "q", text: "quit (Ctrl-C works too; the terminal is restored)",
            bindings: [bind(.quit, .everywhere, char("q"))]),
        Entry(
            section: .steps, keys: "→ l n  /  ← h p", text: "next / previous timestep",
            bindings: [
                bind(.step(1), timeViews, .right, char("l"), char("n")),
                bind(.step(-1), timeViews, .left, char("h"), char("p")),
            ]),
        Entry(
            section: .steps, keys: "Shift-→ ←  /  Ctrl-→ ← > <  /  PgDn PgUp",
            text: "10 steps / 100 steps / a screen on or back",
            bindings: [
                bind(.step(10), timeViews, .shiftRight), bind(.step(-10), timeViews, .shiftLeft),
                bind(.step(100), timeViews, .controlRight, char(">")),
                bind(.step(-100), timeViews, .controlLeft, char("<")),
                bind(.page(1), timeViews, .pageDown), bind(.page(-1), timeViews, .pageUp),
            ]),
        Entry(
            section: .steps, keys: "e  x  c  m",
            text: "next saturation onset, sign change (of the history's vector), largest |c|, masked step of the unit",
            bindings: [
                bind(.event(.saturationOnset), timeViews, char("e")), bind(.event(.signChange), timeViews, char("x")),
                bind(.event(.largestState), timeViews, char("c")), bind(.event(.maskedStep), timeViews, char("m")),
            ]),
        Entry(
            section: .steps, keys: ":",
            text: "go to t: type it (the window's row, 0 … T − 1, as trace, compare and scan number steps)",
            bindings: [bind(.goTo, timeViews, char(":"))]),
        Entry(
            section: .steps, keys: "Home g  /  End G", text: "first / last timestep",
            bindings: [bind(.firstStep, timeViews, .home, char("g")), bind(.lastStep, timeViews, .end, char("G"))]),
        Entry(
            section: .steps, keys: "↑ k  /  ↓ j  /  Shift-↑ ↓ K J", text: "select unit / ten units on",
            bindings: [
                bind(.unit(1), timeViews, .down, char("j")), bind(.unit(-1), timeViews, .up, char("k")),
                bind(.unit(10), timeViews, .shiftDown, char("J")), bind(.unit(-10), timeViews, .shiftUp, char("K")),
            ]),
        Entry(
            section: .steps, keys: "Enter", text: "unit detail: the whole arithmetic of the selected unit (Esc back)",
            bindings: [bind(.toggleDetail, stepViews, .enter)]),
        Entry(
            section: .steps, keys: "space  /  + -",
            text: "play / pause through the window / faster, slower (2.5 to "
                + "10,000 steps/s)",
            bindings: [
                bind(.togglePlay, timeViews, char(" ")), bind(.playSpeed(1), stepViews, char("+"), char("=")),
                bind(.playSpeed(-1), stepViews, char("-")),
            ]),
        Entry(
            section: .steps, keys: "v", text: "history strip: next vector (i f c̃ o c h)",
            bindings: [bind(.nextHistoryVector, stepViews, char("v"))]),
        Entry(
            section: .steps, keys: "N", text: "go to where NaN first appears (when it does)",
            bindings: [bind(.firstNaN, timeViews, char("N"))]),
        Entry(
            section: .steps, keys: "d  /  D",
            text: "with --theirs: the table shows ours, theirs, ours − theirs / "
                + "go to where theirs first differs",
            bindings: [bind(.cycleTheirs, stepViews, char("d")), bind(.firstDivergence, timeViews, char("D"))]),
        Entry(
            section: .steps, keys: "[ ]", text: "previous / next recurrent layer (stacked models)",
            bindings: [bind(.layer(-1), timeViews, char("[")), bind(.layer(1), timeViews, char("]"))]),
        Entry(
            section: .steps, keys: "{ }  /  ( )",
            text: "previous / next window of the set (--input (N, T, xu)) / by 10",
            bindings: [
                bind(.window(-1), .everywhere, char("{")), bind(.window(1), .everywhere, char("}")),
                bind(.window(-10), .everywhere, char("(")), bind(.window(10), .everywhere, char(")")),
            ]),
        Entry(
            section: .views, keys: "↑ ↓  PgUp PgDn  Home End", text: "Model view: scroll when it does not fit",
            bindings: [
                bind(.modelScroll(1), modelView, .down, char("j")), bind(.modelScroll(-1), modelView, .up, char("k")),
                bind(.modelScroll(10), modelView, .pageDown), bind(.modelScroll(-10), modelView, .pageUp),
                bind(.modelScroll(-1_000_000), modelView, .home, char("g")),
                bind(.modelScroll(1_000_000), modelView, .end, char("G")),
            ]),
        Entry(
            section: .units, keys: "↑ k  /  ↓ j, PgUp PgDn, Home End", text: "select a row",
            bindings: [
                bind(.unitsRow(1), unitsView, .down, char("j")), bind(.unitsRow(-1), unitsView, .up, char("k")),
                bind(.unitsRow(10), unitsView, .pageDown), bind(.unitsRow(-10), unitsView, .pageUp),
                bind(.unitsRow(-1_000_000), unitsView, .home, char("g")),
                bind(.unitsRow(1_000_000), unitsView, .end, char("G")),
            ]),
        Entry(
            section: .units, keys: "s  /  S", text: "order by the next column / the other way",
            bindings: [bind(.unitsSort, unitsView, char("s")), bind(.unitsReverse, unitsView, char("S"))]),
        Entry(
            section: .units, keys: "a", text: "statistics over this window / the whole set (runs in the background)",
            bindings: [bind(.unitsScope, unitsView, char("a"))]),
        Entry(
            section: .units, keys: "Enter  /  [ ]", text: "the Step view at the selected unit / the layer",
            bindings: [
                bind(.unitsOpen, unitsView, .enter), bind(.layer(-1), unitsView, char("[")),
                bind(.layer(1), unitsView, char("]")),
            ]),
        Entry(
            section: .plot, keys: "+ =  /  -  /  z", text: "zoom in / out around t / the whole window",
            bindings: [
                bind(.plotZoom(1), plotView, char("+"), char("=")), bind(.plotZoom(-1), plotView, char("-")),
                bind(.plotWhole, plotView, char("z")),
            ]),
        Entry(
            section: .plot, keys: "v", text: "one vector alone, the next, then all again",
            bindings: [bind(.plotVector, plotView, char("v"))]),
        Entry(
            section: .plot, keys: "Enter", text: "the Step view at t (the keys of the Step view move t here too)",
            bindings: [bind(.show(.step), plotView, .enter)]),
        Entry(
            section: .weights, keys: "arrows hjkl, PgUp PgDn", text: "move the cursor over the matrix",
            bindings: [
                bind(.weightColumn(1), weights, .right, char("l")), bind(.weightColumn(-1), weights, .left, char("h")),
                bind(.weightRow(1), weights, .down, char("j")), bind(.weightRow(-1), weights, .up, char("k")),
                bind(.weightPage(1), weights, .pageDown), bind(.weightPage(-1), weights, .pageUp),
                bind(.firstWeightColumn, weights, .home, char("g")), bind(.lastWeightColumn, weights, .end, char("G")),
            ]),
        Entry(
            section: .weights, keys: "[ ]", text: "previous / next matrix (W U b of each layer, Wout bout)",
            bindings: [
                bind(.matrix(-1), weights, char("["), char("p")), bind(.matrix(1), weights, char("]"), char("n")),
            ]),
        Entry(
            section: .weights, keys: "z", text: "zoomed-out overview / cell by cell",
            bindings: [bind(.toggleOverview, weights, char("z"))]),
        Entry(
            section: .input, keys: "arrows, PgUp PgDn", text: "move over the window (it opens at the Step view's t)",
            bindings: [
                bind(.inputColumn(1), input, .right, char("l")), bind(.inputColumn(-1), input, .left, char("h")),
                bind(.inputRow(1), input, .down, char("j")), bind(.inputRow(-1), input, .up, char("k")),
                bind(.inputRow(10), input, .pageDown), bind(.inputRow(-10), input, .pageUp),
            ]),
        Entry(
            section: .input, keys: "Home g  /  End G", text: "first / last timestep",
            bindings: [bind(.firstInputRow, input, .home, char("g")), bind(.lastInputRow, input, .end, char("G"))]),
        Entry(
            section: .input, keys: "Enter or a digit",
            text: "edit the value at t, xk; Enter applies and the trace recomputes",
            bindings: [
                bind(.editValue, input, .enter, char("e")),
                Binding(triggers: [.numberStart], action: .editValueTyping, scope: input),
            ]),
        Entry(
            section: .input, keys: "u", text: "undo the last edit (again for the one before)",
            bindings: [bind(.undoEdit, input, char("u"))]),
        Entry(
            section: .input, keys: "w", text: "write the window, edits and all, to a new .npy (never over a file)",
            bindings: [bind(.writeWindow, input, char("w"))]),
        Entry(
            section: .files, keys: "o", text: "open another input window (.npy .csv .json); Tab completes paths",
            bindings: [bind(.openInput, .everywhere, char("o"))]),
        Entry(
            section: .files, keys: "O",
            text: "open another model (.keras .h5 .npz .safetensors); Ctrl-U clears the path",
            bindings: [bind(.openModel, .everywhere, char("O"))]),
        Entry(
            section: .files, keys: "r", text: "reload the model from disk",
            bindings: [bind(.reload, .everywhere, char("r"))]),
        // Not on the help screen: it reads the help itself.
        Entry(
            section: .views, keys: "", text: "",
            bindings: [
                bind(.scroll(1), help, .down, char("j")), bind(.scroll(-1), help, .up, char("k")),
                bind(.scrollPage(1), help, .pageDown, char(" ")), bind(.scrollPage(-1), help, .pageUp),
                bind(.scrollToTop, help, .home, char("g")), bind(.scrollToEnd, help, .end, char("G")),
            ]),
    ]

    /// The action `key` has in `view`: the bindings of every view first, then the view's own.
    public static func action(for key: Key, in view: View) -> KeyAction? {
        let bindings = entries.flatMap(\.bindings)
        func bound(_ scoped: Bool) -> KeyAction? {
            bindings.first { binding in
                (binding.scope != .everywhere) == scoped && binding.scope.contains(view)
                    && binding.triggers.contains { $0.matches(key) }
            }?.action
        }
        return bound(false) ?? bound(true)
    }

    /// Whether `action` is bound to some key in `view`.
    public static func binds(_ action: KeyAction, in view: View) -> Bool {
        entries.flatMap(\.bindings).contains { $0.action == action && $0.scope.contains(view) }
    }

    /// The help screen: section headings ("", title) and (keys, text) lines.
    public static var helpLines: [(String, String)] {
        Section.allCases.flatMap { section -> [(String, String)] in
            [("", section.rawValue)]
                + entries.filter { $0.section == section && !$0.keys.isEmpty }.map { ($0.keys, $0.text) }
        }
    }
}

/// What a key does in the explorer.
public enum KeyAction: Sendable, Equatable {
    case quit, toggleHelp, show(View), nextView, previousView, back
    case openModel, openInput, reload
    /// Move t by this many steps (Step, Unit and Plot views).
    case step(Int)
    /// Move t by this many screens: the history strip's width, or the Plot view's span.
    case page(Int)
    /// The Plot view: zoom in (+1) or out (−1) around t, the whole window, the next vector alone.
    case plotZoom(Int), plotWhole, plotVector
    case firstStep, lastStep
    /// Move the selected unit by this many.
    case unit(Int)
    case toggleDetail, togglePlay, nextHistoryVector, firstNaN
    /// With `--theirs`: the table's next display (ours, theirs, difference), and the first divergence.
    case cycleTheirs, firstDivergence
    /// The next (+1) or previous (−1) recurrent layer.
    case layer(Int)
    /// The next (+1) or previous (−1) window of the set, or ±10.
    case window(Int)
    /// A faster (+1) or slower (−1) play speed.
    case playSpeed(Int)
    /// Type a step index to go to.
    case goTo
    /// Scroll the Model view by this many lines (±1,000,000: to an end).
    case modelScroll(Int)
    /// Go to the next such event of the selected unit.
    case event(StepEvent)
    /// Put back the value the last input edit replaced.
    case undoEdit
    /// Write the window (edited or not) to a new `.npy`.
    case writeWindow
    /// The Units view: move the selected row, order by the next column, reverse, switch
    /// window/set, open the Step view at the selected unit.
    case unitsRow(Int), unitsSort, unitsReverse, unitsScope, unitsOpen
    case weightColumn(Int), weightRow(Int), weightPage(Int), firstWeightColumn, lastWeightColumn
    /// The next (+1) or previous (−1) weight matrix.
    case matrix(Int)
    case toggleOverview
    case inputColumn(Int), inputRow(Int), firstInputRow, lastInputRow
    /// Edit the value under the cursor; `editValueTyping` starts the edit with the key typed.
    case editValue, editValueTyping
    case scroll(Int), scrollPage(Int), scrollToTop, scrollToEnd
}
