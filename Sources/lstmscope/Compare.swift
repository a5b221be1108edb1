import ArgumentParser
import Foundation
import LSTMCore
import ModelIO
import Reports

/// `lstmscope compare MODEL --theirs FILE`: where a port of the model first disagrees with it,
/// and which known porting bug explains the difference.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare another implementation's numbers with the model's: the first divergence and the bug.",
        discussion: """
            --theirs is told by its content: lstmscope's trace JSON or CSV (any subset of layers, steps, \
            vectors; a port may print only h), a (T, hu) matrix (.npy or .csv) of h at every step of --layer, \
            an output vector (.npy, .csv, .json), or another model file, replayed on the same window.

            Theirs is compared with ours step by step (t is the window's row, as trace writes it). When they \
            differ, every known porting bug is tried: the model changed that one way (gate blocks in another \
            order, another activation or Keras generation of hard_sigmoid, a bias left out, TF1's forget bias \
            +1, the state reset every step, the window read the other way, a kernel read in the other memory \
            order, the other GRU reset formula, float16 or bfloat16 weights) is replayed on the same window, \
            and it is named when it agrees with everything theirs gave.

            Exit status: 0 agree, 3 differ, 1 a damaged file, 2 bad usage (theirs does not fit the model or the \
            window: it says how).

            Examples:
              lstmscope trace model.keras --input x.npy --format csv > ours.csv   # what theirs should print
              lstmscope compare model.keras --input x.npy --theirs port-trace.csv
              lstmscope compare model.keras --input x.npy --theirs h.npy --layer lstm_1 --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("The window both ran on: .npy, .csv or .json (T, xu).", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("What the other implementation computed (see above).", valueName: "file"))
    var theirs: String

    @Option(
        help: ArgumentHelp("The recurrent layer a bare (T, hu) matrix is h of (default: the last).", valueName: "name"))
    var layer: String?

    // Unconditional, so that `--tolerance -1` reaches the check instead of being taken for a flag.
    @Option(parsing: .unconditional, help: "Largest absolute difference that still counts as agreeing.")
    var tolerance: Float = OutputComparison.defaultTolerance

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: "Window length for the default input when the model has no fixed look_back.")
    var steps: Int?

    func validate() throws {
        try WindowOption.validate(steps: steps, input: input)
        try checkTolerance(tolerance)
    }

    func run() throws {
        let model = try options.load(options.requiredPath(for: "compare"))
        let window = try WindowOption.window(input: input, steps: steps, model: model, modelPath: options.model)
        let traced = model.traced
        let layerIndex: Int
        if let layer {
            // A Bidirectional's halves are `name/forward` and `name/backward`, as trace CSV names them.
            let named = { (l: TracedLayer) in l.name + (l.direction.map { "/" + $0.rawValue } ?? "") }
            guard
                let index = traced.firstIndex(where: { named($0) == layer })
                    ?? traced.lastIndex(where: { $0.name == layer })
            else {
                throw UsageError(
                    message:
                        "--layer \(layer): the model has no recurrent layer of that name; it has "
                        + Set(traced.map(\.name)).sorted().joined(separator: ", "))
            }
            layerIndex = index
        } else {
            layerIndex = traced.count - 1
        }
        let (values, description) = try TheirsInput.open(
            theirs, model: model, window: window, layer: layerIndex, options: options)
        let (comparison, diagnosis, neighbourhood) = try TheirsInput.compare(
            model, window: window, theirs: values, tolerance: tolerance)
        let report = CompareReport(
            model: model, neighbourhood: neighbourhood, theirsDescription: "\(theirs): \(description)",
            comparison: comparison, diagnosis: diagnosis, tolerance: tolerance)
        let out = Console.Output()
        out.write(format == .json ? report.json : report.text)
        out.flush()
        if !report.agrees { throw ExitCode(3) }
    }
}
