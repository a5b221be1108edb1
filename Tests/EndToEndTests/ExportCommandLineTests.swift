import Foundation
import TestSupport
import Testing

/// The porting loop end to end: export the bundled sample to C, build it with the toolchain's
/// clang, run its self-test, print its trace, and `compare` it with the model.
@Suite(.timeLimit(.minutes(2))) struct ExportCommandLineTests {
    /// Runs `arguments[0]` with the rest (see `ChildProcess` for why not Foundation's `Process`).
    static func run(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run(arguments[0], Array(arguments.dropFirst()), seconds: 120)
    }

    @Test func theSampleExportsBuildsSelfTestsAndComparesEqual() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-export-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = Fixtures.sample("tutorial.keras")
        let export = try Binary.run(["export", model, "--to", "c", "--out", directory, "--name", "tutorial"])
        #expect(export.status == 0, "\(export.err)")
        #expect(export.out.contains("cc -std=c99 -O2 -o \(directory)/model"))
        let clang =
            ["/opt/swift/usr/bin/clang", "/usr/bin/clang"].first(where: FileManager.default.isExecutableFile) ?? "clang"
        let build = try Self.run([
            clang, "-std=c99", "-O2", "-Wall", "-Wextra", "-pedantic", "-Werror", "-o", "\(directory)/model",
            "\(directory)/tutorial.c", "\(directory)/main.c", "-lm",
        ])
        #expect(build.status == 0, "\(build.err)")
        let selftest = try Self.run(["\(directory)/model", "--selftest"])
        #expect(selftest.status == 0 && selftest.out.contains("ok"), "\(selftest.out)")
        let trace = try Self.run(["\(directory)/model", "--trace", Fixtures.sample("tutorial-input.csv")])
        #expect(trace.status == 0)
        let tracePath = "\(directory)/trace.csv"
        try trace.out.write(toFile: tracePath, atomically: true, encoding: .utf8)
        let compare = try Binary.run([
            "compare", model, "--input", Fixtures.sample("tutorial-input.npy"), "--theirs", tracePath,
        ])
        #expect(compare.status == 0 && compare.out.contains("AGREE"), "\(compare.out)\(compare.err)")
        // A model the C export cannot take yet is refused naming the layer (bad usage).
        let refused = try Binary.run([
            "export", Fixtures.path("rnn/bidi_concat.keras"), "--to", "c", "--out", directory,
        ])
        #expect(refused.status == 2 && refused.err.contains("layer \"bidirectional\""), "\(refused.err)")
    }
}
