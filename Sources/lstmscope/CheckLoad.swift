import ArgumentParser

/// `lstmscope check-load MODEL` (hidden): loads the model under the same guards as every
/// command and prints nothing. The explorer runs it in a child process before it opens a
/// model itself (``ChildCheck``): a file that crashes libhdf5 or makes it loop then ends the
/// child, not the session.
struct CheckLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-load",
        abstract: "Load a model and exit: 0 when it loads, 1 with the problem on stderr.",
        shouldDisplay: false)

    @OptionGroup var options: ModelOptions

    func run() throws {
        // Only the guards, not the options' applicability: a model opened from inside the
        // explorer is another file than the one the options were given for.
        _ = try LoadWatchdog.load(options.requiredPath(for: "check-load"), options: options.architecture)
    }
}
