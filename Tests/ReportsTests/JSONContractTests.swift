import Foundation
import LSTMCore
import ModelIO
import Reports
import TestSupport
import Testing

/// The JSON that scripts read, produced in-process and held to golden files for one model of
/// each kind (LSTM, GRU, SimpleRNN, Bidirectional, masked, a PyTorch state dict): any change to
/// the contract shows up here as a diff to look at (re-record with `UPDATE_SNAPSHOTS=1`). The
/// numbers themselves are checked against Keras and PyTorch elsewhere.
@Suite struct JSONContractTests {
    static let models = [
        "sample-weights/tutorial.keras", "Tests/Fixtures/rnn/gru.keras", "Tests/Fixtures/rnn/simplernn.keras",
        "Tests/Fixtures/rnn/bidi_concat.keras", "Tests/Fixtures/rnn/mask_lstm.keras",
        "Tests/Fixtures/torch/lstm.safetensors",
    ]

    /// The model, named by its repository path so the JSON does not depend on the checkout.
    static func load(_ relative: String) throws -> Model {
        var model = try ModelLoader.load(Fixtures.root.appendingPathComponent(relative).path)
        model.provenance.path = relative
        return model
    }

    static func snapshotName(_ relative: String, _ what: String) -> String {
        relative.split(separator: "/").last!.replacingOccurrences(of: ".", with: "-") + "-" + what
    }

    @Test(arguments: models)
    func inspectJSON(model relative: String) throws {
        let json = InspectReport(model: try Self.load(relative)).json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "path", "format", "keras_version", "backend", "model", "input_shape", "layers",
                "total_params",
            ])
        expectSnapshot(json, named: Self.snapshotName(relative, "inspect"), suite: "ReportsTests")
    }

    @Test(arguments: models)
    func traceJSONAndCSV(model relative: String) throws {
        let model = try Self.load(relative)
        let window = Matrix.sineWindow(steps: 5, features: model.inputSize)
        let report = try TraceReport(model: model, input: window)
        var json = ""
        report.writeJSON { json += $0 }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["input", "layers", "output", "output_shape"])
        expectSnapshot(json, named: Self.snapshotName(relative, "trace-json"), suite: "ReportsTests")
        var csv = ""
        report.writeCSV { csv += $0 }
        #expect(csv.hasPrefix("layer,t,vector,unit,value\n"))
        expectSnapshot(csv, named: Self.snapshotName(relative, "trace-csv"), suite: "ReportsTests")
    }
}
