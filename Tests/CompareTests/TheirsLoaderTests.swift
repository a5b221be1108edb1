import Foundation
import LSTMCore
import ModelIO
import Reports
import TestSupport
import Testing

/// Theirs in every form `compare` takes, told by content, and the files it refuses.
@Suite struct TheirsLoaderTests {
    static let model = try! ModelLoader.load(Fixtures.sample("tutorial.keras"))
    static let window = try! InputLoader.loadWindow(Fixtures.sample("tutorial-input.npy"), columns: 3)

    static func file(_ name: String, _ bytes: Data) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-theirs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try bytes.write(to: url)
        return url.path
    }

    static func file(_ name: String, _ text: String) throws -> String { try file(name, Data(text.utf8)) }

    /// A float32 .npy of `shape`.
    static func npy(_ values: [Float], shape: [Int]) -> Data {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data =
            Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)])
        data += Data(header.utf8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += Data($0) } }
        return data
    }

    static func load(_ path: String) throws -> (TheirValues, String) {
        guard let (values, description) = try TheirsLoader.values(path, model: model, steps: window.rows, layer: 0)
        else { throw TheirsLoader.Mismatch(message: "a model file") }
        return (values, description)
    }

    static func agrees(_ theirs: TheirValues) throws -> Bool {
        let trace = try ModelTrace(model: model, input: window)
        return TraceComparison(trace, times: model.windowTimes(steps: window.rows), theirs: theirs, tolerance: 1e-6)
            .agrees(tolerance: 1e-6)
    }

    @Test func lstmscopesOwnTraceAgreesInEveryForm() throws {
        let report = try TraceReport(model: Self.model, input: Self.window)
        var json = "", csv = ""
        _ = report.writeJSON { json += $0 }
        _ = report.writeCSV { csv += $0 }
        let (fromJSON, jsonSays) = try Self.load(try Self.file("t.json", json))
        #expect(jsonSays.contains("a trace JSON: 1 layer, 4 steps, vectors i f c_tilde o c h, and the output"))
        #expect(try Self.agrees(fromJSON) && fromJSON.vectors.count == 4 * 6 && fromJSON.output?.count == 1)
        let (fromCSV, _) = try Self.load(try Self.file("t.csv", csv))
        #expect(try Self.agrees(fromCSV) && fromCSV.vectors.count == 24)
        // Any subset: only h, of two steps, of two units.
        let subset = csv.split(separator: "\n").filter { line in
            line.hasPrefix("layer,") || line.hasPrefix("lstm,1,h,0,") || line.hasPrefix("lstm,3,h,4,")
        }.joined(separator: "\n")
        let (some, _) = try Self.load(try Self.file("s.csv", subset))
        #expect(some.vectors.count == 2 && some.vectors.values.allSatisfy { $0.compactMap { $0 }.count == 1 })
        #expect(try Self.agrees(some))
    }

    @Test func aMatrixIsHAndAVectorIsTheOutput() throws {
        let trace = try ModelTrace(model: Self.model, input: Self.window)
        let h = trace.layers[0].hidden
        let (matrix, says) = try Self.load(try Self.file("h.npy", Self.npy(h.values, shape: [4, 5])))
        #expect(says.contains("h of layer \"lstm\" at every step, a (4, 5) matrix") && matrix.vectors.count == 4)
        #expect(try Self.agrees(matrix))
        let rows = (0..<4).map { h.row($0).map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
        #expect(try Self.agrees(try Self.load(try Self.file("h.csv", rows)).0))
        let (output, outputSays) = try Self.load(try Self.file("y.json", "[\(trace.output[0])]"))
        #expect(outputSays.contains("the output only") && output.output == trace.output && !output.hasSteps)
        #expect(try Self.load(try Self.file("y.npy", Self.npy(trace.output, shape: [1, 1]))).0.output == trace.output)
    }

    /// Theirs that does not fit the model or window is a mismatch (exit 2) that says how.
    @Test(arguments: [
        (
            "a.csv", "layer,t,vector,unit,value\nencoder,0,h,0,0.5\n",
            "names layer \"encoder\", which the model does not have; its recurrent layers are lstm"
        ),
        (
            "b.csv", "layer,t,vector,unit,value\nlstm,0,z,0,0.5\n",
            "vector \"z\" for layer \"lstm\" (LSTM), whose steps have i f c_tilde o c h"
        ),
        ("c.csv", "layer,t,vector,unit,value\nlstm,9,h,0,0.5\n", "t = 9; the window has 4 steps"),
        ("d.csv", "layer,t,vector,unit,value\nlstm,0,h,7,0.5\n", "unit 7 of layer \"lstm\", which has 5"),
        (
            "e.json", "{\"layers\": [{\"name\": \"lstm\", \"steps\": [{\"t\": 0, \"h\": [1, 2]}]}]}",
            "has 2 values; the layer has 5 units"
        ),
        (
            "f.npy", "",
            "theirs has shape (7, 5), which is neither h of layer \"lstm\" at every step, (4, 5), nor the output"
        ),
    ])
    func mismatchesSayWhatDoesNotFit(name: String, text: String, message: String) throws {
        let path =
            name == "f.npy"
            ? try Self.file(name, Self.npy([Float](repeating: 0, count: 35), shape: [7, 5])) : try Self.file(name, text)
        #expect {
            _ = try Self.load(path)
        } throws: { error in
            guard let mismatch = error as? TheirsLoader.Mismatch else { return false }
            return mismatch.message.contains(message) && mismatch.message.hasPrefix(path)
        }
    }

    /// Damaged files are load errors (exit 1) naming the file.
    @Test(arguments: [
        (
            "true.json", "{\"layers\": [{\"name\": \"lstm\", \"steps\": [{\"t\": 0, \"h\": [true, 0, 0, 0, 0]}]}]}",
            "expected a number"
        ),
        ("cut.json", "{\"layers\": [{\"name\": \"lstm\", \"steps\": [{\"t\": 0, \"h\": [1, ", "(a truncated file?)"),
        ("keys.json", "{\"layers\": [{\"name\": \"lstm\", \"name\": \"x\", \"steps\": []}]}", "names \"name\" twice"),
        ("order.json", "{\"layers\": [{\"steps\": [], \"name\": \"lstm\"}]}", "before its \"name\""),
        ("twice.csv", "layer,t,vector,unit,value\nlstm,0,h,0,0.5\nlstm,0,h,0,0.5\n", "given twice"),
        ("word.csv", "layer,t,vector,unit,value\nlstm,0,h,0,half\n", "value \"half\" is not a number"),
        ("odd.json", "{\"layers\": [], \"extra\": 1}", "unknown key \"extra\""),
        ("empty.json", "{\"layers\": []}", "nothing to compare"),
    ])
    func damagedFilesAreRefused(name: String, text: String, message: String) throws {
        let path = try Self.file(name, text)
        #expect {
            _ = try Self.load(path)
        } throws: { error in
            guard let load = error as? LoadError else { return false }
            return load.description.contains(message) && load.description.contains(path)
        }
    }

    /// NaN in theirs (as `trace` writes it, in JSON and CSV) is a value: against a number it differs.
    @Test func nanInTheirsIsComparedNotRefused() throws {
        let json = "{\"layers\": [{\"name\": \"lstm\", \"steps\": [{\"t\": 1, \"h\": [NaN, 0, 0, 0, 0]}]}]}"
        let csv = "layer,t,vector,unit,value\nlstm,1,h,0,NaN\n"
        for theirs in [try Self.load(try Self.file("n.json", json)).0, try Self.load(try Self.file("n.csv", csv)).0] {
            #expect(theirs.vectors[TheirValues.Key(layer: 0, t: 1, vector: .h)]?[0]?.isNaN == true)
            #expect(!(try Self.agrees(theirs)))
        }
    }

    /// 10 GB of JSON (a sparse file) is refused from its size, before a byte is read.
    @Test func aHugeFileIsRefusedBeforeReading() throws {
        let path = try Self.file("huge.json", "{")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 10 << 30)
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try Self.load(path)
        } throws: { error in (error as? LoadError)?.description.contains("lstmscope reads files up to") == true }
    }
}

