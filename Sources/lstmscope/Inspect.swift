import ArgumentParser
import Reports

/// `lstmscope inspect MODEL`: format, layers, parameter shapes and statistics, gate layout.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's layers, parameter shapes, statistics and gate layout.",
        discussion: """
            Example:
              lstmscope inspect sample-weights/tutorial.keras
              lstmscope inspect model.h5 --format json | jq .total_params
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: ModelOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let model = try options.load(options.requiredPath(for: "inspect"))
        let report = InspectReport(model: model)
        let out = Console.Output()
        out.write(format == .json ? report.json : report.text)
        out.flush()
    }
}
