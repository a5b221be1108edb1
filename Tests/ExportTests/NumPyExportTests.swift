import Export
import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Every fixture model exported to NumPy, run with Debian's python3 and python3-numpy (CI
/// installs them; without numpy this fails, it does not skip), and held against the replay
/// and Keras's own traces, as the C export is.
@Suite(.timeLimit(.minutes(5))) struct NumPyExportTests {
    static let python = "/usr/bin/python3"

    @Test func numpyIsThere() throws {
        let r = try CExportTests.run([Self.python, "-c", "import numpy; print(numpy.__version__)"])
        #expect(r.status == 0, "python3-numpy is missing (apt-get install python3-numpy): \(r.err)")
    }

    @Test(arguments: CExportTests.models)
    func theNumPyProgramEqualsTheReplay(file: String) throws {
        let model = try ModelLoader.load(file)
        try Self.expectProgramEqualsTheReplay(model, window: CExportTests.window(for: model), file: file)
    }

    /// `model` as model.py and weights.npz, run on `window` and traced, against the replay and,
    /// for a fixture `file`, Keras's own numbers.
    static func expectProgramEqualsTheReplay(_ model: Model, window: Matrix, file: String) throws {
        let export = try NumPyExport(model: model)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-np-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try export.program.write(to: directory.appendingPathComponent("model.py"), atomically: true, encoding: .utf8)
        try NPZWriter.write(
            export.arrays.map { ($0.name, $0.shape, $0.values) }, to: directory.appendingPathComponent("weights.npz"))
        let csv = (0..<window.rows).map { window.row($0).map { "\($0)" }.joined(separator: ",") }.joined(
            separator: "\n")
        let windowPath = directory.appendingPathComponent("window.csv").path
        try csv.write(toFile: windowPath, atomically: true, encoding: .utf8)
        let program = [Self.python, directory.appendingPathComponent("model.py").path]
        let traced = try CExportTests.run(program + ["--trace", windowPath])
        #expect(traced.status == 0, "\(traced.err)")
        guard traced.status == 0 else { return }
        try CExportTests.expectTraceEqualsTheReplay(traced.out, model: model, window: window, file: file)
        let plain = try CExportTests.run(program + [windowPath])
        let json = try JSONSerialization.jsonObject(with: Data(plain.out.utf8)) as? [Double]
        #expect(json?.count == (try model.predict(window)).count)
        if FileManager.default.fileExists(atPath: file) {
            try CExportTests.checkAgainstKeras(file, model: model, program: program, directory: directory)
        }
    }
}
