import Export
import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Every fixture model exported to C, built with the toolchain's clang (C99, -Wall -Wextra
/// -pedantic, warnings as errors), run, and compared with lstmscope's replay: the output and
/// every vector of every step within 1e-6; or refused, naming the layer.
@Suite(.timeLimit(.minutes(5))) struct CExportTests {
    static let files =
        ["keras", "rnn", "saturation", "shapes"].flatMap { Fixtures.files(in: $0, suffix: ".keras") }
        + ["keras2", "rnn-keras2"].flatMap { Fixtures.files(in: $0, suffix: ".h5") }
        + Fixtures.files(in: "torch", suffix: ".safetensors")
        + Fixtures.files(in: "onnx", suffix: ".onnx").filter { !$0.contains("/bad_") }
        // TFLite's float32, float16 and int8 hybrid files.
        + Fixtures.files(in: "tflite", suffix: ".tflite").filter { !$0.contains("/bad_") }
        + ["tutorial", "stacked", "wide"].map { Fixtures.sample("\($0).keras") }
    // (keras/unsupported.keras is a model lstmscope refuses to load at all.)
    static let models = files.filter { !$0.hasSuffix("unsupported.keras") }

    /// A sine window; after a Masking layer, rows 1 and 4 (and the last) equal its value, so
    /// steps are skipped mid-window and at its end.
    static func window(for model: Model) -> Matrix {
        var window = Matrix.sineWindow(steps: min(model.lookBack ?? 12, 40), features: model.inputSize)
        for layer in model.layers {
            guard case .masking(_, let value) = layer else { continue }
            for row in [1, 4, window.rows - 1] where row < window.rows {
                for k in 0..<window.columns { window[row, k] = value }
            }
        }
        return window
    }

    /// `clang`, from the toolchain that runs the tests.
    static let compiler: String = {
        for candidate in ["/opt/swift/usr/bin/clang", "/usr/bin/clang", "/usr/bin/cc"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "clang"
    }()

    /// `export`'s files, written into a new temporary directory (the caller removes it).
    static func written(_ export: CExport) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-c-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in export.files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// The exported C in `directory` built into `output` with `flags` (strict warnings unless
    /// `strict` is false: the build that must fail).
    static func build(
        _ directory: URL, prefix: String, output: String, flags: [String] = ["-O2"], strict: Bool = true
    ) throws -> ChildProcess.Result {
        let warnings = strict ? ["-Wall", "-Wextra", "-pedantic", "-Werror"] : []
        let sources = ["\(prefix).c", "main.c"].map { directory.appendingPathComponent($0).path }
        return try run([compiler, "-std=c99"] + flags + warnings + ["-o", output] + sources + ["-lm"])
    }

    /// Runs `arguments[0]` with the rest (see `ChildProcess` for why not Foundation's `Process`).
    static func run(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run(arguments[0], Array(arguments.dropFirst()), seconds: 120)
    }

    @Test(arguments: models)
    func theExportedCEqualsTheReplay(file: String) throws {
        let model = try ModelLoader.load(file)
        try Self.expectExportEqualsTheReplay(model, window: Self.window(for: model), file: file)
    }

    /// `model` exported to C, built (plain and with libm's tanh and σ), self-tested, run on
    /// `window` and traced, against the replay and, for a fixture `file`, Keras's own numbers.
    static func expectExportEqualsTheReplay(_ model: Model, window: Matrix, file: String, keras: Bool = true) throws {
        let export = try CExport(model: model, prefix: "model", window: window)
        let directory = try Self.written(export)
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = directory.appendingPathComponent("model").path
        let build = try Self.build(directory, prefix: "model", output: binary)
        #expect(build.status == 0, "\(build.err)")
        guard build.status == 0 else { return }
        let selftest = try Self.run([binary, "--selftest"])
        #expect(selftest.status == 0 && selftest.out.contains("ok"), "\(selftest.out)")
        // The window as CSV, a trace of it, and the replay's trace to hold it against.
        let csv = (0..<window.rows).map { window.row($0).map { "\($0)" }.joined(separator: ",") }.joined(
            separator: "\n")
        let windowPath = directory.appendingPathComponent("window.csv").path
        try csv.write(toFile: windowPath, atomically: true, encoding: .utf8)
        let traced = try Self.run([binary, "--trace", windowPath])
        #expect(traced.status == 0, "\(traced.err)")
        try Self.expectTraceEqualsTheReplay(traced.out, model: model, window: window, file: file)
        // The plain run prints the output as JSON.
        let plain = try Self.run([binary, windowPath])
        let json = try JSONSerialization.jsonObject(with: Data(plain.out.utf8)) as? [Double]
        #expect(json?.count == (try model.predict(window)).count)
        if keras { try Self.checkAgainstKeras(file, model: model, program: [binary], directory: directory) }
        // Built with libm's tanhf and expf instead of the kernel's approximations: the same bounds.
        let libm = directory.appendingPathComponent("model-libm").path
        let libmBuild = try Self.build(
            directory, prefix: "model", output: libm, flags: ["-O2", "-DMODEL_LIBM_ACTIVATIONS"])
        #expect(libmBuild.status == 0, "\(libmBuild.err)")
        let libmTrace = try Self.run([libm, "--trace", windowPath])
        try Self.expectTraceEqualsTheReplay(libmTrace.out, model: model, window: window, file: file + " (libm)")
        if keras { try Self.checkAgainstKeras(file, model: model, program: [libm], directory: directory) }
    }

    /// Keras's (or PyTorch's) own numbers for the fixture: its trace (`<name>-trace.json`, made
    /// by the fixture scripts), where the program on Keras's window gives Keras's h, c and output
    /// within 1e-6; or its `-input.npy` and `-expected.npy`, the output within 1e-6. Every
    /// fixture has one or the other: a fixture with neither fails.
    static func checkAgainstKeras(_ file: String, model: Model, program: [String], directory: URL) throws {
        let stem = file.replacingOccurrences(of: ".keras", with: "").replacingOccurrences(of: ".h5", with: "")
            .replacingOccurrences(of: ".safetensors", with: "").replacingOccurrences(of: ".onnx", with: "")
            .replacingOccurrences(of: ".tflite", with: "")
        if let data = FileManager.default.contents(atPath: stem + "-expected.json") {
            // onnxruntime's or the TFLite interpreter's output (their tanh and σ are MLAS's or
            // Eigen's approximations): within 1e-5.
            let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let input = try #require(expected["input"] as? [[Double]]),
                output = try #require(expected["output"] as? [Double])
            let path = directory.appendingPathComponent("runtime-window.csv").path
            try input.map { $0.map { "\(Float($0))" }.joined(separator: ",") }.joined(separator: "\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let run = try Self.run(program + [path])
            let ours = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [Double])
            #expect(maxScaledDifference(ours.map { Float($0) }, output.map { Float($0) }) <= 1e-5, "\(file): \(ours)")
            return
        }
        if !FileManager.default.fileExists(atPath: stem + "-trace.json") {
            let input = try InputLoader.loadWindow(stem + "-input.npy", columns: model.inputSize)
            let expected = try InputLoader.loadFlat(stem + "-expected.npy")
            let path = directory.appendingPathComponent("keras-window.csv").path
            try (0..<input.rows).map { input.row($0).map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let run = try Self.run(program + [path])
            let output = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [Double])
            #expect(output.count == expected.count, "\(file)")
            #expect(maxScaledDifference(output.map { Float($0) }, expected) <= 1e-6, "\(file): \(output) \(expected)")
            return
        }
        guard let data = FileManager.default.contents(atPath: stem + "-trace.json"),
            let keras = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let input = keras["input"] as? [[Double]], let layers = keras["layers"] as? [[String: Any]],
            let output = keras["output"] as? [Any]
        else {
            Issue.record("\(stem)-trace.json is not a Keras trace")
            return
        }
        let path = directory.appendingPathComponent("keras-window.csv").path
        try input.map { $0.map { "\(Float($0))" }.joined(separator: ",") }.joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let traced = try Self.run(program + ["--trace", path])
        var worst: Double = 0
        var outputs: [Double] = []
        // A Bidirectional's halves are one entry each, under the wrapper's name with a direction.
        let names = layers.map { ($0["name"] as? String ?? "") + (($0["direction"] as? String).map { "/" + $0 } ?? "") }
        for line in traced.out.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let value = Double(f[4])!
            if f[0] == "output" { outputs.append(value); continue }
            guard f[2] == "h" || f[2] == "c", let l = names.firstIndex(of: f[0]),
                let rows = layers[l][f[2]] as? [[Double]]
            else { continue }
            // Keras's trace lists a layer's steps in the order it reads the window.
            let t = Int(f[1])!
            let traced = model.traced.first { $0.csvName == f[0] }
            let step = traced?.readsBackwards == true ? rows.count - 1 - t : t
            let expected = rows[step][Int(f[3])!]
            worst = max(worst, abs(value - expected) / max(1, abs(expected)))
        }
        let flat = output.flatMap { ($0 as? [Double]) ?? [($0 as? Double) ?? .nan] }
        for (a, b) in zip(outputs, flat) { worst = max(worst, abs(a - b) / max(1, abs(b))) }
        #expect(outputs.count == flat.count)
        // float16 weights: Keras computed in float16. An exponential activation turns float32's
        // rounding of its argument (1e-7 of a value near 20) into that much relative error.
        let tolerance = file.contains("float16") ? 2e-3 : file.contains("exponential") ? 5e-6 : 1e-6
        #expect(worst <= tolerance, "\(file): C against Keras \(worst)")
    }

    /// A trace CSV printed by an export (every vector of every step, then the output) against
    /// the replay: every value there, within 2e-6 (relative above 1).
    static func expectTraceEqualsTheReplay(_ text: String, model: Model, window: Matrix, file: String) throws {
        let ours = try ModelTrace(model: model, input: window)
        var largest: Float = 0, inputs: Float = 0
        var values = 0
        var outputs: [Int: Float] = [:]
        let layerNames = model.traced.map(\.csvName)
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let value = try #require(Float(fields[4]))
            if fields[0] == "output" {
                outputs[Int(fields[3])!] = value
                continue
            }
            guard let l = layerNames.firstIndex(of: fields[0].replacingOccurrences(of: "\"", with: "")),
                fields[2] != "masked"
            else { continue }
            let t = Int(fields[1])!
            let step = model.traced[l].readsBackwards ? window.rows - 1 - t : t
            // x: the row the layer read at that step (a skipped step's too).
            if fields[2] == "x" {
                let mine = ours.layers[l].inputs[step, Int(fields[3])!]
                inputs = max(inputs, abs(mine - value) / max(1, abs(mine)))
                continue
            }
            let vector = try #require(VectorName(rawValue: fields[2]))
            let mine = try #require(ours.layers[l].value(vector, at: step, unit: Int(fields[3])!))
            // Relative above 1: float32 has 1e-6 of absolute room only below 8 (elu, gelu and
            // relu layers reach tens).
            largest = max(largest, abs(mine - value) / max(1, abs(mine)))
            values += 1
        }
        // Every vector of every step, but a skipped (masked) step's gates, which trace leaves out too.
        let expected = ours.layers.reduce(0) { total, layer in
            let gates = layer.vectorNames.filter { !$0.isState }.count
            let skipped = layer.stepRange.filter { layer.isMasked(at: $0) }.count
            return total + layer.steps * layer.units * layer.vectorNames.count - skipped * layer.units * gates
        }
        #expect(values == expected, "\(file)")
        #expect(inputs <= 2e-6, "\(file): x differs by \(inputs)")
        // The replay's σ and tanh are vectorised (within 3e-7 of libm's): 2e-6 against it; against
        // Keras itself the bound is 1e-6.
        #expect(largest <= 2e-6, "\(file): largest step difference \(largest)")
        let output = (0..<ours.output.count).map { outputs[$0] ?? .nan }
        #expect(maxScaledDifference(output, ours.output) <= 1e-6, "\(file): \(output) against \(ours.output)")
    }
}

