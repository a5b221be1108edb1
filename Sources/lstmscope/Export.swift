import ArgumentParser
import Export
import Foundation
import LSTMCore
import ModelIO

/// `lstmscope export MODEL --to c --out DIR`: the model as standalone C99 that equals the replay.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the model as standalone C99 (weights, step functions, a main with --trace and --selftest).",
        discussion: """
            DIR gets <name>.h and <name>.c (the model alone: C99, libm only, no malloc; \
            <name>_reset, <name>_step for streaming, <name>_predict for a window, on a state struct you \
            own), main.c (./model WINDOW.csv prints the output as JSON; --trace WINDOW.csv prints every \
            vector of every step as lstmscope's trace CSV, for compare; --selftest checks an embedded \
            window) and README.txt. Every model lstmscope reads exports: LSTM, GRU and SimpleRNN layers, \
            stacked, reading backwards or not, Bidirectional, Masking, Dense, Activation and Flatten. \
            A model that needs the whole window first (Bidirectional, Flatten, a layer reading backwards \
            above another) has no <name>_step, and holds at most <NAME>_MAX_STEPS rows (the model's \
            window length by default; build with -D<NAME>_MAX_STEPS=N for more). \
            --to numpy writes model.py (numpy only, one line per equation) and weights.npz.

            Examples:
              lstmscope export sample-weights/tutorial.keras --to c --out port
              cc -std=c99 -O2 -o port/model port/model.c port/main.c -lm && port/model --selftest
            """)

    enum Target: String, ExpressibleByArgument, CaseIterable { case c, numpy }

    @OptionGroup var options: ModelOptions

    @Option(help: "What to write: c (model.h, model.c, main.c) or numpy (model.py and weights.npz).")
    var to: Target

    @Option(help: ArgumentHelp("The directory to write into (made if missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Prefix of the C names and files.", valueName: "prefix"))
    var name = "model"

    @Option(help: ArgumentHelp("The window embedded for --selftest (default: the default window).", valueName: "file"))
    var input: String?

    /// Writes `files` (name, text) into `directory`, made if missing.
    private func write(_ files: [(name: String, text: String)], to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (file, text) in files {
                try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
        } catch {
            throw LoadError(out, .unreadable, "cannot write the export there: \(error.localizedDescription)")
        }
    }

    func run() throws {
        let path = try options.requiredPath(for: "export")
        let model = try options.load(path)
        let window =
            try input.map { try InputLoader.loadWindow($0, columns: model.inputSize) }
            ?? (try? Matrix.checkedSineWindow(steps: model.lookBack ?? 10, features: model.inputSize))
            ?? Matrix.sineWindow(steps: 10, features: model.inputSize)
        let directory = URL(fileURLWithPath: out)
        do {
            switch to {
            case .c:
                let export = try CExport(model: model, prefix: name, window: window)
                try write(export.files, to: directory)
                Console.note("wrote \(export.files.map(\.name).joined(separator: ", ")) in \(out); build with:")
                print(export.buildLine(directory: out))
            case .numpy:
                let export = try NumPyExport(model: model)
                try write([("model.py", export.program)], to: directory)
                do {
                    try NPZWriter.write(
                        export.arrays.map { ($0.name, $0.shape, $0.values) },
                        to: directory.appendingPathComponent("weights.npz"))
                } catch {
                    throw LoadError(out, .unreadable, "cannot write weights.npz there: \(error.localizedDescription)")
                }
                Console.note("wrote model.py and weights.npz in \(out); run with:")
                print("python3 \(out)/model.py WINDOW.npy")
            }
        } catch let refusal as CExport.Refusal {
            throw UsageError(message: "cannot export \(path): \(refusal.message)")
        }
    }
}
