import Foundation
import TestSupport
import Testing

/// `inspect` and `trace` as scripts use them: outputs, errors and exit codes.
@Suite(.timeLimit(.minutes(2))) struct CommandLineTests {
    @Test func inspectJSONHasTheContractFields() throws {
        let r = try Binary.run(["inspect", Fixtures.sample("tutorial.h5"), "--format", "json"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        #expect(json["format"] as? String == "h5")
        #expect(json["keras_version"] as? String == "3.15.1")
        #expect(json["total_params"] as? Int == 186)
        let layers = json["layers"] as! [[String: Any]]
        #expect(layers.map { $0["type"] as? String } == ["LSTM", "Dense"])
        #expect(layers[0]["units"] as? Int == 5)
        #expect(layers[0]["recurrent_activation"] as? String == "sigmoid")
        let params = layers[0]["params"] as! [[String: Any]]
        #expect(params.map { $0["name"] as? String } == ["W", "U", "b"])
        #expect(params.map { $0["keras_name"] as? String } == ["kernel", "recurrent_kernel", "bias"])
        #expect(params[1]["shape"] as? [Int] == [5, 20])
        #expect(params[0]["count"] as? Int == 60 && params[0]["dtype"] as? String == "float32")
    }

    @Test func traceJSONMatchesKerasAndTheContract() throws {
        let keras = try KerasTrace(path: Fixtures.sample("stacked-trace.json"))
        let r = try Binary.run([
            "trace", Fixtures.sample("stacked.h5"), "--input", Fixtures.sample("stacked-input.npy"), "--format", "json",
        ])
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let layers = json["layers"] as! [[String: Any]]
        #expect(layers.count == 2)
        for (layer, theirs) in zip(layers, keras.layers) {
            #expect(layer["type"] as? String == "LSTM")
            let steps = layer["steps"] as! [[String: Any]]
            #expect(steps.count == theirs.h.count)
            for (t, step) in steps.enumerated() {
                #expect(Set(step.keys) == ["t", "x", "i", "f", "c_tilde", "o", "c", "h"])
                #expect(step["t"] as? Int == t)
                let h = (step["h"] as! [NSNumber]).map(\.floatValue)
                #expect(maxAbsDifference(h, theirs.h[t]) <= 1e-5)
            }
        }
        let output = (json["output"] as! [NSNumber]).map(\.floatValue)
        #expect(maxAbsDifference(output, keras.output) <= 1e-5)
        #expect((json["input"] as! [[NSNumber]]).count == 10)
    }

    @Test func expectReportsTheDifferenceAndExitCodeThreeWhenItDiffers() throws {
        let ok = try Binary.run([
            "trace", Fixtures.sample("tutorial.npz"), "--input", Fixtures.sample("tutorial-input.csv"),
            "--expect", Fixtures.sample("tutorial-expected.npy"),
        ])
        #expect(ok.status == 0)
        #expect(ok.out.contains("matches"))
        let bad = try Binary.run([
            "trace", Fixtures.sample("tutorial.keras"), "--expect", Fixtures.sample("tutorial-expected.npy"),
        ])
        #expect(bad.status == 3)
        #expect(bad.out.contains("DIFFERS"))
        #expect(bad.err.contains("default window"))
    }

    /// An --expect of the wrong length differs (exit 3, saying why); an infinite difference is
    /// reported (scaling it for display never ended).
    @Test func expectOfTheWrongLengthDiffersAndInfinityIsReported() throws {
        let wrong = try Binary.run([
            "trace", Fixtures.sample("tutorial.keras"), "--input", Fixtures.sample("tutorial-input.npy"),
            "--expect", Fixtures.sample("wide-expected.npy"),
        ])
        #expect(wrong.status == 3)
        #expect(
            wrong.out.contains(
                "wide-expected.npy has 3 values but the model's output has 1 "
                    + "(shape (1,)): DIFFERS"), "\(wrong.out)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-inf-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let infinite = folder.appendingPathComponent("inf.csv")
        try Data("inf\n".utf8).write(to: infinite)
        let r = try Binary.run([
            "trace", Fixtures.sample("tutorial.keras"), "--input", Fixtures.sample("tutorial-input.npy"), "--expect",
            infinite.path,
        ])
        #expect(r.status == 3 && r.out.contains("inf (tolerance") && r.out.contains("DIFFERS"))
        // A model whose output overflows to NaN matches a Keras output that is NaN as well.
        let nan = folder.appendingPathComponent("nan.csv")
        try Data("nan\n".utf8).write(to: nan)
        let both = try Binary.run(["trace", Fixtures.path("bad/nan_weights.keras"), "--expect", nan.path])
        #expect(both.status == 0 && both.out.contains("matches"), "\(both.out)")
        #expect(try Binary.run(["trace", Fixtures.sample("tutorial.keras"), "--expect", nan.path]).status == 3)
        #expect(
            try Binary.run(["trace", Fixtures.sample("tutorial.keras"), "--steps", "0"]).err.hasPrefix(
                "lstmscope: error: --steps must be"))

        // A float16 model differs from Keras's float16 arithmetic, and the note says why.
        let keras = try KerasTrace(path: Fixtures.path("keras/float16-trace.json"))
        let input = folder.appendingPathComponent("in.json"), output = folder.appendingPathComponent("out.json")
        try Data(
            ("["
                + (0..<keras.input.rows).map { "[" + keras.input.row($0).map { "\($0)" }.joined(separator: ",") + "]" }
                .joined(separator: ",") + "]").utf8
        ).write(to: input)
        try Data(("[" + keras.output.map { "\($0)" }.joined(separator: ",") + "]").utf8).write(to: output)
        let half = try Binary.run([
            "trace", Fixtures.path("keras/float16.keras"), "--input", input.path, "--expect", output.path,
        ])
        #expect(half.status == 3 && half.err.contains("stored as float16: Keras computed in float16"), "\(half.err)")
    }

    @Test func csvTraceHasOneRowPerValue() throws {
        let r = try Binary.run(["trace", Fixtures.sample("tutorial.keras"), "--format", "csv"])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n")
        #expect(lines.first == "layer,t,vector,unit,value")
        // 4 steps × (3 inputs + 6 vectors × 5 units) + 1 output.
        #expect(lines.count == 1 + 4 * (3 + 30) + 1)
    }

    /// In CSV and text, as in JSON, a Bidirectional's halves are told apart and `t` is the
    /// window's index (the backward half lists t = T − 1 first); a masked step is marked.
    @Test func csvAndTextNameTheBidirectionalHalvesAndUseWindowTime() throws {
        let csv = try Binary.run(["trace", Fixtures.path("rnn/bidi_concat.keras"), "--format", "csv"])
        #expect(csv.status == 0)
        let rows = csv.out.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let x0 = { (layer: String, t: String) in
            rows.first { $0[0] == layer && $0[1] == t && $0[2] == "x" && $0[3] == "0" }?[4]
        }
        #expect(
            rows.contains { $0[0] == "bidirectional/forward" } && rows.contains { $0[0] == "bidirectional/backward" })
        // The backward half's first row is the window's last, labelled t = 6.
        let firstBackward = rows.first { $0[0] == "bidirectional/backward" }
        #expect(firstBackward?[1] == "6")
        for t in ["0", "3", "6"] {
            #expect(x0("bidirectional/forward", t) == x0("bidirectional/backward", t), "t = \(t)")
        }
        // A go_backwards layer, too: its first step listed reads the last row, t = 6.
        let backwards = try Binary.run(["trace", Fixtures.path("rnn/gru_backwards.keras"), "--format", "csv"])
        #expect(
            backwards.out.split(separator: "\n").dropFirst().first?.hasPrefix("gru,6,x,0,") == true,
            "\(backwards.out.prefix(200))")
        let text = try Binary.run(["trace", Fixtures.path("rnn/bidi_concat.keras")])
        #expect(
            text.out.contains("4 units, forward half)")
                && text.out.contains("4 units, backward half: from the window's end)"))

        let keras = try KerasTrace(path: Fixtures.path("rnn/mask_lstm-trace.json"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-csv-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.json")
        try Data(
            ("["
                + (0..<keras.input.rows).map { "[" + keras.input.row($0).map { "\($0)" }.joined(separator: ",") + "]" }
                .joined(separator: ",") + "]").utf8
        ).write(to: input)
        let masked = try Binary.run([
            "trace", Fixtures.path("rnn/mask_lstm.keras"), "--input", input.path, "--format", "csv",
        ])
        #expect(
            masked.out.split(separator: "\n").filter { $0.hasSuffix(",masked,0,1") }.map { $0.split(separator: ",")[1] }
                == ["2", "3", "6"])
    }

    @Test(arguments: ["truncated.keras", "random.h5", "u_wrong.h5", "directory.keras", "empty.keras"])
    func badFilesExitOneWithOneLineOnStderr(file: String) throws {
        let path = Fixtures.path("bad/" + file)
        let r = try Binary.run(["inspect", path])
        #expect(r.status == 1)
        #expect(r.out.isEmpty)
        #expect(r.err.hasPrefix("lstmscope: error: \(path): "))
        #expect(r.err.split(separator: "\n").count == 1)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Binary.run(["trace", Fixtures.sample("tutorial.keras"), "--format", "yaml"]).status == 2)
        #expect(try Binary.run(["inspect", "--format"]).status == 2)
        let noTTY = try Binary.run([Fixtures.sample("tutorial.keras")])
        #expect(noTTY.status == 2)
        #expect(noTTY.err.contains("needs a terminal"))
    }

    @Test func namesWithEscapeSequencesArePrintedVisibly() throws {
        let r = try Binary.run(["inspect", Fixtures.path("bad/escape_name.keras")])
        #expect(r.status == 0)
        #expect(!r.out.contains("\u{1B}"))
        #expect(r.out.contains("\\x1b[31mRED"))
    }

    /// Found by fuzzing (scripts/fuzz.sh model): files that make libhdf5 1.10 loop forever,
    /// copy through a wild pointer, or recurse until the stack is gone. The watchdog and the
    /// crash guard make each one clear line naming the file and exit status 1.
    @Test(arguments: ["hdf5_heap_loop.h5", "hdf5_heap_overflow.h5", "hdf5_btree_recursion.h5"])
    func filesThatBreakLibhdf5GiveAClearError(file: String) throws {
        let start = Date()
        let r = try Binary.run(["inspect", Fixtures.path("bad/" + file)])
        #expect(r.status == 1)
        #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
        if file == "hdf5_btree_recursion.h5" && !r.err.contains("libhdf5") {
            // A mutated .keras (a zip, whatever its name) whose mutation also broke config.json:
            // since #12 the entries' CRC-32 is checked, and the load stops there, before libhdf5.
            #expect(
                r.err.hasPrefix(
                    "lstmscope: error: \(Fixtures.path("bad/" + file)): archive entry "
                        + "config.json fails its CRC-32 check"
                ), "\(r.err)")
        } else {
            #expect(r.err.hasPrefix("lstmscope: error: \(Fixtures.path("bad/" + file)): reading it "), "\(r.err)")
            #expect(r.err.contains("libhdf5"), "\(r.err)")
        }
        #expect(Date().timeIntervalSince(start) < 30)
    }

    /// A step a mask skipped: `"masked": true` with the state it carried and no gates.
    @Test func maskedStepsInTheTraceJSON() throws {
        let keras = try KerasTrace(path: Fixtures.path("rnn/mask_lstm-trace.json"))
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lstmscope-mask-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: csv) }
        try keras.input.rowArrays.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n").write(
            to: csv, atomically: true, encoding: .utf8)
        let r = try Binary.run(["trace", Fixtures.path("rnn/mask_lstm.keras"), "--input", csv.path, "--format", "json"])
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let steps = (json["layers"] as! [[String: Any]])[0]["steps"] as! [[String: Any]]
        #expect(steps.map { $0["masked"] as? Bool ?? false } == [false, false, true, true, false, false, true])
        #expect(Set(steps[2].keys) == ["t", "x", "masked", "c", "h"])
        #expect(Set(steps[4].keys) == ["t", "x", "i", "f", "c_tilde", "o", "c", "h"])
        let output = (json["output"] as! [NSNumber]).map(\.floatValue)
        #expect(maxAbsDifference(output, keras.output) <= 1e-5)
    }

    /// `bench --streaming`: the window one input at a time through each LSTM (as a plug-in calls
    /// it), beside the replay; a model it cannot stream says why.
    @Test func benchStreaming() throws {
        let r = try Binary.run([
            "bench", Fixtures.path("keras/plain.keras"), "--steps", "30", "--time", "0.02", "--streaming",
            "--format", "json",
        ])
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let streaming = try #require(json["streaming"] as? [String: Any], "\(r.out)")
        #expect((streaming["steps_per_s"] as? Double ?? 0) > 0)
        let gru = try Binary.run([
            "bench", Fixtures.path("rnn/gru.keras"), "--steps", "30", "--time", "0.02", "--streaming",
        ])
        #expect(
            gru.status == 0 && gru.out.contains("streaming has a kernel for forward-reading float LSTM layers only"))
    }

    /// `bench` on each layer kind: the JSON contract, and rates that count that kind's gates
    /// (it had counted LSTM layers only, and a GRU model's JSON ran into an empty array).
    @Test(arguments: [
        ("rnn/gru.keras", ["GRU"]), ("rnn/simplernn.keras", ["SimpleRNN"]),
        ("rnn/bidi_concat.keras", ["LSTM", "LSTM"]), ("torch/gru.safetensors", ["GRU"]),
    ])
    func benchJSONForEveryKind(file: String, kinds: [String]) throws {
        let r = try Binary.run(["bench", Fixtures.path(file), "--steps", "20", "--time", "0.02", "--format", "json"])
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        #expect(json["kinds"] as? [String] == kinds)
        #expect(json["steps"] as? Int == 20 && json["threads"] as? Int == 1)
        // The ISA the kernel was built for: on a native x86_64 build, what the CPU's flags say.
        let isa = json["isa"] as? String ?? ""
        let env = ProcessInfo.processInfo.environment
        if env["LSTMSCOPE_PORTABLE"] == nil, env["LSTMSCOPE_TARGET_CPU"] == nil,
            let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let flags = cpu.split(separator: "\n").first(where: { $0.hasPrefix("flags") }), Binary.isX86
        {
            let words = Set(flags.split(separator: " "))
            let want = words.contains("avx512f") ? "AVX-512" : words.contains("avx2") ? "AVX2 " : "x86-64 without"
            #expect(isa.hasPrefix(want), "\(isa)")
        }
        #expect(!isa.isEmpty)
        let replay = json["replay"] as! [String: Any], trace = json["trace"] as! [String: Any]
        #expect((replay["steps_per_s"] as! Double) > 0 && (trace["steps_per_s"] as! Double) > 0)
        #expect((replay["gflops"] as! Double) > 0 && (replay["gbps"] as! Double) > 0)
        let baseline = json["baseline"] as! [String: Any]
        #expect((baseline["steps_per_s"] as! Double).isFinite && (baseline["replay_speedup"] as! Double) > 0)

        let e = try Binary.run(["bench", "--explorer", Fixtures.path(file), "--steps", "50", "--format", "json"])
        #expect(e.status == 0, "\(e.err)")
        let explorer = try JSONSerialization.jsonObject(with: Data(e.out.utf8)) as! [String: [String: Any]]
        #expect((explorer["explorer"]?["full_trace_bytes"] as? Int ?? 0) > 0)
    }
}
