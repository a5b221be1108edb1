import ArgumentParser
import LSTMCore
import ModelIO
import Reports

/// `lstmscope trace MODEL`: runs one window and prints every step's gates, c and h, and the output.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a window through the model and print every gate, c and h at every step.",
        discussion: """
            Without --input the window is \(Matrix.sineWindowFormula), with T the model's look_back (or --steps when \
            the model has none). Long windows stream: the trace is written 1,024 steps at a time and never held whole. \
            The JSON form is a stable contract:
              {"input": [[…]], "layers": [{"name", "type", "units",
                "steps": [{"t", "x", …}]}], "output": […]}
            where each step has the vectors of its layer's kind: LSTM i f c_tilde o c h, GRU z r h_tilde h, SimpleRNN h.

            With --expect (Keras's model.predict output for this input: .npy, .csv, a JSON \
            list, or a JSON object with an "output" list such as this command's own JSON) the \
            largest absolute difference is reported (in the JSON form as "expect": {"file", \
            "largest_difference", "tolerance", "matches"}) and the exit status is 3 if it exceeds \
            --tolerance or the lengths differ.

            Examples:
              lstmscope trace sample-weights/tutorial.keras --input sample-weights/tutorial-input.npy
              lstmscope trace model.keras --input x.npy --expect y.npy --tolerance 1e-5
              lstmscope trace model.h5 --format csv > trace.csv
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @OptionGroup var options: ModelOptions

    @Option(
        help: ArgumentHelp(
            """
            The window: .npy (T, xu) or (1, T, xu), .json [[…], …], or .csv (rows of numbers split by \
            one , or ; or by spaces; one header line of names allowed; at most 65,536 values a row and \
            2^28 in all).
            """, valueName: "file"))
    var input: String?

    @Option(help: "Output format: text, json or csv.")
    var format: Format = .text

    @Option(
        help: ArgumentHelp("Keras's output for this input (.npy, .csv or .json) to compare with.", valueName: "file"))
    var expect: String?

    // Unconditional, so that `--tolerance -1` reaches the check below instead of being taken for a flag.
    @Option(parsing: .unconditional, help: "Largest absolute difference from --expect that still counts as a match.")
    var tolerance: Float = OutputComparison.defaultTolerance

    @Option(help: "Window length for the default input when the model has no fixed look_back.")
    var steps: Int?

    func validate() throws {
        try WindowOption.validate(steps: steps, input: input)
        try checkTolerance(tolerance)
    }

    func run() throws {
        let model = try options.load(options.requiredPath(for: "trace"))
        let window = try WindowOption.window(input: input, steps: steps, model: model, modelPath: options.model)
        let report: TraceReport
        do {
            report = try TraceReport(model: model, input: window)
        } catch {
            throw LoadError(input ?? "input", .badInput, error.message)
        }
        // The whole window has run by now: the verdict is known before anything is written, so
        // the JSON can carry it.
        let verdict = try expect.map { path throws -> ExpectVerdict in
            ExpectVerdict(
                file: path, expected: try InputLoader.loadFlat(path), output: report.output,
                outputShape: report.outputShape, tolerance: tolerance)
        }
        let out = Console.Output()
        let firstNaN: TraceReport.NaNSite?
        switch format {
        case .json: firstNaN = report.writeJSON(out.write, verdict: verdict)
        case .csv: firstNaN = report.writeCSV(out.write)
        case .text: firstNaN = report.writeText(out.write)
        }
        if let nan = firstNaN {
            Console.note("NaN first appears in layer \(terminalSafe(nan.layer)) at t=\(nan.t) in \(nan.vector)")
        }
        guard let verdict else { out.flush(); return }
        let matches = verdict.matches
        if format == .text { out.write(verdict.line + "\n") } else { Console.note(verdict.line) }
        // Keras runs a float16 model in float16; lstmscope replays every model in float32.
        let halfPrecision = Set(model.provenance.storedDTypes.values).intersection(["float16", "bfloat16"])
        if !matches, let dtype = halfPrecision.first {
            Console.note(
                "the weights are stored as \(dtype): Keras computed in \(dtype), lstmscope in float32, "
                    + "so differences around 1e-3 are expected (try --tolerance 1e-2)"
            )
        }
        out.flush()
        if !matches { throw ExitCode(3) }
    }
}