extension TheirsLoaderTests {
    /// lstmscope's own traces of every kind of layer read back as theirs and agree: a
    /// Bidirectional's halves (`units` comes before `direction`), go_backwards, layer names that
    /// need quoting in CSV.
    @Test(arguments: [
        "rnn/bidi_concat.keras", "rnn/gru_backwards.keras", "keras/named_tricky.keras", "rnn/mask_lstm.keras",
    ])
    func ownTracesOfEveryKindAgree(file: String) throws {
        let model = try ModelLoader.load(Fixtures.path(file))
        let window = Matrix.sineWindow(steps: 9, features: model.inputSize)
        let report = try TraceReport(model: model, input: window)
        var json = "", csv = ""
        _ = report.writeJSON { json += $0 }
        _ = report.writeCSV { csv += $0 }
        let trace = try ModelTrace(model: model, input: window)
        for (name, text) in [("t.json", json), ("t.csv", csv)] {
            let path = try Self.file(name, text)
            let (theirs, _) = try #require(try TheirsLoader.values(path, model: model, steps: 9, layer: 0))
            let comparison = TraceComparison(
                trace, times: model.windowTimes(steps: 9), theirs: theirs, tolerance: 0)
            #expect(comparison.agrees(tolerance: 0) && theirs.vectors.count > 0, "\(file) \(name)")
        }
    }

    /// A layer that reads backwards computes row T − 1 first: a glitch there is the first
    /// divergence, before one at a later step with a smaller row.
    @Test func theFirstDivergenceOfABackwardsLayerIsItsFirstStep() throws {
        let model = try ModelLoader.load(Fixtures.path("rnn/gru_backwards.keras"))
        let window = Matrix.sineWindow(steps: 9, features: model.inputSize)
        let trace = try ModelTrace(model: model, input: window)
        var theirs = TheirValues()
        for t in 0..<9 {
            // Step s reads row 8 − s.
            var h = trace.layers[0].vector(.h, at: 8 - t)!
            if t == 8 || t == 2 { h[0] += 0.5 }
            _ = theirs.set(TheirValues.Key(layer: 0, t: t, vector: .h), to: h)
        }
        let first = try #require(
            TraceComparison(trace, times: model.windowTimes(steps: 9), theirs: theirs, tolerance: 1e-5).firstDivergence)
        #expect(first.t == 8 && first.step == 0)
        let (streamed, _) = try StreamingComparison.compare(model, window: window, theirs: theirs, tolerance: 1e-5)
        #expect(streamed.firstDivergence?.t == 8 && streamed.firstDivergence?.step == 0)
    }
}
