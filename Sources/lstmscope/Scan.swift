import ArgumentParser
import Foundation
import LSTMCore
import ModelIO
import Reports

/// `lstmscope scan MODEL --input X`: every window of a set through the model, and what the
/// set says about it: the worst windows, dead and saturated units, the largest states, where
/// h stops changing.
struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every window of a set and report the worst windows and each unit's statistics.",
        discussion: """
            --input holds the windows: a .npy of shape (N, T, xu), mapped and read a window at a time (so a set \
            larger than memory streams through), an .npz member (x.npz:x_test), or one (T, xu) window in any \
            form trace takes. With --expect (N, yu) outputs each window's error is its largest \
            |output - expected|, and the windows are listed worst first (NaN before all).

            Per layer and unit, over every step of every window: the mean and standard deviation of every \
            vector; the share of steps each gate is saturated (sigmoid below 0.01 or above 0.99, tanh beyond \
            +-0.99, hard_sigmoid at 0 or 1); dead units (h's standard deviation below 1e-3); the largest |c| \
            (|h| for a GRU or SimpleRNN) and the window and t where it is; and per window row t the mean |dh|, \
            where the model stops changing its mind. t is the window's row, as trace numbers it.

            --format json writes one object; --format csv writes one value a row \
            (section,layer,unit,vector,window,t,statistic,value). A progress line goes to stderr after a \
            second when stderr is a terminal.

            Examples:
              lstmscope scan model.keras --input x_test.npy --expect y_test.npy
              lstmscope scan model.keras --input data.npz:x_test --expect data.npz:y_test --format json > scan.json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @OptionGroup var options: ModelOptions

    @Option(help: ArgumentHelp("The windows: (N, T, xu) .npy, file.npz:member, or one window.", valueName: "file"))
    var input: String

    @Option(
        help: ArgumentHelp(
            "Expected outputs, one row per window: (N, yu) .npy, .npz:member, .csv or .json.",
            valueName: "file"))
    var expect: String?

    @Option(help: "Output format: text, json or csv.")
    var format: Format = .text

    @Option(help: "Threads the windows are spread over (default: the cores there are).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Windows the text report lists (the JSON and CSV list all).")
    var top = 10

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        let model = try options.load(options.requiredPath(for: "scan"))
        let set = try WindowDataset.open(input, columns: model.inputSize)
        if let look = model.lookBack, look != set.steps {
            throw LoadError(
                input, .badInput, "its windows have T = \(set.steps) rows but the model reads windows of \(look)")
        }
        let expected = try expect.map { try WindowDataset.expectedOutputs($0, windows: set.count) }
        let progress = ProgressLine(total: set.count, quiet: format == .json && isatty(STDOUT_FILENO) == 0)
        let statistics: ScanStatistics
        do {
            statistics = try LSTMCore.Scan.run(
                model: model, count: set.count, steps: set.steps, window: { set.window($0) }, expected: expected,
                threads: threads, progress: { progress.update($0) })
        } catch {
            progress.finish()
            throw LoadError(input, .badInput, error.message)
        }
        progress.finish()
        let report = ScanReport(
            model: model, statistics: statistics, input: input, expect: expect, features: set.features)
        let out = Console.Output()
        switch format {
        case .text: out.write(report.text(top: top))
        case .json: out.write(report.json)
        case .csv: report.csv(out.write)
        }
        out.flush()
        if let widths = expected?.map(\.count), let first = statistics.windows.first,
            widths.contains(where: { $0 != first.output.count })
        {
            Console.note("some expected rows do not have the model's \(first.output.count) outputs: their error is inf")
        }
    }
}

/// `scan: 12,345 / 1,000,000 windows (1.2%), 3,400 windows/s, 4:41 left` on stderr, redrawn at
/// most five times a second, from one second in, when stderr is a terminal.
final class ProgressLine: @unchecked Sendable {
    private let total: Int
    private let enabled: Bool
    private let start = Date()
    private let lock = NSLock()
    private var lastDrawn = Date.distantPast
    private var drawn = false

    init(total: Int, quiet: Bool) {
        self.total = total
        enabled = !quiet && isatty(STDERR_FILENO) != 0
    }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        guard elapsed >= 1, now.timeIntervalSince(lastDrawn) >= 0.2 else { return }
        lastDrawn = now
        let rate = Double(done) / elapsed
        let left = rate > 0 ? Int(Double(total - done) / rate) : 0
        let line =
            "\rscan: \(done) / \(total) windows (\(String(format: "%.1f", 100 * Double(done) / Double(total)))%), "
            + "\(Int(rate)) windows/s, \(left / 60):\(String(format: "%02d", left % 60)) left\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
