import ArgumentParser
import LSTMCore
import ModelIO
import Reports

/// `lstmscope trace MODEL`: runs one window and prints every step's gates, c and h, and the output.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a window through the model and print every gate, c and h at every step.",
        discussion: """
        Without --input the window is \(Matrix.sineWindowFormula), with T the model's look_back (or --steps when the model has none). Long windows stream: the trace is written 1,024 steps at a time and never held whole. The JSON form is a stable contract:
          {"input": [[…]], "layers": [{"name", "type", "units",
            "steps": [{"t", "x", …}]}], "output": […]}
        where each step has the vectors of its layer's kind: LSTM i f c_tilde o c h, GRU z r h_tilde h, SimpleRNN h.

        With --expect (Keras's model.predict output for this input, as .npy, .csv or .json) the largest absolute difference is reported and the exit status is 3 if it exceeds --tolerance.

        Examples:
          lstmscope trace sample-weights/tutorial.keras --input sample-weights/tutorial-input.npy
          lstmscope trace model.keras --input x.npy --expect y.npy --tolerance 1e-5
          lstmscope trace model.h5 --format csv > trace.csv
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("The window: .npy (T, xu) or (1, T, xu), .csv or .json.", valueName: "file"))
    var input: String?

    @Option(help: "Output format: text, json or csv.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Keras's output for this input (.npy, .csv or .json) to compare with.", valueName: "file"))
    var expect: String?

    @Option(help: "Largest absolute difference from --expect that still counts as a match.")
    var tolerance: Float = 1e-5

    @Option(help: "Window length for the default input when the model has no fixed look_back.")
    var steps: Int?

    func validate() throws {
        if let steps, steps < 1 || steps > 10_000_000 { throw ValidationError("--steps must be between 1 and 10000000") }
        if steps != nil, input != nil { throw ValidationError("--steps sets the length of the default window; with --input the file sets it") }
        guard tolerance >= 0 else { throw ValidationError("--tolerance must not be negative") }
    }

    func run() throws {
        let model = try options.load()
        let window: Matrix
        if let input {
            window = try InputLoader.loadWindow(input, columns: model.inputSize)
        } else {
            let t = steps ?? model.lookBack ?? 10
            window = Matrix.sineWindow(steps: t, features: model.inputSize)
            Console.note("no --input: using the default window \(Matrix.sineWindowFormula), T = \(t), xu = \(model.inputSize)")
        }
        let report: TraceReport
        do {
            report = try TraceReport(model: model, input: window)
        } catch {
            throw LoadError(input ?? "input", .badInput, error.message)
        }
        // The whole window has run by now: a wrong --expect is refused before anything is written.
        let expected = try expect.map { path throws -> [Float] in
            let values = try InputLoader.loadFlat(path)
            guard values.count == report.output.count else {
                throw LoadError(path, .badInput, "has \(values.count) values but the model's output has \(report.output.count) (shape \(formatShape(report.outputShape)))")
            }
            return values
        }
        let out = Console.Output()
        let firstNaN: TraceReport.NaNSite?
        switch format {
        case .json: firstNaN = report.writeJSON(out.write)
        case .csv: firstNaN = report.writeCSV(out.write)
        case .text: firstNaN = report.writeText(out.write)
        }
        if let nan = firstNaN {
            Console.note("NaN first appears in layer \(terminalSafe(nan.layer)) at t=\(nan.t) in \(nan.vector)")
        }
        guard let expect, let expected else { out.flush(); return }
        // NaN where Keras has NaN too (a model that overflows) and equal infinities match.
        let difference = zip(expected, report.output).map { a, b in a.isNaN && b.isNaN || a == b ? 0 : abs(a - b) }
            .max { a, b in a.isNaN ? false : (b.isNaN || a < b) } ?? 0
        let matches = !difference.isNaN && difference <= tolerance
        let verdict = "largest |difference| from \(terminalSafe(expect)): \(formatScientific(difference)) (tolerance \(formatScientific(tolerance))): \(matches ? "matches" : "DIFFERS")"
        if format == .text { out.write(verdict + "\n") } else { Console.note(verdict) }
        // Keras runs a float16 model in float16; lstmscope replays every model in float32.
        let halfPrecision = Set(model.provenance.storedDTypes.values).intersection(["float16", "bfloat16"])
        if !matches, let dtype = halfPrecision.first {
            Console.note("the weights are stored as \(dtype): Keras computed in \(dtype), lstmscope in float32, so differences around 1e-3 are expected (try --tolerance 1e-2)")
        }
        out.flush()
        if !matches { throw ExitCode(3) }
    }
}
