import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Every class of broken file gives a `LoadError` that names the file and the problem.
@Suite struct BadInputTests {
    static let models: [(String, LoadError.Kind, String)] = [
        ("truncated.keras", .notAnArchive, "truncated"),
        // Found by fuzzing: its directory points past the end, where ZIPFoundation 0.9.20 traps.
        ("zip_offset_past_end.npz", .notAnArchive, "lies outside"),
        ("deep_config.keras", .invalidConfig, "nesting deeper than 64 levels"),
        ("long_string_config.keras", .invalidConfig, "a string of 2097153 bytes"),
        ("not_keras.keras", .notKerasArchive, "neither a .keras model"),
        ("bad_config.keras", .invalidConfig, "not valid JSON"),
        ("random.h5", .unknownFormat, "not a model file"),
        ("no_recurrent_kernel.h5", .missingWeights, "recurrent_kernel"),
        ("no_recurrent_kernel.keras", .missingWeights, "recurrent_kernel"),
        ("w_not_div4.npz", .badShape, "not divisible by 4"),
        ("u_wrong.npz", .badShape, "(hu, 4·hu) = (3, 12)"),
        ("u_wrong.h5", .badShape, "recurrent kernel U has shape (4, 12) but must be (3, 12)"),
        ("b_wrong.keras", .badShape, "bias b has shape (10,) but must be (12,)"),
        ("b_wrong.npz", .badShape, "arr_2 (10,)"),
        ("dense_rows_wrong.npz", .badShape, "Dense kernel has 4 rows but the layer before it gives 3"),
        ("dense_rows_wrong.h5", .badShape, "Dense kernel has 4 rows"),
        ("empty.keras", .empty, "empty"),
        ("directory.keras", .isDirectory, "directory"),
        ("unsupported_lambda.keras", .unsupportedLayer, "unsupported layer lambda (class Lambda)"),
        ("external_link.h5", .refused, "external link"),
        ("external_storage.h5", .refused, "external file"),
        ("zip_bomb.npz", .tooLarge, "zip bomb"),
        ("zip_bomb_understated.npz", .tooLarge, "inflates past"),
        ("pickle.pt", .refused, "never unpickles"),
    ]

    @Test(arguments: models)
    func brokenModelIsRefusedClearly(file: String, kind: LoadError.Kind, message: String) {
        let path = Fixtures.path("bad/" + file)
        do {
            _ = try ModelLoader.load(path)
            Issue.record("\(file) loaded")
        } catch {
            #expect(error.kind == kind, "\(error)")
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.problem.contains(message), "\(error.problem)")
        }
    }

    @Test func unsupportedLayerClassIsNamed() {
        #expect(throws: LoadError.self) { try ModelLoader.load(Fixtures.path("keras/unsupported.keras")) }
        do { _ = try ModelLoader.load(Fixtures.path("keras/unsupported.h5")) } catch {
            #expect(error.problem.contains("class Conv1D"))
        }
    }

    @Test func missingFileIsNamed() {
        do { _ = try ModelLoader.load("/no/such/model.keras") } catch {
            #expect(error.kind == .notFound)
            #expect(error.description == "/no/such/model.keras: no such file")
        }
    }

    /// A device has no end to read to: refused by what it is, before any read (a loader
    /// reading /dev/zero filled memory). A pipe (`--input <(…)`) is read, up to a limit; a
    /// symbolic link to a model loads.
    @Test func devicesAreRefusedAndPipesRead() throws {
        for path in ["/dev/zero", "/dev/urandom"] {
            do {
                _ = try ModelLoader.load(path)
                Issue.record("\(path) loaded")
            } catch {
                #expect(error.kind == .unreadable && error.problem.contains("not a regular file"), "\(error)")
            }
            #expect(throws: LoadError.self) { try InputLoader.loadWindow(path, columns: 3) }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-special-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe.npy").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat \"$0\" > \"$1\"", Fixtures.sample("tutorial-input.npy"), fifo]
        try writer.run()
        let window = try InputLoader.loadWindow(fifo, columns: 3)
        writer.waitUntilExit()
        #expect(window == (try InputLoader.loadWindow(Fixtures.sample("tutorial-input.npy"), columns: 3)))
        let link = folder.appendingPathComponent("link.keras").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: Fixtures.sample("tutorial.keras"))
        #expect(try ModelLoader.load(link).inputSize == 3)
    }

    static let inputs: [(String, String)] = [
        ("input_wrong_columns.npy", "has 4 columns but the model expects 2"),
        ("input_nonnumeric.csv", "\"abc\" is not a number"),
        ("input_ragged.csv", "ragged rows"),
        ("input_ragged.json", "ragged rows"),
        // Issue #12: what a CSV reader must not guess.
        ("input_empty_cell.csv", "line 3, column 2: empty cell"),
        ("input_pandas_header.csv", "the header pandas writes for unnamed columns"),
        ("input_typo_first_row.csv", "line 1 mixes numbers and text (\"O.25\" in column 2)"),
        ("npy_header_too_long.npy", "is not the dictionary NumPy writes"),
        ("input_deep.json", "nesting deeper than 64 levels"),
        ("empty.csv", "empty"),
        ("npy_claims_more.npy", "claims shape [1000000, 3]"),
        ("huge_claim.npy", "claims shape [100000000000, 100000]"),
    ]

    @Test(arguments: inputs)
    func brokenInputIsRefusedClearly(file: String, message: String) {
        do {
            _ = try InputLoader.loadWindow(Fixtures.path("bad/" + file), columns: 2)
            Issue.record("\(file) loaded")
        } catch {
            #expect(error.problem.contains(message), "\(error.problem)")
        }
    }

    @Test func nanWeightsLoadAndTheTraceShowsWhereNaNAppears() throws {
        for file in ["nan_weights.keras", "nan_weights.npz", "inf_weights.npz"] {
            let model = try ModelLoader.load(Fixtures.path("bad/" + file))
            let trace = try ModelTrace(model: model, input: Matrix.sineWindow(steps: 5, features: model.inputSize))
            let h0 = trace.layers[0].vector(.h, at: 0)!
            #expect(h0.contains { $0.isNaN }, "\(file)")
            #expect(trace.output.contains { $0.isNaN })
        }
    }

    @Test func escapeSequencesInNamesLoadAsPlainText() throws {
        let model = try ModelLoader.load(Fixtures.path("bad/escape_name.keras"))
        #expect(model.layers[0].name.contains("\u{1B}"))
    }
}
