import ArgumentParser
import Foundation
import Reports

/// The `lstmscope` command: opens the explorer by default; `inspect`, `trace`, `compare`, `export`
/// and `bench` for scripts.
struct Lstmscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstmscope",
        abstract: "Open a trained Keras LSTM and see what happens inside it, step by step.",
        discussion: """
            Reads Keras 3 .keras archives, legacy Keras 2 / Keras 3 .h5 models, .npz weight files (np.savez(path, \
            *model.get_weights())) and PyTorch state dicts (.safetensors or .npz): LSTM, GRU and SimpleRNN layers, \
            then Dense. Without a subcommand it opens the terminal explorer; with no model it opens the bundled sample \
            (LSTM(5) → Dense(1)).

            Examples:
              lstmscope                              explore the bundled sample
              lstmscope model.keras --input x.npy    explore your model on your window
              lstmscope inspect model.h5             shapes, gate layout, parameters
              lstmscope trace model.keras --format json
              lstmscope trace model.keras --input x.npy --expect y.npy
              lstmscope compare model.keras --theirs port.csv   where a port differs, why
              lstmscope scan model.keras --input x_test.npy --expect y_test.npy   a test set
              lstmscope export model.keras --to c --out port    standalone C99 (or numpy)
              lstmscope bench                        forward-pass speed

            Exit status: 0 ok, 1 a model or input file is bad, 2 bad usage, 3 --expect or compare differs.
            """,
        subcommands: [
            Explore.self, Inspect.self, Trace.self, Compare.self, Scan.self, ExportCommand.self, Bench.self,
            CheckLoad.self,
        ],
        defaultSubcommand: Explore.self
    )
}

extension Lstmscope {
    /// Refuses a first argument that is no file but nearly the name of a command (`inpsect`):
    /// it would otherwise be taken for a model to explore, and fail as a missing file.
    static func refuseMistypedCommand(_ arguments: [String]) throws {
        guard let first = arguments.first, !first.hasPrefix("-"),
            !FileManager.default.fileExists(atPath: first)
        else { return }
        let names = configuration.subcommands.filter { $0.configuration.shouldDisplay }.map { $0._commandName }
        guard !names.contains(first),
            let close = names.min(by: { editDistance($0, first) < editDistance($1, first) }),
            editDistance(close, first) <= 2
        else { return }
        throw UsageError(
            message: "unknown command '\(terminalSafe(first))'; did you mean '\(close)'? "
                + "(lstmscope --help lists the commands)")
    }

    /// Levenshtein distance, for the "did you mean" above.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        // One row of the table at a time: row[j] is the distance of a's first i characters to b's first j.
        var row = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for (j, cb) in b.enumerated() {
                let substitution = diagonal + (ca == cb ? 0 : 1)
                diagonal = row[j + 1]
                row[j + 1] = min(row[j + 1] + 1, row[j] + 1, substitution)
            }
        }
        return row[b.count]
    }
}
