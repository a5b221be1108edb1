import Foundation
import TestSupport
import Testing

/// `lstmscope compare` as a porter runs it, against NumPy ports of the tutorial model with one
/// planted bug each (`scripts/make_port_fixtures.py`, in `Tests/Fixtures/ports`).
@Suite(.timeLimit(.minutes(2))) struct CompareCommandLineTests {
    static let model = Fixtures.sample("tutorial.keras")
    static let input = Fixtures.sample("tutorial-input.npy")

    static func compare(_ theirs: String, _ extra: [String] = []) throws -> (status: Int32, out: String, err: String) {
        let r = try Binary.run(["compare", model, "--input", input, "--theirs", theirs] + extra)
        return (r.status, r.out, r.err)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    @Test(arguments: [
        ("tutorial_onnx_order_h.npy", "gate_order", "h"),
        ("tutorial_forget_bias_trace.csv", "forget_bias_plus_one", "f"),
        ("tutorial_state_reset_trace.json", "state_reset_each_step", "c"),
    ])
    func aNumPyPortsBugIsNamed(file: String, hypothesis: String, firstVector: String) throws {
        let r = try Self.compare(Fixtures.path("ports/" + file), ["--format", "json"])
        #expect(r.status == 3, "\(r.err)")
        let object = try Self.json(r.out)
        #expect(object["agree"] as? Bool == false)
        let first = try #require(object["first_divergence"] as? [String: Any])
        #expect(first["layer"] as? String == "lstm" && first["vector"] as? String == firstVector)
        let diagnosis = try #require(object["diagnosis"] as? [[String: Any]])
        #expect(diagnosis.first?["hypothesis"] as? String == hypothesis, "\(diagnosis)")
        #expect((diagnosis.first?["max_abs_diff"] as? Double ?? 1) < 1e-5)
        if hypothesis == "gate_order" { #expect(diagnosis.first?["order"] as? [String] == ["i", "o", "f", "c"]) }
        let compared = try #require(object["compared"] as? [String: Any])
        #expect(compared["layers"] as? [String] == ["lstm"] && (compared["values"] as? Int ?? 0) > 0)
        // The text form says the same for a person.
        let text = try Self.compare(Fixtures.path("ports/" + file))
        #expect(
            text.status == 3 && text.out.contains("first divergence: layer lstm") && text.out.contains("diagnosis:"))
    }

    @Test func agreeingTheirsExitsZero() throws {
        let correct = try Self.compare(Fixtures.path("ports/tutorial_correct_output.json"))
        #expect(correct.status == 0 && correct.out.contains("AGREE"), "\(correct.out)\(correct.err)")
        // Another file of the same model, replayed on the same window.
        let h5 = try Self.compare(Fixtures.sample("tutorial.h5"), ["--format", "json"])
        #expect(h5.status == 0, "\(h5.err)")
        #expect(try Self.json(h5.out)["agree"] as? Bool == true)
        #expect(try Self.json(h5.out)["first_divergence"] is NSNull)
    }

    /// One value of ours changed: the exact divergence, and no bug claimed.
    @Test func aGlitchIsLocatedAndNotExplained() throws {
        let trace = try Binary.run(["trace", Self.model, "--input", Self.input, "--format", "csv"])
        var lines = trace.out.split(separator: "\n").map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("lstm,2,o,3,") })
        let value = Float(lines[index].split(separator: ",").last!)!
        lines[index] = "lstm,2,o,3,\(value + 0.001)"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("glitch-\(UUID()).csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Self.compare(path, ["--format", "json"])
        #expect(r.status == 3)
        let first = try #require(try Self.json(r.out)["first_divergence"] as? [String: Any])
        #expect(first["t"] as? Int == 2 && first["vector"] as? String == "o" && first["unit"] as? Int == 3)
        #expect((try Self.json(r.out)["diagnosis"] as? [Any])?.isEmpty == true)
    }

    @Test func badUsageExitsTwoAndDamagedFilesOne() throws {
        let layer = try Self.compare(Fixtures.path("ports/tutorial_onnx_order_h.npy"), ["--layer", "nope"])
        #expect(layer.status == 2 && layer.err.contains("no recurrent layer of that name; it has lstm"), "\(layer.err)")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("short-\(UUID()).csv").path
        try "1,2,3,4,5\n1,2,3,4,5\n".write(toFile: path, atomically: true, encoding: .utf8)
        let short = try Self.compare(path)
        #expect(short.status == 2 && short.err.contains("neither h of layer \"lstm\" at every step, (4, 5)"))
        let broken = path + ".json"
        try "{\"layers\": [".write(toFile: broken, atomically: true, encoding: .utf8)
        let damaged = try Self.compare(broken)
        #expect(damaged.status == 1 && damaged.err.contains("(a truncated file?)"), "\(damaged.err)")
        #expect(damaged.err.split(separator: "\n").count == 1 && damaged.out.isEmpty)
    }
}