extension TracedLayer {
    /// The name trace CSV gives the layer: `lstm`, or `bi/forward` for a Bidirectional's half.
    var csvName: String { name + (direction.map { "/\($0.rawValue)" } ?? "") }
}

extension CExportTests {
    /// A kind the exporters have no step for is refused, naming the layer (no file lstmscope
    /// reads has one today: every kind it reads exports).
    @Test func whatCannotBeExportedIsRefusedNamingTheLayer() throws {
        let leaky = LeakyRNN(
            kernel: Matrix(rows: 2, columns: 3, values: (0..<6).map { sin(Float($0)) }),
            recurrentKernel: Matrix(rows: 3, columns: 3, values: (0..<9).map { cos(Float($0)) }))
        let model = try Model(layers: [.recurrent(leaky)], inputSize: 2)
        let window = Matrix.sineWindow(steps: 4, features: 2)
        #expect {
            try CExport(model: model, prefix: "model", window: window)
        } throws: { ($0 as? ExportRefusal)?.message.contains("layer \"leaky\"") == true }
        #expect {
            try NumPyExport(model: model)
        } throws: { ($0 as? ExportRefusal)?.message.contains("layer \"leaky\"") == true }
    }

    /// A TFLite int8 hybrid model's C and NumPy programs compute as the interpreter does (the
    /// int8 codes of x and h are the same): over 60 windows of each hybrid fixture, the C equals
    /// the replay exactly and both are within 1e-6 of the interpreter's outputs
    /// (scripts/make_tflite_fixtures.py).
    @Test(arguments: ["hybrid_int8", "hybrid_symmetric_int8", "hybrid_stacked_int8"])
    func int8HybridExportsEqualTheInterpreterOverManyWindows(name: String) throws {
        let model = try ModelLoader.load(Fixtures.path("tflite/\(name).tflite"))
        let windows = try InputLoader.loadFlat(Fixtures.path("tflite/\(name)-windows.npy"))
        let outputs = try InputLoader.loadFlat(Fixtures.path("tflite/\(name)-window-outputs.npy"))
        let rows = 7, features = model.inputSize, count = 60, width = outputs.count / count
        #expect(windows.count == count * rows * features)
        let export = try CExport(
            model: model, prefix: "model", window: Matrix.sineWindow(steps: rows, features: features))
        let directory = try Self.written(export)
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = directory.appendingPathComponent("model").path
        let build = try Self.build(directory, prefix: "model", output: binary)
        #expect(build.status == 0, "\(build.err)")
        guard build.status == 0 else { return }
        var worst: Float = 0
        for k in 0..<count {
            let x = Matrix(
                rows: rows, columns: features,
                values: Array(windows[(k * rows * features)..<((k + 1) * rows * features)]))
            let path = directory.appendingPathComponent("window\(k).csv").path
            try (0..<rows).map { x.row($0).map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let run = try Self.run([binary, path])
            let ours = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [Double]).map {
                Float($0)
            }
            #expect(ours == (try model.predict(x)), "window \(k): the C differs from the replay")
            worst = max(worst, maxScaledDifference(ours, Array(outputs[(k * width)..<((k + 1) * width)])))
        }
        #expect(worst <= 1e-6, "\(name): the C's worst window is \(worst) from the interpreter")
        // The NumPy program, all windows in one python3.
        let numpy = try NumPyExport(model: model)
        try numpy.program.write(to: directory.appendingPathComponent("model.py"), atomically: true, encoding: .utf8)
        try NPZWriter.write(
            numpy.arrays.map { ($0.name, $0.shape, $0.values) }, to: directory.appendingPathComponent("weights.npz"))
        let driver = """
            import json, sys, warnings
            import numpy as np
            warnings.simplefilter("error")
            sys.path.insert(0, sys.argv[1])
            import model
            windows = np.load(sys.argv[2])
            print(json.dumps([[float(v) for v in np.ravel(model.run(w, lambda *a, **k: None))] for w in windows]))
            """
        let run = try Self.run([
            NumPyExportTests.python, "-c", driver, directory.path, Fixtures.path("tflite/\(name)-windows.npy"),
        ])
        #expect(run.status == 0, "\(run.err)")
        let rowsOut = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [[Double]])
        #expect(rowsOut.count == count)
        let numpyWorst =
            rowsOut.enumerated().map { k, row in
                maxScaledDifference(row.map { Float($0) }, Array(outputs[(k * width)..<((k + 1) * width)]))
            }.max() ?? 1
        #expect(numpyWorst <= 1e-6, "\(name): the NumPy program's worst window is \(numpyWorst)")
    }

    /// Names from a file end up in C comments, C strings and Python: none can break the build.
    @Test func hostileNamesStillBuildAndRun() throws {
        let name = "a*/ /*b??/\"c\\d\ne"
        let lstm = try LSTMLayer(
            name: name, kernel: Matrix(rows: 2, columns: 8, values: (0..<16).map { sin(Float($0)) }),
            recurrentKernel: Matrix(rows: 2, columns: 8, values: (0..<16).map { cos(Float($0)) }), bias: nil)
        var model = try Model(layers: [.lstm(lstm)], inputSize: 2)
        model.provenance.path = "dir*/x??/y.keras"
        let window = Matrix.sineWindow(steps: 5, features: 2)
        let export = try CExport(model: model, prefix: "port", window: window)
        let directory = try Self.written(export)
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = directory.appendingPathComponent("model").path
        let build = try Self.build(directory, prefix: "port", output: binary, flags: [])
        #expect(build.status == 0, "\(build.err)")
        #expect(try Self.run([binary, "--selftest"]).status == 0)
        let numpy = try NumPyExport(model: model)
        try numpy.program.write(to: directory.appendingPathComponent("model.py"), atomically: true, encoding: .utf8)
        let syntax = try Self.run([
            "/usr/bin/python3", "-m", "py_compile", directory.appendingPathComponent("model.py").path,
        ])
        #expect(syntax.status == 0, "\(syntax.err)")
        // `main` would be the program's own file; a keyword would not compile.
        for taken in ["main", "int"] {
            #expect(throws: CExport.Refusal.self) { try CExport(model: model, prefix: taken, window: window) }
        }
    }
}

