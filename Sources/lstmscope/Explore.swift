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
        Without --input, a window saved beside the model as <name>-input.npy is used when there is
        one (the bundled samples have them, with <name>-expected.npy from Keras); otherwise the
        default window \(Matrix.sineWindowFormula) over the model's look_back.
        Press ? inside for every key.
        """)

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("The window to replay: .npy, .csv or .json.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("Keras's output for this input, shown beside ours.", valueName: "file"))
    var expect: String?

    func run() throws {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw UsageError(message: "the explorer needs a terminal, and stdout or stdin is not one; for scripts use `lstmscope inspect MODEL` or `lstmscope trace MODEL --format json`")
        }
        let path = try options.resolvedPath()
        let model = try ModelLoader.load(path, options: options.architecture)
        let inputPath = input ?? SampleLocator.input(for: path)
        let window = try inputPath.map { try InputLoader.loadWindow($0, columns: model.inputSize) }
        let expectPath = expect ?? (input == nil ? SampleLocator.expected(for: path) : nil)
        let expected = try expectPath.map { try InputLoader.loadFlat($0) }

        let terminal = CursesTerminal.start()
        defer { terminal.stop() }
        var state: ExplorerState
        do {
            state = try ExplorerState(model: model, input: window, inputSource: inputPath, expected: expected,
                                      width: terminal.size.width, height: terminal.size.height,
                                      glyphs: terminal.unicode ? .unicode : .ascii, complete: PathCompletion.complete)
        } catch {
            terminal.stop()
            throw LoadError(inputPath ?? path, .badShape, error.message)
        }
        try runLoop(&state, terminal)
    }

    private func runLoop(_ state: inout ExplorerState, _ terminal: CursesTerminal) throws {
        var lastTick = Date()
        while true {
            terminal.draw(state.render())
            if SignalGuard.pendingSignal != 0 {
                terminal.stop()
                throw ExitCode(128 + SignalGuard.pendingSignal)
            }
            let event = terminal.nextEvent(timeoutMilliseconds: state.playing ? 50 : 200)
            var commands: [Command] = []
            if let event {
                commands = state.update(event)
            } else if state.playing, Date().timeIntervalSince(lastTick) >= 0.4 {
                lastTick = Date()
                commands = state.update(.tick)
            } else {
                // Terminals may resize without delivering KEY_RESIZE (e.g. after a resume).
                let size = terminal.size
                if size.width != state.width || size.height != state.height {
                    terminal.invalidate()
                    commands = state.update(.resize(width: size.width, height: size.height))
                }
            }
            for command in commands {
                switch command {
                case .quit:
                    return
                case .loadModel(let path):
                    let event: Event
                    do {
                        event = .modelLoaded(try ModelLoader.load(path, options: options.architecture))
                    } catch {
                        event = .loadFailed(error.description)
                    }
                    _ = state.update(event)
                case .loadInput(let path):
                    let event: Event
                    do {
                        event = .inputLoaded(try InputLoader.loadWindow(path, columns: state.model.inputSize), path: path)
                    } catch {
                        event = .loadFailed(error.description)
                    }
                    _ = state.update(event)
                }
            }
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
        return listing.filter { $0.hasPrefix(prefix) && !$0.hasPrefix(".") || (prefix.hasPrefix(".") && $0.hasPrefix(prefix)) }
            .sorted()
            .prefix(200)
            .map { name in
                var isDirectory: ObjCBool = false
                let full = directory + name
                FileManager.default.fileExists(atPath: full.isEmpty ? name : full, isDirectory: &isDirectory)
                return full + (isDirectory.boolValue ? "/" : "")
            }
    }
}
