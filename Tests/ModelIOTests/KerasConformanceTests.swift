import Foundation
import LSTMCore
import ModelIO
import TestSupport
import Testing

/// Every fixture model, in every format it was saved in, replays Keras's own numbers.
@Suite struct KerasConformanceTests {
    /// (model file, its Keras trace) for every fixture and sample that has a trace.
    static let cases: [(String, String)] = {
        var out: [(String, String)] = []
        for folder in ["keras", "keras2"] {
            for trace in Fixtures.files(in: folder, suffix: "-trace.json") {
                let stem = String(trace.dropLast("-trace.json".count))
                for ext in [".keras", ".h5", ".npz"] where FileManager.default.fileExists(atPath: stem + ext) {
                    out.append((stem + ext, trace))
                }
            }
        }
        for name in ["tutorial", "wide", "stacked"] {
            for ext in [".keras", ".h5", ".npz"]
            where FileManager.default.fileExists(atPath: Fixtures.sample(name + ext)) {
                out.append((Fixtures.sample(name + ext), Fixtures.sample(name + "-trace.json")))
            }
        }
        return out
    }()

    @Test func thereAreEnoughFixtures() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func traceMatchesKeras(model path: String, trace tracePath: String) throws {
        let keras = try KerasTrace(path: tracePath)
        var options = ArchitectureOptions()
        if path.hasSuffix(".npz") {
            // .npz carries no architecture; give the activations the fixture was built with.
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            if name == "activations" {
                options.activation = "relu"; options.recurrentActivation = "hard_sigmoid";
                options.outputActivation = "softmax"
            } else if name.hasPrefix("act_") {
                let parts = name.dropFirst(4).split(separator: "_", maxSplits: 1).map(String.init)
                options.activation = parts[0]; options.recurrentActivation = parts[1]
            }
        }
        let model = try ModelLoader.load(path, options: options)
        let trace = try ModelTrace(model: model, input: keras.input)
        #expect(trace.layers.count == keras.layers.count)
        // Exponential activations reach h ≈ 263; compare those relative to their size.
        let tolerance: Float = path.contains("float16") ? 2e-3 : 1e-5
        for (ours, theirs) in zip(trace.layers, keras.layers) {
            for t in 0..<theirs.h.count {
                #expect(
                    maxScaledDifference(ours.vector(.h, at: t)!, theirs.h[t]) <= tolerance,
                    "h at t=\(t) in \(ours.layerName)")
                #expect(
                    maxScaledDifference(ours.vector(.c, at: t)!, theirs.c[t]) <= tolerance,
                    "c at t=\(t) in \(ours.layerName)")
            }
        }
        #expect(maxScaledDifference(trace.output, keras.output) <= tolerance, "output")
    }

    @Test func theThreeFormatsOfOneModelLoadIdenticalWeights() throws {
        let keras = try ModelLoader.load(Fixtures.sample("tutorial.keras"))
        let h5 = try ModelLoader.load(Fixtures.sample("tutorial.h5"))
        let npz = try ModelLoader.load(Fixtures.sample("tutorial.npz"))
        #expect(keras.layers == h5.layers)
        #expect(keras.layers.map(\.parameterCount) == npz.layers.map(\.parameterCount))
        #expect(keras.parameters.map(\.matrix) == npz.parameters.map(\.matrix))
        #expect(keras.parameters.map(\.seedName) == ["W", "U", "b", "Wout", "bout"])
        #expect(keras.provenance.kerasVersion == "3.15.1")
        #expect(keras.lookBack == 4 && keras.inputSize == 3)
    }

    @Test func namedArraysNpzEqualsPositionalNpz() throws {
        let named = try ModelLoader.load(Fixtures.path("keras/named_arrays.npz"))
        let positional = try ModelLoader.load(Fixtures.path("keras/plain.npz"))
        #expect(named.layers == positional.layers)
    }

    @Test func parameterCountsMatchKeras() throws {
        let counts = try Fixtures.parameterCounts()
        #expect(counts.count >= 30)
        for (relative, count) in counts {
            let model = try ModelLoader.load(Fixtures.root.appendingPathComponent(relative).path)
            #expect(model.parameterCount == count, "\(relative)")
        }
    }

    @Test func hardSigmoidFollowsTheVersionThatSavedTheFile() throws {
        let k2 = try ModelLoader.load(Fixtures.path("keras2/k2_hardsig.h5"))
        let k3 = try ModelLoader.load(Fixtures.path("keras/activations.keras"))
        #expect((k2.tracedLayers[0] as? LSTMLayer)?.recurrentActivation == .hardSigmoid(.keras2))
        #expect((k3.tracedLayers[0] as? LSTMLayer)?.recurrentActivation == .hardSigmoid(.keras3))
        #expect(k2.provenance.kerasVersion == "2.21.0")
    }

    @Test func layerNamesComeFromTheConfigNotTheWeightGroups() throws {
        let tricky = try ModelLoader.load(Fixtures.path("keras/named_tricky.keras"))
        #expect(tricky.layers.map(\.className) == ["LSTM", "Dense"])
        #expect(tricky.layers.map(\.name) == ["dense", "lstm"])
        let named = try ModelLoader.load(Fixtures.path("keras/named.h5"))
        #expect(named.layers.map(\.name) == ["encoder", "head"])
    }

    @Test func storedDTypesAreReported() throws {
        let f16 = try ModelLoader.load(Fixtures.path("keras/float16.keras"))
        let f64 = try ModelLoader.load(Fixtures.path("keras/float64.h5"))
        #expect(f16.provenance.storedDTypes["lstm/kernel"] == "float16")
        #expect(f64.provenance.storedDTypes["lstm/recurrent_kernel"] == "float64")
    }

    @Test func inputsReadTheSameFromNpyCsvAndJson() throws {
        let npy = try InputLoader.loadWindow(Fixtures.sample("tutorial-input.npy"), columns: 3)
        let csv = try InputLoader.loadWindow(Fixtures.sample("tutorial-input.csv"), columns: 3)
        let json = try InputLoader.loadWindow(Fixtures.sample("tutorial-input.json"), columns: 3)
        #expect(npy.rows == 4)
        #expect(maxAbsDifference(npy.values, csv.values) < 1e-6)
        #expect(maxAbsDifference(npy.values, json.values) < 1e-6)
    }

    /// Gates far out in σ's tails gating a huge value (linear activation): the fast kernels'
    /// σ must be as small as Keras's there (it had a floor of 1.2e-7, which let 11.9 through
    /// where Keras has 4.14 and 0). Fixtures: scripts/make_saturation_fixtures.py.
    @Test(arguments: ["lstm_linear", "gru_linear"])
    func saturatedGatesMatchKeras(name: String) throws {
        let model = try ModelLoader.load(Fixtures.path("saturation/\(name).keras"))
        let input = try InputLoader.loadWindow(Fixtures.path("saturation/\(name)-input.npy"), columns: model.inputSize)
        let expected = try InputLoader.loadFlat(Fixtures.path("saturation/\(name)-expected.npy"))
        let output = try ModelTrace(model: model, input: input).output
        #expect(maxScaledDifference(output, expected) <= 1e-5, "\(name): \(output) vs Keras \(expected)")
        #expect(try model.predict(input) == output)
    }
}
