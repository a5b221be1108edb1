import Foundation
import TestSupport
import Testing

/// The command line refuses what it cannot honour instead of quietly doing something else
/// (issue #12), and gives the same bytes for the same file every time.
@Suite(.timeLimit(.minutes(2))) struct TrustCommandLineTests {
    /// An empty `$MODEL` in a script fails: only the explorer opens the bundled sample.
    @Test(arguments: [["inspect"], ["trace"], ["inspect", ""]])
    func inspectAndTraceNeedAModel(arguments: [String]) throws {
        let r = try Binary.run(arguments)
        #expect(r.status == 2)
        #expect(r.err.contains("needs a model"), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test func mistypedCommandGetsADidYouMean() throws {
        let r = try Binary.run(["inpsect", Fixtures.sample("tutorial.keras")])
        #expect(r.status == 2)
        #expect(r.err.contains("unknown command 'inpsect'; did you mean 'inspect'?"), "\(r.err)")
    }

    @Test func negativeToleranceIsExplained() throws {
        let r = try Binary.run(["trace", Fixtures.sample("tutorial.keras"), "--tolerance", "-1"])
        #expect(r.status == 2)
        #expect(r.err.contains("--tolerance must be a number of 0 or more"), "\(r.err)")
    }

    /// A file that says its own architecture is not overridden by options meant for .npz.
    @Test(arguments: [["--activation", "relu"], ["--keras-version", "2"]])
    func npzOptionsAreRefusedForFilesWithAConfig(option: [String]) throws {
        let r = try Binary.run(["inspect", Fixtures.sample("tutorial.keras")] + option)
        #expect(r.status == 2)
        #expect(r.err.contains("\(option[0]) applies only to .npz weights"), "\(r.err)")
        let npz = try Binary.run(["inspect", Fixtures.sample("tutorial.npz")] + option)
        #expect(npz.status == 0, "\(npz.err)")
    }

    @Test func ignoredTensorsAreListedByInspect() throws {
        let path = Fixtures.path("bad/torch_extra_layernorm.safetensors")
        let refused = try Binary.run(["inspect", path])
        #expect(refused.status == 1)
        #expect(refused.err.contains("--ignore-tensors 'norm.*'"), "\(refused.err)")
        let text = try Binary.run(["inspect", path, "--ignore-tensors", "norm.*"])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("left out (--ignore-tensors), not replayed: norm.bias (4,), norm.weight (4,)"))
        let json = try Binary.run(["inspect", path, "--ignore-tensors", "norm.*", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [String: Any]
        #expect(object["ignored_tensors"] as? [String] == ["norm.bias (4,)", "norm.weight (4,)"])
        let keras = try Binary.run(["inspect", Fixtures.sample("tutorial.keras"), "--ignore-tensors", "x"])
        #expect(keras.status == 2)
    }

    /// `--expect` of the wrong length differs (exit 3, with why); `{"output": …}` is taken as
    /// well as a list; the verdict is in the JSON.
    @Test func expectVerdictsAreInTheJSONAndWrongLengthsDiffer() throws {
        let model = Fixtures.sample("tutorial.keras"), input = Fixtures.sample("tutorial-input.npy")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lstmscope-expect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let wrong = directory.appendingPathComponent("wrong.json").path
        try Data("[1, 2]".utf8).write(to: URL(fileURLWithPath: wrong))
        let r = try Binary.run(["trace", model, "--input", input, "--expect", wrong, "--format", "json"])
        #expect(r.status == 3, "\(r.err)")
        #expect(r.err.contains("has 2 values but the model's output has 1 (shape (1,)): DIFFERS"), "\(r.err)")
        let verdict =
            (try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any])["expect"]
            as! [String: Any]
        #expect(verdict["matches"] as? Bool == false && verdict["largest_difference"] is NSNull)
        // The trace JSON itself, and the samples' Keras output, as --expect.
        let trace = directory.appendingPathComponent("trace.json").path
        let own = try Binary.run(["trace", model, "--input", input, "--format", "json"])
        try Data(own.out.utf8).write(to: URL(fileURLWithPath: trace))
        let object = directory.appendingPathComponent("expected.json").path
        try Data(#"{"output": [-0.71914005]}"#.utf8).write(to: URL(fileURLWithPath: object))
        for expect in [trace, object, Fixtures.sample("tutorial-expected.npy")] {
            let again = try Binary.run(["trace", model, "--input", input, "--expect", expect, "--format", "json"])
            #expect(again.status == 0, "\(expect): \(again.err)")
            let v =
                (try JSONSerialization.jsonObject(with: Data(again.out.utf8)) as! [String: Any])["expect"]
                as! [String: Any]
            #expect(v["matches"] as? Bool == true && (v["largest_difference"] as? Double ?? 1) <= 1e-5)
        }
    }

    /// Found by fuzzing: a damaged variable-length string makes libhdf5 ask for 4 GB (it touched
    /// 1.6 GB before the watchdog stopped it). Under the load's address-space cap the allocation
    /// fails and libhdf5 reports an error: one line, at once.
    @Test func aGiantAllocationInsideLibhdf5FailsCleanly() throws {
        let path = Fixtures.path("bad/hdf5_vlen_4gb.h5")
        let r = try Binary.run(["inspect", path])
        #expect(r.status == 1)
        let message = "damaged HDF5 file: cannot read attribute weight_names of /model_weights/lstm"
        #expect(r.err == "lstmscope: error: \(path): \(message)\n")
    }

    /// Names with bidi overrides and zero-width characters are shown escaped, never raw.
    @Test func invisibleFormattingInNamesIsEscaped() throws {
        let r = try Binary.run(["inspect", Fixtures.path("bad/bidi_name.keras")])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("lstm\\u{202E}evil\\u{2066}x\\u{200B}\\u{FEFF}\\u{2028}end"))
        for scalar in ["\u{202E}", "\u{2066}", "\u{200B}", "\u{FEFF}", "\u{2028}"] { #expect(!r.out.contains(scalar)) }
        let json = try Binary.run(["inspect", Fixtures.path("bad/bidi_name.keras"), "--format", "json"])
        #expect(json.out.contains(#""lstm\u202eevil\u2066x\u200b\ufeff\u2028end""#), "\(json.out.prefix(300))")
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [String: Any]
        let names = (object["layers"] as! [[String: Any]]).map { $0["name"] as? String }
        #expect(names.first == "lstm\u{202E}evil\u{2066}x\u{200B}\u{FEFF}\u{2028}end")
    }

    /// The same file gives the same bytes on every run (state-dict heads once followed
    /// hash-table order: twelve runs of one file gave three models).
    @Test(arguments: [
        "bad/torch_two_linears.safetensors", "bad/torch_noprefix.npz",
        "bad/functional_out_of_order.keras",
        "torch/named.safetensors", "keras/plain.npz",
    ])
    func repeatedRunsGiveIdenticalBytes(file: String) throws {
        let path = Fixtures.path(file)
        for command in [
            ["inspect", path, "--format", "json"], ["inspect", path],
            ["trace", path, "--format", "csv", "--steps", "6"],
        ] {
            let first = try Binary.run(command)
            #expect(first.status == 0, "\(first.err)")
            for _ in 0..<4 {
                let again = try Binary.run(command)
                #expect(again.out == first.out && again.err == first.err, "\(command)")
            }
        }
    }
}
