import ArgumentParser
import CursesTerminal
import Explorer
import Foundation
import LSTMCore
import ModelIO

/// `lstmscope [MODEL]`: the terminal explorer.
struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore a model in the terminal (the default command).",
        discussion: """
            Without --input, a window saved beside the model as <name>-input.npy is used when there is one \
            (the bundled samples have them, with <name>-expected.npy from Keras); otherwise the default window \
            \(Matrix.sineWindowFormula) over the model's look_back, or over --steps. Long windows run in the \
            background while you explore; the status shows how far.

            Press ? inside for every key.
            """)

    @OptionGroup var options: ModelOptions

    @Option(
        help: ArgumentHelp(
            """
            The window: .npy (T, xu) or (1, T, xu), .json [[…], …], or .csv (rows of numbers split by \
            one , or ; or by spaces; one header line of names allowed; at most 65,536 values a row and \
            2^28 in all). A set of windows, .npy (N, T, xu) or file.npz:member, opens at window 0; { and } \
            move between them.
            """, valueName: "file"))
    var input: String?

    @Option(
        help: ArgumentHelp(
            "Keras's output for this input, shown beside ours (for a set, (N, yu): one row per window).",
            valueName: "file"))
    var expect: String?

    @Option(
        help: ArgumentHelp(
            "Another implementation's numbers for this window (as `compare --theirs` takes), shown beside ours.",
            valueName: "file"))
    var theirs: String?

    // Unconditional, so that `--tolerance -1` reaches the check instead of being taken for a flag.
    @Option(parsing: .unconditional, help: "Largest absolute difference from --expect that still counts as a match.")
    var tolerance: Float = OutputComparison.defaultTolerance

    @Option(
        help: ArgumentHelp(
            "Without --input: length of the default window (long windows run in the background while you explore).",
            valueName: "T"))
    var steps: Int?

    func validate() throws {
        if let steps, !(1...10_000_000).contains(steps) {
            throw ValidationError("--steps must be between 1 and 10000000")
        }
        try checkTolerance(tolerance)
        if steps != nil, input != nil {
            throw ValidationError("--steps sets the length of the default window; with --input the file sets it")
        }
    }

    func run() throws {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw UsageError(
                message:
                    "the explorer needs a terminal, and stdout or stdin is not one; "
                    + "for scripts use `lstmscope inspect MODEL` or `lstmscope trace MODEL --format json`"
            )
        }
        let path = try options.resolvedPath()
        let model = try options.load(path)
        let inputPath = input ?? (steps == nil ? SampleLocator.input(for: path) : nil)
        // A set of windows, (N, T, xu): the explorer opens its first and moves between them.
        let opened = try inputPath.map { try WindowDataset.open($0, columns: model.inputSize) }
        let set = opened.flatMap { $0.count > 1 ? $0 : nil }
        let window =
            try opened.map { $0.window(0) }
            ?? steps.map { try Matrix.checkedSineWindow(steps: $0, features: model.inputSize) }
        let expectPath = expect ?? (input == nil ? SampleLocator.expected(for: path) : nil)
        let expectedRows = try expectPath.map { try WindowDataset.expectedOutputs($0, windows: opened?.count ?? 1) }
        let expected = expectedRows?[0]

        // The state is built before the terminal is taken over: a long window that is traced
        // whole (Bidirectional models) can take a while, and until the interface starts a
        // note can say so and Ctrl-C simply ends the program.
        if let window, let reason = WindowReplay.wholeTraceReason(model),
            WindowReplay.traceFloats(model, steps: window.rows) > WindowReplay.defaultEagerLimit
        {
            Console.note(
                "tracing all \(window.rows) steps before the first frame "
                    + "(\(reason), so this model's window cannot be replayed in blocks); Ctrl-C stops"
            )
        }
        let screen = CursesTerminal.windowSize ?? (80, 24)
        var state: ExplorerState
        do {
            state = try ExplorerState(
                model: model, input: window,
                inputSource: inputPath ?? steps.map { _ in "default window \(Matrix.sineWindowFormula)" },
                expected: expected,
                width: screen.width, height: screen.height,
                glyphs: CursesTerminal.localeIsUTF8 ? .unicode : .ascii)
        } catch {
            throw LoadError(inputPath ?? path, .badShape, error.message)
        }
        state.tolerance = tolerance
        if let set {
            do {
                try state.open(Self.windowSet(set, expected: expectedRows))
            } catch {
                throw LoadError(set.name, .badShape, error.message)
            }
        }
        if let theirs {
            let (values, description) = try TheirsInput.values(
                theirs, model: state.model, window: state.input, layer: state.model.traced.count - 1, options: options)
            let (comparison, diagnosis, _) = try TheirsInput.compare(
                state.model, window: state.input, theirs: values, tolerance: tolerance)
            let overlay = TheirsOverlay(
                values: values, description: "\(theirs): \(description)", comparison: comparison, diagnosis: diagnosis,
                tolerance: tolerance)
            state.theirs = overlay
            state.say(overlay.summary)
        }
        CrashGuard.rememberTerminal()
        let terminal = CursesTerminal.start()
        LoadWatchdog.restoreTerminal = { terminal.stop() }
        defer { terminal.stop() }
        let colors = ColorChoice.choose(
            terminalHasColor: terminal.supportsColor, environment: ProcessInfo.processInfo.environment)
        state.monochrome = colors == .monochrome
        let shell = ExplorerShell(
            terminal: terminal, colors: colors,
            now: { Date().timeIntervalSinceReferenceDate }, perform: perform)
        if case .signal(let number) = shell.run(&state) {
            terminal.stop()
            throw ExitCode(128 + number)
        }
    }

    /// `~/x.npy` as the shell reads it (paths typed at the prompt, on Enter as on Tab).
    static func expandingTilde(_ path: String) -> String {
        path.hasPrefix("~") ? NSString(string: path).expandingTildeInPath : path
    }

    /// The core's view of an opened set: its windows read from the file as they are shown.
    static func windowSet(_ set: WindowDataset, expected: [[Float]]?) -> WindowSet {
        WindowSet(name: set.name, count: set.count, expected: expected) { set.window($0) }
    }

    /// Does what the explorer asked for that needs files: loads a model (checked in a child
    /// process first, under the watchdog), loads a window, or lists paths for Tab.
    private func perform(_ command: Command, _ state: ExplorerState) -> Event {
        switch command {
        case .loadModel(let typed):
            let path = Self.expandingTilde(typed)
            if let problem = ChildCheck.problem(loading: path, options: options) { return .loadFailed(problem) }
            do {
                return .modelLoaded(try LoadWatchdog.load(path, options: options.architecture))
            } catch {
                return .loadFailed(error.description)
            }
        case .loadInput(let typed):
            let path = Self.expandingTilde(typed)
            do {
                let set = try WindowDataset.open(path, columns: state.model.inputSize)
                if set.count > 1 { return .windowSetLoaded(Self.windowSet(set, expected: nil)) }
                return .inputLoaded(set.window(0), path: path)
            } catch {
                return .loadFailed(error.description)
            }
        case .writeWindow(let window, let typed):
            let path = Self.expandingTilde(typed)
            do {
                try NPZWriter.writeNPY(shape: [window.rows, window.columns], values: window.values, to: path)
                return .windowWritten(path)
            } catch {
                return .loadFailed(error.description)
            }
        case .completePath(let prefix):
            return .pathCompletions(prefix: prefix, PathCompletion.complete(prefix))
        case .quit:
            preconditionFailure("the shell ends on .quit itself")
        }
    }
}

/// Completes a path typed at the explorer's prompt from the file system.
enum PathCompletion {
    @Sendable static func complete(_ text: String) -> [String] {
        let expanded = text.hasPrefix("~") ? NSString(string: text).expandingTildeInPath : text
        let directory: String
        let prefix: String
        if expanded.hasSuffix("/") {
            directory = expanded
            prefix = ""
        } else {
            let url = URL(fileURLWithPath: expanded.isEmpty ? "./" : expanded)
            directory = expanded.contains("/") ? url.deletingLastPathComponent().path + "/" : ""
            prefix = expanded.contains("/") ? url.lastPathComponent : expanded
        }
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        return listing.filter {
            $0.hasPrefix(prefix) && !$0.hasPrefix(".") || (prefix.hasPrefix(".") && $0.hasPrefix(prefix))
        }
        .sorted()
        .prefix(200)
        .map { name in
            var isDirectory: ObjCBool = false
            let full = directory + name
            _ = FileManager.default.fileExists(atPath: full.isEmpty ? name : full, isDirectory: &isDirectory)
            return full + (isDirectory.boolValue ? "/" : "")
        }
    }
}
