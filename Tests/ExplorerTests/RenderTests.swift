import Explorer
import ExplorerTestSupport
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// State → Canvas text at fixed sizes, compared with golden frames.
@Suite struct RenderTests {
    static let views: [(Key, String)] = [
        (.character("3"), "step"), (.character("1"), "model"), (.character("2"), "weights"),
        (.enter, "unit"), (.character("5"), "input"), (.character("6"), "units"), (.character("7"), "plot"),
        (.character("?"), "help"),
    ]

    @Test(arguments: [(60, 16), (80, 24), (120, 40)])
    func everyViewMatchesItsGoldenFrame(width: Int, height: Int) throws {
        for (key, name) in Self.views {
            var s = try ExplorerSession.sample(width: width, height: height)
            ExplorerSession.press(&s, .right, .down)
            if key == .enter { ExplorerSession.press(&s, .character("3")) }
            ExplorerSession.press(&s, key)
            expectSnapshot(s.render().text, named: "\(name)-\(width)x\(height)", suite: "ExplorerTests")
        }
    }

    @Test func tooSmallTerminalSaysWhatItNeeds() throws {
        let s = try ExplorerSession.sample(width: 40, height: 10)
        let text = s.render().text
        #expect(text.contains("need 60×16"))
        #expect(text.contains("have 40×10"))
        expectSnapshot(text, named: "too-small-40x10", suite: "ExplorerTests")
    }

    @Test func stepViewShowsTheTraceValues() throws {
        var s = try ExplorerSession.sample()
        ExplorerSession.press(&s, .right, .right)
        let text = s.render().text
        let h = s.layerTrace.vector(.h, at: 2)!
        for v in h { #expect(text.contains(String(format3(v))), "h value \(v)") }
        #expect(text.contains("t = 2 of 0–3"))
        #expect(text.contains("matches"))
    }

    /// A state dict loaded with --ignore-tensors says on the Model view what was left out.
    @Test func modelViewListsIgnoredTensors() throws {
        var options = ArchitectureOptions()
        options.ignoredTensors = ["norm.*"]
        let model = try ModelLoader.load(Fixtures.path("bad/torch_extra_layernorm.safetensors"), options: options)
        var s = try ExplorerState(model: model, input: nil, width: 100, height: 30)
        _ = s.update(.key(.character("1")))
        #expect(s.render().text.contains(" left out norm.bias (4,), norm.weight (4,)"))
    }

    /// The Step view says DIFFERS for a NaN from Keras, whatever else matches, and holds the
    /// output to the explorer's --tolerance.
    @Test func kerasLineUsesTheSharedComparison() throws {
        var model = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        model.provenance.path = "sample-weights/tutorial.keras"
        let input = try InputLoader.loadWindow(Fixtures.sample("tutorial-input.npy"), columns: model.inputSize)
        let nan = try ExplorerState(model: model, input: input, expected: [.nan])
        #expect(nan.render().text.contains("DIFFERS"))
        let keras = try InputLoader.loadFlat(Fixtures.sample("tutorial-expected.npy"))
        var off = try ExplorerState(model: model, input: input, expected: keras.map { $0 + 1e-3 })
        #expect(off.render().text.contains("DIFFERS"))
        off.tolerance = 1e-2
        #expect(off.render().text.contains("matches"))
    }

    @Test(arguments: [60, 73, 74, 80])
    func everyStepColumnFitsTheSmallestWidths(width: Int) throws {
        var s = try ExplorerSession.sample(width: width, height: 16)
        ExplorerSession.press(&s, .right, .right)
        let lines = s.render().lines
        let header = try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("unit") })
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("h"), "\(header)")
        // Unit 0's row ends with its h at t = 3, whole.
        let row = try #require(
            lines.first { $0.hasPrefix(">") && $0.dropFirst().trimmingCharacters(in: .whitespaces).hasPrefix("0 ") })
        let h = s.layerTrace.vector(.h, at: 2)![0]
        // The last number, without the change mark that follows it on wider screens.
        let last = row.split(separator: " ").last { $0.count > 1 }
            .map { String($0.prefix { !"▲▼^v".contains($0) }) }
        #expect(last == format3(h), "\(row) does not end with h \(h)")
    }

    @Test func stackedAndWideModelsRenderEveryViewWithoutOverflow() throws {
        for name in ["stacked", "wide"] {
            var s = try ExplorerSession.sample(name, width: 80, height: 24)
            for (key, _) in Self.views {
                ExplorerSession.press(&s, key, .end, .down, .right, .character("z"))
                let canvas = s.render()
                #expect(canvas.lines.count == 24)
                #expect(canvas.lines.allSatisfy { $0.count <= 80 })
                ExplorerSession.press(&s, .escape)
            }
        }
    }

    @Test func asciiGlyphsDrawOnlyASCII() throws {
        let model = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        var s = try ExplorerState(model: model, input: nil, glyphs: .ascii)
        for (key, _) in Self.views {
            ExplorerSession.press(&s, key)
            #expect(s.render().text.unicodeScalars.allSatisfy { $0.isASCII }, "\(key)")
            ExplorerSession.press(&s, .escape)
        }
    }

    @Test func controlCharactersFromTheFileNeverReachTheCanvas() throws {
        let model = try ModelLoader.load(Fixtures.path("bad/escape_name.keras"))
        var s = try ExplorerState(model: model, input: nil)
        for (key, _) in Self.views {
            ExplorerSession.press(&s, key)
            #expect(!s.render().text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        }
    }
}

extension RenderTests {
    @Test func overLongNamesFromAFileAreShortenedWithAnEllipsis() throws {
        let name = "layer_" + String(repeating: "very_long_", count: 40) + "end"
        let lstm = try LSTMLayer(
            name: name, kernel: Matrix(zerosRows: 2, columns: 8), recurrentKernel: Matrix(zerosRows: 2, columns: 8),
            bias: nil)
        let model = try Model(
            name: name, layers: [.lstm(lstm)], inputSize: 2,
            provenance: Provenance(path: "/tmp/" + name + ".keras", format: .keras))
        var s = try ExplorerState(model: model, input: nil, width: 120, height: 40)
        for (key, _) in Self.views {
            ExplorerSession.press(&s, key)
            let text = s.render().text
            #expect(!text.contains(name), "view \(s.view)")
            #expect(text.contains("layer_very_long_…") || text.contains("layer_very_long_very…"), "view \(s.view)")
        }
        ExplorerSession.press(&s, .character("3"))
        #expect(s.render().text.contains("layer layer_very_long_…g_very_long_end (LSTM, 2 units)"))
    }
}

/// Three decimals with a sign, as the 80-column Step view prints them.
func format3(_ v: Float) -> String {
    let scaled = (Double(abs(v)) * 1000).rounded()
    let whole = Int(scaled) / 1000, frac = Int(scaled) % 1000
    let f = String(frac)
    return (v < 0 ? "-" : "+") + "\(whole)." + String(repeating: "0", count: 3 - f.count) + f
}