extension CExportTests {
    /// A seeded LSTM layer (weights from sin and cos, so every run is the same).
    static func lstm(_ name: String, inputs: Int, units: Int, sequences: Bool, backwards: Bool) throws -> LSTMLayer {
        let w = (0..<inputs * 4 * units).map { 0.6 * sin(Float($0) * 1.3 + Float(name.count)) }
        let u = (0..<units * 4 * units).map { 0.5 * cos(Float($0) * 0.7 + Float(name.count)) }
        return try LSTMLayer(
            name: name, kernel: Matrix(rows: inputs, columns: 4 * units, values: w),
            recurrentKernel: Matrix(rows: units, columns: 4 * units, values: u),
            bias: (0..<4 * units).map {
                0.1 * Float($0 % 5)
            }, returnSequences: sequences, goBackwards: backwards)
    }

    /// A Bidirectional whose wrapped layer reads backwards (Keras allows go_backwards=True
    /// there; its "forward" half then reads from the end and the backward half from the start):
    /// Keras merges the first half's rows in its reading order and flips the second's, masked
    /// or not; the C and the NumPy program do as the walker does.
    @Test(arguments: [false, true])
    func aBidirectionalWhoseFirstHalfReadsBackwardsMergesAsKeras(masked: Bool) throws {
        let first = try Self.lstm("f", inputs: 3, units: 4, sequences: true, backwards: true)
        let second = try Self.lstm("bb", inputs: 3, units: 4, sequences: true, backwards: false)
        let bi = try BidirectionalLayer(name: "bi", forward: .lstm(first), backward: .lstm(second), merge: .concat)
        let top = try Self.lstm("top", inputs: 8, units: 2, sequences: false, backwards: false)
        let dense = try DenseLayer(name: "out", kernel: Matrix(rows: 2, columns: 1, values: [0.7, -0.4]), bias: [0.1])
        let layers: [Layer] =
            (masked ? [.masking(name: "m", value: 0)] : []) + [.bidirectional(bi), .lstm(top), .dense(dense)]
        let model = try Model(layers: layers, inputSize: 3)
        var window = Matrix.sineWindow(steps: 9, features: 3)
        if masked { for row in [0, 4] { for k in 0..<3 { window[row, k] = 0 } } }
        try Self.expectExportEqualsTheReplay(
            model, window: window, file: "bidirectional, first half backwards", keras: false)
        try NumPyExportTests.expectProgramEqualsTheReplay(model, window: window, file: "bidirectional (NumPy)")
    }

