import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// The model shapes the exporters walk (fixtures: scripts/make_shape_fixtures.py): a Flatten
/// head, TimeDistributed(Dense), a layer reading backwards above another, a masked window read
/// backwards below another layer, stacked Bidirectional layers, a masked Bidirectional returning
/// sequences, a Bidirectional flattened; each in .keras and .h5, replaying Keras's own numbers.
@Suite struct ShapeFixtureTests {
    static let names = [
        "flatten_head", "time_distributed", "backwards_second", "mask_backwards_below", "bidi_stacked",
        "mask_bidi_seq", "bidi_flatten",
    ]
    static let files = names.flatMap { ["shapes/\($0).keras", "shapes/\($0).h5"] }

    @Test(arguments: files)
    func replaysKeras(file: String) throws { try GRUSimpleRNNTests.expectReplaysKeras(file) }

    @Test func parameterCountsMatchKeras() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("shapes/param-counts.json")))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let counts = try #require(object["counts"] as? [String: Int])
        #expect(counts.count == Self.files.count)
        for (path, expected) in counts {
            let model = try ModelLoader.load(Fixtures.path(path.replacingOccurrences(of: "Tests/Fixtures/", with: "")))
            #expect(model.parameterCount == expected, "\(path)")
        }
    }
}
