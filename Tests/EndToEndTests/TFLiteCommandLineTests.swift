import Foundation
import TestSupport
import Testing

/// A TFLite conversion checked as a user checks one: `compare original.h5 --theirs m.tflite`.
/// Float32 agrees; float16 and int8 hybrid files differ (exit 3) and are named for what they
/// are, with the quantization error per layer; the clip the converter adds is named where it
/// bites; `export` takes float and hybrid files.
@Suite struct TFLiteCommandLineTests {
    @Test(arguments: ["lstm", "stacked_softmax", "seq_head", "backwards", "bidi_concat", "bidi_sum", "bidi_seq"])
    func aFloat32ConversionAgreesWithItsOriginal(name: String) throws {
        let r = try Binary.run([
            "compare", Fixtures.path("tflite/\(name).h5"), "--theirs", Fixtures.path("tflite/\(name)_f32.tflite"),
        ])
        #expect(r.status == 0 && r.out.contains("AGREE"), "\(r.out)\(r.err)")
    }

    /// The window the interpreter ran on, as a .npy a user would pass.
    static func window(of name: String, in directory: URL) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tflite/\(name)-expected.json")))
        let input = try #require(
            (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["input"] as? [[Double]])
        let path = directory.appendingPathComponent("\(name).csv").path
        try input.map { $0.map { "\(Float($0))" }.joined(separator: ",") }.joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [
        ("hybrid", "hybrid_int8", "dynamic-range quantization", "(asymmetric)"),
        ("hybrid", "hybrid_symmetric_int8", "dynamic-range quantization", "(symmetric)"),
        ("hybrid_stacked", "hybrid_stacked_int8", "dynamic-range quantization", "lstm, lstm_1"),
        ("hybrid_bidi", "hybrid_bidi_int8", "dynamic-range quantization", "int8 weights in"),
        ("lstm", "lstm_f16", "every weight as float16", "float16 quantization"),
        ("clip", "clip_f32", "clamps c of layer lstm to ±10.0", "cell_clip=10"),
    ])
    func aLossyConversionIsNamed(original: String, converted: String, named: String, detail: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tflite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let r = try Binary.run([
            "compare", Fixtures.path("tflite/\(original).h5"), "--input", try Self.window(of: converted, in: directory),
            "--theirs", Fixtures.path("tflite/\(converted).tflite"),
        ])
        #expect(r.status == 3, "\(r.out)\(r.err)")
        #expect(r.out.contains("DIFFER") && r.out.contains("first divergence"), "\(r.out)")
        // The size of the error, per layer and vector, and what it is.
        #expect(r.out.contains("largest |ours − theirs| by layer and vector"), "\(r.out)")
        #expect(r.out.contains(named) && r.out.contains(detail), "\(r.out)")
    }

    @Test func exportTakesAFloatFileAndAHybridOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tflite-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(atPath: directory.path + "-h")
        }
        let float = try Binary.run([
            "export", Fixtures.path("tflite/clip_f32.tflite"), "--to", "c", "--out", directory.path,
        ])
        #expect(float.status == 0, "\(float.err)")
        let source = try String(contentsOf: directory.appendingPathComponent("model.c"), encoding: .utf8)
        #expect(source.contains("s->c0[j] = MAXF(MINF(10.0f, s->c0[j]), -10.0f);"), "TFLite's cell clip")
        let hybrid = try Binary.run([
            "export", Fixtures.path("tflite/hybrid_int8.tflite"), "--to", "numpy", "--out", directory.path + "-h",
        ])
        #expect(hybrid.status == 0, "\(hybrid.err)")
        let program = try String(contentsOfFile: directory.path + "-h/model.py", encoding: .utf8)
        #expect(program.contains("int8 hybrid (TFLite dynamic range, x and h quantized asymmetric every step)"))
    }

    /// inspect says which tensor each block came from, and which arrays are int8 and how.
    @Test func inspectSaysWhereEachArrayCameFromAndWhatIsQuantized() throws {
        let r = try Binary.run(["inspect", Fixtures.path("tflite/hybrid_int8.tflite")])
        #expect(r.status == 0)
        let source = "from: TFLite UNIDIRECTIONAL_SEQUENCE_LSTM op 0: W = [13 | 14 | 15 | 16]ᵀ"
        #expect(r.out.contains(source), "\(r.out)")
        #expect(r.out.contains("int8 hybrid: x and h quantized to int8 on every step (asymmetric)"), "\(r.out)")
        #expect(r.out.contains("cell_clip ±10.0"), "\(r.out)")
        #expect(r.out.contains("  W     kernel            (32, 128)  (xu, 4·hu)   4096   int8"), "\(r.out)")
    }

    @Test func aWhileLoopIsRefusedSayingWhatToDo() throws {
        let r = try Binary.run(["inspect", Fixtures.path("tflite/bad_gru_while.tflite")])
        #expect(r.status == 1 && r.err.contains("bad_gru_while.tflite") && r.err.contains("tf_keras"), "\(r.err)")
    }
}