    /// The C names its own statics so that no prefix collides with them (`print` once made
    /// `print_step`, a static of main.c); a MAX_STEPS the buffers cannot hold does not build;
    /// a window with an empty cell is refused as lstmscope refuses it.
    @Test func prefixesLimitsAndEmptyCells() throws {
        let model = try ModelLoader.load(Fixtures.path("shapes/mask_bidi_seq.keras"))
        let window = Self.window(for: model)
        for prefix in ["print", "parse", "read", "row", "trace", "number"] {
            let export = try CExport(model: model, prefix: prefix, window: window)
            let directory = try Self.written(export)
            defer { try? FileManager.default.removeItem(at: directory) }
            let binary = directory.appendingPathComponent("model").path
            let build = try Self.build(directory, prefix: prefix, output: binary, flags: [])
            #expect(build.status == 0, "\(prefix): \(build.err)")
            guard prefix == "print" else { continue }
            let huge = try Self.build(
                directory, prefix: prefix, output: binary + "-huge", flags: ["-DPRINT_MAX_STEPS=2000000000"],
                strict: false)
            #expect(huge.status != 0 && huge.err.contains("PRINT_MAX_STEPS is out of range"), "\(huge.err)")
            let csv = directory.appendingPathComponent("empty.csv").path
            try "1,,2\n".write(toFile: csv, atomically: true, encoding: .utf8)
            let run = try Self.run([binary, csv])
            #expect(run.status == 1 && run.err.contains("line 1 is not 3 numbers"), "\(run.err)")
        }
    }
}
