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

    static let clang =
        ["/opt/swift/usr/bin/clang", "/usr/bin/clang"].first(where: FileManager.default.isExecutableFile) ?? "clang"

    /// Exports `model` to C in `directory` and builds it (`defines`: extra -D flags).
    static func exportAndBuild(_ model: String, into directory: String, name: String, defines: [String] = []) throws {
        let export = try Binary.run(["export", model, "--to", "c", "--out", directory, "--name", name])
        #expect(export.status == 0, "\(export.err)")
        #expect(export.out.contains("cc -std=c99 -O2 -o \(directory)/model"))
        let build = try Self.run(
            [clang, "-std=c99", "-O2", "-Wall", "-Wextra", "-pedantic", "-Werror"] + defines + [
                "-o", "\(directory)/model", "\(directory)/\(name).c", "\(directory)/main.c", "-lm",
            ])
        #expect(build.status == 0, "\(build.err)")
    }

    /// The program's trace of `window` (CSV), held against the model by `lstmscope compare`.
    static func expectCompareAgrees(_ model: String, window: String, directory: String) throws {
        let trace = try Self.run(["\(directory)/model", "--trace", window])
        #expect(trace.status == 0, "\(trace.err)")
        let tracePath = "\(directory)/trace.csv"
        try trace.out.write(toFile: tracePath, atomically: true, encoding: .utf8)
        let compare = try Binary.run(["compare", model, "--input", window, "--theirs", tracePath])
        #expect(compare.status == 0 && compare.out.contains("AGREE"), "\(compare.out)\(compare.err)")
    }

    @Test func theSampleExportsBuildsSelfTestsAndComparesEqual() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-export-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = Fixtures.sample("tutorial.keras")
        try Self.exportAndBuild(model, into: directory, name: "tutorial")
        let selftest = try Self.run(["\(directory)/model", "--selftest"])
        #expect(selftest.status == 0 && selftest.out.contains("ok"), "\(selftest.out)")
        try Self.expectCompareAgrees(model, window: Fixtures.sample("tutorial-input.csv"), directory: directory)
    }

    /// A masked Bidirectional returning sequences under another LSTM runs layer by layer over a
    /// window of at most MAX_STEPS rows (the model's 7 by default): its trace agrees with the
    /// model; a longer window is refused saying how to build for it, and that build runs it.
    @Test func aWholeWindowModelComparesEqualAndSaysHowLongAWindowItHolds() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-export-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = Fixtures.path("shapes/mask_bidi_seq.keras")
        try Self.exportAndBuild(model, into: directory, name: "bidi")
        #expect(try Self.run(["\(directory)/model", "--selftest"]).status == 0)
        // Rows 0, 3 and 4 are the mask value: skipped by both halves.
        func window(_ steps: Int) -> String {
            (0..<steps).map { t in
                [0, 3, 4].contains(t)
                    ? "0,0,0" : (0..<3).map { "\(sin(0.5 * Double(t) + Double($0)))" }.joined(separator: ",")
            }.joined(separator: "\n")
        }
        let short = "\(directory)/window.csv", long = "\(directory)/long.csv"
        try window(7).write(toFile: short, atomically: true, encoding: .utf8)
        try window(9).write(toFile: long, atomically: true, encoding: .utf8)
        try Self.expectCompareAgrees(model, window: short, directory: directory)
        let refused = try Self.run(["\(directory)/model", long])
        #expect(refused.status == 1 && refused.err.contains("-DBIDI_MAX_STEPS=9"), "\(refused.err)")
        try Self.exportAndBuild(model, into: directory, name: "bidi", defines: ["-DBIDI_MAX_STEPS=9"])
        try Self.expectCompareAgrees(model, window: long, directory: directory)
    }
}
