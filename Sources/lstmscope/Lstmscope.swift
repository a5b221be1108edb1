import ArgumentParser

/// The `lstmscope` command: opens the explorer by default; `inspect`, `trace` and `bench` for scripts.
struct Lstmscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstmscope",
        abstract: "Open a trained Keras LSTM and see what happens inside it, step by step.",
        discussion: """
        Reads Keras 3 .keras archives, legacy Keras 2 / Keras 3 .h5 models, .npz weight files (np.savez(path, *model.get_weights())) and PyTorch state dicts (.safetensors or .npz): LSTM, GRU and SimpleRNN layers, then Dense. Without a subcommand it opens the terminal explorer; with no model it opens the bundled sample (LSTM(5) → Dense(1)).

        Examples:
          lstmscope                              explore the bundled sample
          lstmscope model.keras --input x.npy    explore your model on your window
          lstmscope inspect model.h5             shapes, gate layout, parameters
          lstmscope trace model.keras --format json
          lstmscope trace model.keras --input x.npy --expect y.npy
          lstmscope bench                        forward-pass speed

        Exit status: 0 ok, 1 a model or input file is bad, 2 bad usage, 3 --expect differs.
        """,
        subcommands: [Explore.self, Inspect.self, Trace.self, Bench.self, CheckLoad.self],
        defaultSubcommand: Explore.self
    )
}
