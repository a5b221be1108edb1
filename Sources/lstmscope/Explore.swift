import ArgumentParser

/// `lstmscope [MODEL]`: the terminal explorer.
struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore a model in the terminal (the default).")

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("The window to replay: .npy, .csv or .json.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("Keras's output for this input, shown beside ours.", valueName: "file"))
    var expect: String?

    func run() throws {
        _ = try options.load()
        throw UsageError(message: "the explorer is not built yet; use lstmscope inspect / trace")
    }
}
