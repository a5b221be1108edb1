import ArgumentParser

/// The `lstmscope` command: opens the explorer by default; `inspect` and `trace` for scripts.
struct Lstmscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstmscope",
        abstract: "Open a trained Keras LSTM and see what happens inside it, step by step.",
        discussion: """
        Reads Keras 3 .keras archives, legacy Keras 2 / Keras 3 .h5 models and .npz weight files
        (np.savez(path, *model.get_weights())). Without a subcommand it opens the terminal
        explorer; with no model it opens the bundled sample (LSTM(5) → Dense(1)).

        Examples:
          lstmscope                                  explore the bundled sample
          lstmscope model.keras --input window.npy   explore your model on your window
          lstmscope inspect model.h5                 shapes, gate layout, parameter counts
          lstmscope trace model.keras --format json  every gate at every step, as JSON
          lstmscope trace model.keras --input x.npy --expect y.npy
                                                     check the replay against model.predict

        Exit status: 0 ok, 1 a model or input file is bad, 2 bad usage, 3 --expect differs.
        """,
        subcommands: [Explore.self, Inspect.self, Trace.self, Bench.self],
        defaultSubcommand: Explore.self
    )
}
