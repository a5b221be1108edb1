import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// `scan` over committed sets of windows (scripts/make_scan_fixtures.py): every window's output
/// is its own replay's and Keras's model.predict, and the statistics equal a direct computation
/// over the windows' traces, however many threads share the set.
@Suite struct ScanTests {
    static func load(_ model: String, _ set: String) throws -> (Model, WindowDataset, [[Float]]) {
        let m = try ModelLoader.load(Fixtures.root.appendingPathComponent(model).path)
        let x = try WindowDataset.open(Fixtures.path("scan/\(set)-x.npy"), columns: m.inputSize)
        let y = try WindowDataset.expectedOutputs(Fixtures.path("scan/\(set)-y.npy"), windows: x.count)
        return (m, x, y)
    }

    static func scan(_ model: Model, _ set: WindowDataset, _ y: [[Float]]?, threads: Int) throws -> ScanStatistics {
        try Scan.run(
            model: model, count: set.count, steps: set.steps, window: { set.window($0) }, expected: y,
            threads: threads)
    }

    @Test(arguments: [("sample-weights/tutorial.keras", "tutorial"), ("Tests/Fixtures/rnn/gru.keras", "gru")])
    func everyWindowIsItsOwnReplayAndKeras(model file: String, set name: String) throws {
        let (model, set, expected) = try Self.load(file, name)
        let statistics = try Self.scan(model, set, expected, threads: 3)
        #expect(statistics.windows.map(\.window) == Array(0..<set.count))
        for w in statistics.windows {
            #expect(w.output == (try model.predict(set.window(w.window))))
            #expect(maxScaledDifference(w.output, expected[w.window]) <= 1e-5, "window \(w.window)")
            #expect(w.error == ScanStatistics.largestDifferenceForTests(w.output, expected[w.window]))
        }
        // Worst first.
        let errors = statistics.windowsByError.compactMap(\.error)
        #expect(errors == errors.sorted(by: >))
    }

