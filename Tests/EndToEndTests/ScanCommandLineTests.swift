import Foundation
import TestSupport
import Testing

/// `lstmscope scan` as a user runs it on a test set: text, JSON and CSV agree on the windows
/// and units; a set that does not fit the model is refused with status 1, naming the file.
@Suite struct ScanCommandLineTests {
    static let model = Fixtures.sample("tutorial.keras")
    static let x = Fixtures.path("scan/tutorial-x.npy"), y = Fixtures.path("scan/tutorial-y.npy")

    @Test func textJSONAndCSVReportTheSameSet() throws {
        let text = try Binary.run(["scan", Self.model, "--input", Self.x, "--expect", Self.y, "--top", "3"])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("200 windows of T = 4, xu = 3"), "\(text.out)")
        #expect(text.out.contains("(3 of 200; --top N lists more"), "\(text.out)")
        #expect(text.out.contains("layer lstm (LSTM, 5 units), over 800 steps:"), "\(text.out)")

        struct Report: Decodable {
            struct Window: Decodable {
                let window: Int
                let output: [Float]
                let error: Float?
            }
            struct Layer: Decodable {
                struct Unit: Decodable {
                    struct Sums: Decodable {
                        struct At: Decodable {
                            let window: Int
                            let t: Int
                        }
                        let mean: Double?
                        let std: Double?
                        let saturated: Double?
                        let largest_abs: Double
                        let largest_at: At?
                        let steps: Int
                    }
                    let unit: Int
                    let dead: Bool
                    let vectors: [String: Sums]
                }
                let name: String
                let units: [Unit]
                let mean_abs_dh: [Double?]
            }
            let windows: Int
            let window_results: [Window]
            let layers: [Layer]
        }
        let json = try Binary.run([
            "scan", Self.model, "--input", Self.x, "--expect", Self.y, "--format", "json", "--threads", "2",
        ])
        #expect(json.status == 0, "\(json.err)")
        let report = try JSONDecoder().decode(Report.self, from: Data(json.out.utf8))
        #expect(report.windows == 200 && report.window_results.count == 200)
        let errors = report.window_results.compactMap(\.error)
        #expect(errors.count == 200 && errors == errors.sorted(by: >))
        #expect(errors.allSatisfy { $0 <= 1e-5 }, "the replay is Keras's within float32 rounding")
        #expect(report.layers.map(\.name) == ["lstm"] && report.layers[0].units.count == 5)
        #expect(Set(report.layers[0].units[0].vectors.keys) == ["i", "f", "c_tilde", "o", "c", "h"])
        let c = try #require(report.layers[0].units[0].vectors["c"])
        #expect(c.saturated == nil && c.steps == 800 && c.largest_at != nil, "c has no saturated range")
        #expect(report.layers[0].units[0].vectors["f"]?.saturated != nil)
        #expect(report.layers[0].mean_abs_dh.count == 4)

        let csv = try Binary.run(["scan", Self.model, "--input", Self.x, "--expect", Self.y, "--format", "csv"])
        #expect(csv.status == 0)
        let rows = csv.out.split(separator: "\n")
        #expect(rows.first == "section,layer,unit,vector,window,t,statistic,value")
        #expect(rows.filter { $0.hasPrefix("window,") && $0.contains(",error,") }.count == 200)
        // 5 units × 6 vectors with mean, std and largest_abs, and saturated for the 4 gates.
        #expect(rows.filter { $0.hasPrefix("unit,lstm,") }.count == 5 * (6 * 3 + 4))
        #expect(rows.filter { $0.hasPrefix("step,lstm,") }.count == 4)
    }

    @Test func aSetThatDoesNotFitIsRefusedNamingTheFile() throws {
        let gru = Fixtures.path("rnn/gru.keras")
        let cases: [([String], String)] = [
            (["scan", gru, "--input", Self.x], "its windows have T = 4 rows but the model reads windows of 7"),
            (
                ["scan", Self.model, "--input", Self.x, "--expect", Fixtures.path("scan/gru-y.npy")],
                "not one row per window (200, …)"
            ),
            (["scan", Self.model, "--input", Fixtures.path("scan/nothing.npy")], "no such file"),
            (["scan", Self.model, "--input", Fixtures.path("scan/tutorial.npz")], "name the windows as"),
        ]
        for (arguments, message) in cases {
            let r = try Binary.run(arguments)
            #expect(r.status == 1 && r.err.contains(message), "\(arguments): \(r.err)")
        }
    }
}
