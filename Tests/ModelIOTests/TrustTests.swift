import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Files that once gave a wrong answer without a word, or ran away (issue #12): each class is
/// refused naming the problem, or loads and gives what the real library computes. The files are
/// made by `scripts/make_trust_fixtures.py`; `Tests/Fixtures/bad/README.md` says what each is
/// and what Keras, NumPy, safetensors or zipfile made of it.
@Suite struct TrustTests {
    static let refused: [(String, LoadError.Kind, String)] = [
        // Every tensor of a state dict is used, or the load names those left over.
        ("torch_extra_layernorm.safetensors", .unsupportedLayer, "would not use: norm.bias (4,), norm.weight (4,)"),
        ("torch_two_modules.safetensors", .unsupportedLayer, "2 recurrent modules (decoder., encoder.)"),
        ("torch_gru_bias16.safetensors", .badShape, "has shape (16,) but a GRU of 5 units needs (15,)"),
        // Functional graphs are followed, and what a chain cannot replay is named.
        ("functional_cycle.keras", .invalidConfig, "cycle (first → second → first)"),
        ("functional_two_outputs.keras", .unsupportedLayer, "2 outputs (a, b)"),
        ("functional_merge.keras", .unsupportedLayer, "(Concatenate) joins 2 inputs"),
        // Zip archives are what their central directory says, and nothing ambiguous.
        ("zip_duplicate_config.keras", .notAnArchive, "two entries are named config.json"),
        ("zip_hidden_entry_forged_crc.keras", .notAnArchive, "archive entry model.weights.h5 fails its CRC-32 check"),
        ("zip_local_mismatch.keras", .notAnArchive, "the local header of model.weights.h5 names model.weights.h6"),
        ("polyglot.h5", .refused, "both an HDF5 file (signature at byte 0) and a zip archive"),
        ("zip_bomb_ratio.npz", .tooLarge, "claims 67108992 bytes from 65318 compressed, 1027:1"),
        // Counts are checked before anything is read.
        ("hdf5_amplification.keras", .missingWeights, "has 3003 weight arrays in model.weights.h5 but needs at most 3"),
        ("hdf5_amplification.h5", .missingWeights, "lists 3003 weight arrays but needs at most 3"),
        (
            "hdf5_unused_weights.keras", .missingWeights,
            "holds weights that no layer of config.json uses: layers/dense_1 (2 arrays)"
        ),
        (
            "hdf5_unused_weights.h5", .missingWeights,
            "no layer of its model_config uses: model_weights/dense_1 (2 arrays)"
        ),
        // Headers that lie.
        ("safetensors_overlap.safetensors", .invalidArray, "overlaps the tensor before it"),
        ("safetensors_duplicate_key.safetensors", .invalidConfig, "given twice in one object"),
        ("safetensors_hole.safetensors", .invalidArray, "belong to no tensor"),
        // Config values of the wrong JSON type, naming the key and the layer.
        (
            "config_string_go_backwards.keras", .invalidConfig,
            "layer \"lstm\" (LSTM): config value go_backwards is the string \"false\" but must be true or false"
        ),
        (
            "config_string_units.keras", .invalidConfig,
            "config value units is the string \"3\" but must be a whole number"
        ),
        ("config_float_units.keras", .invalidConfig, "config value units is the number 3.5 but must be a whole number"),
        (
            "config_string_return_sequences.keras", .invalidConfig,
            "return_sequences is the number 0 but must be true or false"
        ),
        // Numbers that would size an allocation.
        ("lookback_huge.keras", .invalidConfig, "says the window has 1000000000000 steps"),
        ("lookback_negative.keras", .invalidConfig, "has -1 at axis 1; dimensions are at least 1"),
        ("lookback_float.keras", .invalidConfig, "at axis 1; dimensions are whole numbers or null"),
        ("lookback_string.keras", .invalidConfig, "has the string \"5\" at axis 1"),
    ]

    @Test(arguments: refused)
    func craftedFileIsRefusedNamingTheProblem(file: String, kind: LoadError.Kind, message: String) {
        let path = Fixtures.path("bad/" + file)
        do {
            let model = try ModelLoader.load(path)
            Issue.record("\(file) loaded as \(model.chainDescription)")
        } catch {
            #expect(error.kind == kind, "\(error)")
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.problem.contains(message), "\(error.problem)")
        }
    }

    /// A state dict without a module prefix keeps its Linear head (it was dropped: 5 outputs for 2).
    @Test(arguments: ["torch_noprefix.safetensors", "torch_noprefix.npz"])
    func stateDictWithoutPrefixKeepsItsHead(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path("bad/" + file))
        #expect(model.chainDescription == "LSTM(5, seq) → LSTM(5) → Dense(2)")
        #expect(model.fileParameterCount == 452)  // PyTorch's count for lstm2, whose numbers these are
        let torch = try KerasTrace(path: Fixtures.path("torch/lstm2-trace.json"))
        #expect(maxAbsDifference(try model.predict(torch.input), torch.output) <= 1e-5)
    }

    /// Linear layers chain in the one order their shapes allow, whatever the file's order.
    @Test(arguments: ["torch_two_linears.npz", "torch_two_linears.safetensors"])
    func linearHeadsChainByShape(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path("bad/" + file))
        #expect(model.layers.map(\.name) == ["lstm.l0", "fc1", "fc2"])
        #expect(model.chainDescription == "LSTM(4) → Dense(4) → Dense(1)")
    }

    /// `--ignore-tensors` leaves tensors out on purpose, and the model says which.
    @Test func ignoredTensorsAreListed() throws {
        var options = ArchitectureOptions()
        options.ignoredTensors = ["norm.*"]
        let model = try ModelLoader.load(Fixtures.path("bad/torch_extra_layernorm.safetensors"), options: options)
        #expect(model.provenance.ignoredTensors == ["norm.bias (4,)", "norm.weight (4,)"])
        let torch = try KerasTrace(path: Fixtures.path("torch/lstm-trace.json"))
        #expect(maxAbsDifference(try model.predict(torch.input), torch.output) <= 1e-5)
        options.ignoredTensors = ["nothing.*"]
        #expect(throws: LoadError.self) {
            try ModelLoader.load(Fixtures.path("bad/torch_extra_layernorm.safetensors"), options: options)
        }
    }

    /// Layers listed out of order in a Functional config run in graph order, as Keras runs them.
    @Test(arguments: [
        "functional_two_dense.keras", "functional_two_dense.h5",
        "functional_out_of_order.keras", "functional_out_of_order.h5",
    ])
    func functionalModelsFollowTheirGraph(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path("bad/" + file))
        #expect(model.layers.map(\.name) == ["lstm", "first", "second", "out"])
        let input = try InputLoader.loadWindow(Fixtures.path("bad/functional_two_dense-input.npy"))
        let expected = try InputLoader.loadFlat(Fixtures.path("bad/functional_two_dense-expected.npy"))
        #expect(maxAbsDifference(try model.predict(input), expected) <= 1e-5)
    }

    /// Files Keras loads as plain.keras: a hidden local entry is never read, a group linked into
    /// itself is walked once.
    @Test(arguments: ["zip_hidden_entry.keras", "hdf5_self_link.keras"])
    func oddButValidFilesLoadLikeTheOriginal(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path("bad/" + file))
        let keras = try KerasTrace(path: Fixtures.path("keras/plain-trace.json"))
        #expect(maxAbsDifference(try model.predict(keras.input), keras.output) <= 1e-6)
    }

    /// NumPy refuses these headers; so does lstmscope, instead of reading the data shifted.
    @Test(arguments: [
        ("npy_header_too_long.npy", "is not the dictionary NumPy writes"),
        ("npy_header_extra_key.npy", "must hold exactly descr"),
        ("npy_fortran_string.npy", "must hold exactly descr"),
    ])
    func lyingNpyHeadersAreRefused(file: String, message: String) {
        do {
            _ = try InputLoader.loadWindow(Fixtures.path("bad/" + file))
            Issue.record("\(file) loaded")
        } catch {
            #expect(error.kind == .invalidArray)
            #expect(error.problem.contains(message), "\(error.problem)")
        }
    }

    /// A key given twice in any JSON the tool reads is ambiguous, even in a config.
    @Test func duplicateKeysInJSONAreRefused() {
        let config = #"{"class_name": "Sequential", "config": {"name": "m", "name": "n", "layers": []}}"#
        #expect {
            try ModelLoader.load(kerasConfig: Data(config.utf8), weights: Data(), path: "m.keras")
        } throws: { ($0 as? LoadError)?.problem.contains("the key \"name\" given twice") == true }
        let escaped = #"{"class_name": "Sequential", "config": {"name": "m", "n\u0061me": "n", "layers": []}}"#
        #expect {
            try ModelLoader.load(kerasConfig: Data(escaped.utf8), weights: Data(), path: "m.keras")
        } throws: { ($0 as? LoadError)?.problem.contains("given twice") == true }
    }

    /// Every number a CSV window holds reads as the nearest Float, exactly as Swift's own
    /// `Float(String)` reads it, through the fast path or around it (ties, subnormals, long
    /// mantissas, big exponents).
    @Test func csvNumbersAreCorrectlyRounded() throws {
        var texts = [
            "0", "-0", "0.1", "-0.5", "1e-38", "1.1754944e-38", "1e-45", "3.4028235e38", "3.4028236e38",
            "16777217", "16777219", "33554434", "0.30000001192092896", "1e22", "1e23", "123456789012345",
            "1234567890123456789", "9007199254740993", "4.9406564584124654e-324", "+7", "2.5E+3", "1e0",
            "0.000000000000000000000000000001", "nan", "-inf", "0x1p-3",
        ]
        // Seeded, so that a failure can be run again.
        var generator = SplitMix64(seed: 12)
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...18, using: &generator)
            let mantissa = String((0..<digits).map { _ in "0123456789".randomElement(using: &generator)! })
            let point = Int.random(in: 0...digits, using: &generator)
            var text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            if Bool.random(using: &generator) { text += "e\(Int.random(in: -45...38, using: &generator))" }
            if Bool.random(using: &generator) { text = "-" + text }
            texts.append(text)
        }
        let window = try InputLoader.loadWindow(data: Data(texts.joined(separator: "\n").utf8), path: "n.csv")
        for (text, value) in zip(texts, window.values) {
            let expected = Float(text)!
            #expect(value.bitPattern == expected.bitPattern || value.isNaN && expected.isNaN, "\(text)")
        }
    }

    /// The CSV reader reads what `.npy` holds, refuses empty cells, and stops a line that is longer
    /// than the model's input at once.
    @Test func csvWindowsAreReadInOnePass() throws {
        var text = "x0,x1,x2\n"
        var values: [Float] = []
        for t in 0..<200 {
            let row = (0..<3).map { k in Float(sin(Double(t) * 0.37 + Double(k))) * 1e3 }
            values += row
            text += row.map { "\($0)" }.joined(separator: t % 2 == 0 ? "," : " ; ") + (t % 3 == 0 ? "\r\n" : "\n")
        }
        let window = try InputLoader.loadWindow(data: Data(text.utf8), path: "w.csv", columns: 3)
        #expect(window.rows == 200 && window.columns == 3)
        #expect(window.values == values)
        #expect {
            try InputLoader.loadWindow(data: Data("1,,2\n".utf8), path: "w.csv")
        } throws: { ($0 as? LoadError)?.problem == "line 1, column 2: empty cell" }
        #expect {
            try InputLoader.loadWindow(data: Data("1,2,\n".utf8), path: "w.csv")
        } throws: { ($0 as? LoadError)?.problem.contains("empty cell") == true }
        let wide = Data(([String](repeating: "0.5", count: 1_000_000).joined(separator: ",") + "\n").utf8)
        #expect {
            try InputLoader.loadWindow(data: wide, path: "wide.csv", columns: 3)
        } throws: {
            ($0 as? LoadError)?.problem
                == "line 1 has more than 3 values but the model expects 3 features per step (xu = 3)"
        }
        // A header has only names: a first row with a typo is an error, not a header to skip;
        // pandas' header of unnamed columns is not read as data.
        #expect {
            try InputLoader.loadWindow(data: Data("0.5,O.7\n1,2\n".utf8), path: "w.csv")
        } throws: {
            ($0 as? LoadError)?.problem.contains("line 1 mixes numbers and text (\"O.7\" in column 2)") == true
        }
        #expect {
            try InputLoader.loadWindow(data: Data("0,1,2\n0.5,0.25,1\n".utf8), path: "w.csv")
        } throws: { ($0 as? LoadError)?.problem.contains("the header pandas writes") == true }
        let bom = try InputLoader.loadWindow(data: Data([0xEF, 0xBB, 0xBF] + Array("1,2\n3,4\n".utf8)), path: "w.csv")
        #expect(bom.rows == 2 && bom.values == [1, 2, 3, 4])
        #expect {
            try InputLoader.loadWindow(data: Data("[[1, true]]".utf8), path: "w.json")
        } throws: { ($0 as? LoadError)?.problem == "expected a number at [0][1], found true" }
    }
}