    /// Mean, std, saturated share, the largest |value| and where, and mean |Δh| per t, computed
    /// here directly from each window's trace; one thread and three give the same.
    @Test(arguments: [("sample-weights/tutorial.keras", "tutorial"), ("Tests/Fixtures/rnn/gru.keras", "gru")])
    func statisticsEqualADirectComputation(model file: String, set name: String) throws {
        let (model, set, _) = try Self.load(file, name)
        let one = try Self.scan(model, set, nil, threads: 1)
        let three = try Self.scan(model, set, nil, threads: 3)
        let traces = try (0..<set.count).map { try ModelTrace(model: model, input: set.window($0)) }
        for (l, traced) in model.traced.enumerated() {
            for (n, name) in traced.vectorNames.enumerated() {
                let activation = traced.layer.activation(of: name)
                for u in 0..<traced.units {
                    var values: [Double] = [], saturated = 0
                    var largest: Float = -1, at = (0, 0)
                    for (k, trace) in traces.enumerated() {
                        for step in 0..<set.steps {
                            let v = trace.layers[l].value(name, at: step, unit: u)!
                            values.append(Double(v))
                            if Self.saturated(v, activation) { saturated += 1 }
                            let t = traced.readsBackwards ? set.steps - 1 - step : step
                            if abs(v) > largest { (largest, at) = (abs(v), (k, t)) }
                        }
                    }
                    let mean = values.reduce(0, +) / Double(values.count)
                    let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count))
                        .squareRoot()
                    for s in [one, three] {
                        let sums = s.layers[l].sums(n, unit: u)
                        #expect(sums.count == values.count)
                        #expect(abs(sums.mean! - mean) <= 1e-9, "\(name) unit \(u) mean")
                        #expect(abs(sums.std! - std) <= 1e-7, "\(name) unit \(u) std")
                        #expect(sums.saturated == saturated, "\(name) unit \(u) saturated")
                        #expect(sums.largest == largest && sums.largestAt?.window == at.0 && sums.largestAt?.t == at.1)
                    }
                }
            }
            // mean |Δh| at window row t, over windows, of the mean over units.
            for t in 0..<set.steps {
                let step = traced.readsBackwards ? set.steps - 1 - t : t
                let direct =
                    traces.map { trace -> Double in
                        let h = trace.layers[l].vector(.h, at: step)!
                        let before = step > 0 ? trace.layers[l].vector(.h, at: step - 1)! : traced.layer.startState[0]
                        return zip(h, before).map { Double(abs($0 - $1)) }.reduce(0, +) / Double(h.count)
                    }.reduce(0, +) / Double(traces.count)
                #expect(abs(one.layers[l].meanChange(at: t)! - direct) <= 1e-9, "t \(t)")
                #expect(abs(three.layers[l].meanChange(at: t)! - direct) <= 1e-9, "t \(t)")
            }
        }
    }

    /// The thresholds as the issue states them, written out again here.
    static func saturated(_ v: Float, _ activation: Activation?) -> Bool {
        switch activation {
        case .sigmoid: v < 0.01 || v > 0.99
        case .tanh: v < -0.99 || v > 0.99
        case .hardSigmoid: v == 0 || v == 1
        default: false
        }
    }

    /// A unit that never moves is dead; NaN windows are counted apart and rank first.
    @Test func deadUnitsAndNaNWindows() throws {
        let zero = Matrix(rows: 2, columns: 8, values: [Float](repeating: 0, count: 16))
        let lstm = try LSTMLayer(name: "still", kernel: zero, recurrentKernel: zero, bias: nil)
        let model = try Model(layers: [.lstm(lstm)], inputSize: 2)
        var windows = (0..<4).map { _ in Matrix.sineWindow(steps: 5, features: 2) }
        windows[2][1, 0] = Float.nan
        let frozen = windows
        let s = try Scan.run(
            model: model, count: 4, steps: 5, window: { frozen[$0] }, expected: [[0, 0], [0, 0], [0, 0], [0, 0]])
        #expect(s.deadUnits(layer: 0) == [0, 1])
        // A unit with no finite h at all is not called dead: there is nothing to say it is still.
        let nan = Matrix(rows: 5, columns: 2, values: [Float](repeating: .nan, count: 10))
        let allNaN = try Scan.run(model: model, count: 2, steps: 5, window: { _ in nan }, expected: nil)
        #expect(allNaN.deadUnits(layer: 0).isEmpty)
        #expect(s.windowsByError.first?.window == 2 && s.windowsByError.first?.error?.isNaN == true)
    }

    /// The set's forms: an .npz member (stored in place, or compressed) reads as the .npy does;
    /// wrong members, widths and row counts are refused, naming the file.
    @Test func setsFromNpzMembersAndTheirRefusals() throws {
        let npy = try WindowDataset.open(Fixtures.path("scan/tutorial-x.npy"), columns: 3)
        for file in ["tutorial.npz", "tutorial-compressed.npz"] {
            let member = try WindowDataset.open(Fixtures.path("scan/\(file):x_test"), columns: 3)
            #expect(member.count == 200 && member.steps == 4)
            #expect((0..<200).allSatisfy { member.window($0) == npy.window($0) })
            let y = try WindowDataset.expectedOutputs(Fixtures.path("scan/\(file):y_test"), windows: 200)
            #expect(y.count == 200 && y.allSatisfy { $0.count == 1 })
        }
        let refusals: [(String, Int, String)] = [
            ("scan/tutorial.npz:x_tset", 3, "holds no array \"x_tset\"; it holds x_test, y_test"),
            ("scan/tutorial.npz", 3, "name the windows as"),
            ("scan/tutorial-x.npy", 5, "has 3 values per row but the model expects 5"),
            ("scan/tutorial-y.npy", 3, "the input has 1 columns but the model expects 3 features per step"),
            ("scan/tutorial-x.npy:x", 3, "is not an .npz archive"),
        ]
        for (spec, columns, message) in refusals {
            #expect(throws: LoadError.self) { try WindowDataset.open(Fixtures.path(spec), columns: columns) }
            do {
                _ = try WindowDataset.open(Fixtures.path(spec), columns: columns)
            } catch {
                #expect("\(error)".contains(message), "\(spec): \(error)")
            }
        }
        #expect {
            try WindowDataset.expectedOutputs(Fixtures.path("scan/gru-y.npy"), windows: 200)
        } throws: { "\($0)".contains("not one row per window (200, …)") }
    }
}

extension ScanStatistics {
    /// The error scan gives a window, for the test above.
    static func largestDifferenceForTests(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }
}

/// A file past the 4 GiB every whole read keeps is refused unless it is an (N, T, xu) .npy,
/// which is mapped: a sparse 5 GiB "window" costs nothing to refuse.
@Suite struct WindowSetLimitTests {
    @Test func aHugeFileThatWouldBeReadWholeIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-huge-\(UUID()).json").path
        FileManager.default.createFile(atPath: path, contents: Data("[[1, 2, 3]".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 5 << 30)
        try handle.close()
        #expect {
            try WindowDataset.open(path, columns: 3)
        } throws: { "\($0)".contains("a set this large must be an (N, T, xu) .npy") }
    }
}
