import ArgumentParser
import Dispatch
import Foundation
import LSTMCore
import ModelIO
import Reports

/// `lstmscope bench`: how fast the forward pass runs, on a model file or a synthetic size.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the forward pass: output-only replay, full trace, and the readable step loop.",
        discussion: """
            Runs batch 1 on one thread (or --threads), from zero state over a seeded window (uniform in ±1). With a \
            model file it times that model; with --size X,H a seeded LSTM(H) → Dense(1) on X features; with neither, \
            the standard sizes 3,5 · 16,64 · 64,256 · 256,1024 · 1024,1024.

            Reported: steps/s and ns/step (medians of repeated whole-window runs), GFLOP/s (2·4H·(X+H) per step and \
            LSTM layer; 3H for GRU, H for SimpleRNN), GB/s (weight bytes read: U every step, W once per block of 64 \
            steps (one block up to 128) for LSTM and GRU, every step for SimpleRNN), the full trace (every gate vector \
            kept) as a ratio of the replay time, and the readable `step` loop measured in the same run. --explorer \
            times the explorer headless at 200×60 instead.

            Build it optimised first: swift build -c release, then .build/release/lstmscope bench.

            Examples:
              lstmscope bench
              lstmscope bench --size 64,256 --steps 1000 --format json
              lstmscope bench model.keras --steps 500
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(
        help: ArgumentHelp(
            "A model file (.keras, .h5, .npz, or a PyTorch .safetensors); omit for a synthetic one.", valueName: "model"
        ))
    var model: String?

    @Option(help: ArgumentHelp("Synthetic model size: input features X and hidden units H.", valueName: "X,H"))
    var size: String?

    @Option(help: "Window length T (default 1000; the standard sizes use their own).")
    var steps: Int?

    @Option(help: "Seed of the synthetic weights.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Minimum seconds spent on each measurement.", valueName: "seconds"))
    var time: Double = 0.5

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: "Threads to split each layer's units across (the readable-step baseline stays on one).")
    var threads = 1

    @Flag(
        help: """
            Time the explorer instead: first frame, running the window, a step key and a jump, at 200×60 (default \
            --size 1024,1024 --steps 100000).
            """
    )
    var explorer = false

    @Flag(
        help: """
            Also time the window one input at a time through every LSTM layer, as a real-time caller \
            (an audio plug-in) runs it: no look-ahead, the state kept between calls.
            """
    )
    var streaming = false

    static let standardSizes = [(3, 5, 1000), (16, 64, 1000), (64, 256, 1000), (256, 1024, 200), (1024, 1024, 100)]

    func validate() throws {
        if model != nil, size != nil { throw ValidationError("give a model file or --size, not both") }
        if let size, parseSize(size) == nil {
            throw ValidationError("--size must be X,H with two positive integers, e.g. 64,256")
        }
        if let steps, !(1...10_000_000).contains(steps) {
            throw ValidationError("--steps must be between 1 and 10000000")
        }
        guard time > 0, time <= 600 else { throw ValidationError("--time must be between 0 and 600 seconds") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
    }

    func run() throws {
        if explorer { return try runExplorer() }
        let cases = try makeCases()
        var results: [(BenchCase, BenchCase.Result)] = []
        for c in cases {
            if format == .text, cases.count > 1 { Console.note("timing \(c.label)…") }
            results.append((c, try c.run()))
        }
        let out = Console.Output()
        switch format {
        case .text: out.write(results.map { BenchReport.text($0.0, $0.1) }.joined(separator: "\n"))
        case .json:
            let objects = results.map { BenchReport.json($0.0, $0.1) }
            out.write(
                objects.count == 1
                    ? objects[0] + "\n" : "{\"results\": [\n" + objects.joined(separator: ",\n") + "\n]}\n")
        }
        out.flush()
    }

    private func makeCases() throws -> [BenchCase] {
        if let model {
            let start = DispatchTime.now().uptimeNanoseconds
            let loaded = try LoadWatchdog.load(model, options: ArchitectureOptions())
            let loadMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            let t = steps ?? 1000
            var c = BenchCase(
                label: model, modelPath: model, model: loaded,
                window: SyntheticModel.window(steps: t, features: loaded.inputSize, seed: seed &+ 1), minTime: time)
            c.loadMilliseconds = loadMs
            c.threads = threads
            c.streaming = streaming
            return [c]
        }
        let sizes =
            size.flatMap(parseSize).map { [($0.0, $0.1, steps ?? 1000)] }
            ?? Self.standardSizes.map { ($0.0, $0.1, steps ?? $0.2) }
        return try sizes.map { x, h, t in
            var c = BenchCase(
                label: "synthetic \(x),\(h)", modelPath: nil,
                model: try SyntheticModel.make(inputSize: x, units: h, seed: seed),
                window: SyntheticModel.window(steps: t, features: x, seed: seed &+ 1), minTime: time)
            c.threads = threads
            c.streaming = streaming
            return c
        }
    }

    private func runExplorer() throws {
        let loaded = try model.map { try LoadWatchdog.load($0, options: ArchitectureOptions()) }
        let (x, h) = size.flatMap(parseSize) ?? (1024, 1024)
        let m = try loaded ?? SyntheticModel.make(inputSize: x, units: h, seed: seed)
        let bench = BenchExplorer(
            label: model ?? "synthetic \(x),\(h)", model: m,
            window: SyntheticModel.window(steps: steps ?? 100_000, features: m.inputSize, seed: seed &+ 1))
        if format == .text { Console.note("running the explorer headless on \(bench.window.rows) steps…") }
        let result = try bench.run()
        let out = Console.Output()
        out.write(format == .json ? bench.json(result) : bench.text(result))
        out.flush()
    }

    private func parseSize(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts.allSatisfy({ (1...65_536).contains($0) }) else { return nil }
        return (parts[0], parts[1])
    }
}
