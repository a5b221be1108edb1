#if LSTMSCOPE_FUZZING
    import CFuzzDriver
#endif
import Foundation
import LSTMCore
import ModelIO

/// The fuzz targets: every parser a file can reach, fed arbitrary bytes.
///
/// Built normally, `lstmscope-fuzz TARGET FILE…` runs the files through a target once (how a
/// crash found by the fuzzer is replayed). Built for fuzzing (`scripts/fuzz.sh`, which adds
/// `--sanitize=fuzzer` and `-DLSTMSCOPE_FUZZING`), libFuzzer drives it; the target is named by
/// `LSTMSCOPE_FUZZ_TARGET`.
enum FuzzTarget: String, CaseIterable {
    /// Any model file: magic-byte detection, legacy `.h5` through libhdf5, zip archives, `.npz`
    /// with `.npy` entries and shape inference, `.keras` archives.
    case model
    /// `config.json` of a `.keras` archive through the model builder, with the sample's weights.
    case kerasConfig = "keras-config"
    /// Input windows: `.npy`, `.csv` and `.json`.
    case input
    /// What `compare --theirs` reads: trace JSON (the streaming reader) and CSV, matrices, outputs.
    case theirs
    /// ONNX models: protobuf decoding, every tensor's bounds, the graph walk (seeds: the fixtures).
    case onnx
    /// TFLite models: the FlatBuffers reader's bounds, every tensor, the graph walk, the hybrid
    /// replay (seeds: the fixtures).
    case tflite

    func run(_ data: Data) {
        switch self {
        case .model:
            if let model = try? ModelLoader.load(data: data, path: "fuzz") { exercise(model) }
        case .onnx:
            if let model = try? ModelLoader.loadONNX(data: data, path: "fuzz") { exercise(model) }
        case .tflite:
            if let model = try? ModelLoader.loadTFLite(data: data, path: "fuzz") { exercise(model) }
        case .kerasConfig:
            if let model = try? ModelLoader.load(kerasConfig: data, weights: Self.sampleWeights, path: "fuzz") {
                exercise(model)
            }
        case .input:
            for name in ["fuzz.npy", "fuzz.csv", "fuzz.json"] {
                _ = try? InputLoader.loadWindow(data: data, path: name)
                // With the model's width known the CSV reader stops long rows early: another path.
                _ = try? InputLoader.loadWindow(data: data, path: name, columns: 3)
                _ = try? InputLoader.loadFlat(data: data, path: name)
            }
        case .theirs:
            for name in ["fuzz.json", "fuzz.csv", "fuzz.npy"] {
                guard let content = try? TheirsLoader.load(data: data, path: name, model: Self.tiny, steps: 4, layer: 0)
                else { continue }
                if case .stream(let file, _) = content {
                    try? file.forEach { _, _ in
                    } output: { _ in
                    }
                }
            }
        }
    }

    /// A model that loads must also replay: a short window through predict and the trace.
    private func exercise(_ model: Model) {
        let steps = min(model.lookBack ?? 3, 16)
        let window = Matrix.sineWindow(steps: max(steps, 1), features: min(model.inputSize, 4096))
        _ = try? model.predict(window)
        _ = try? ModelTrace(model: model, input: window)
    }

    /// LSTM(5) on 3 inputs, the sample's shapes, for the theirs target.
    static let tiny = try! SyntheticModel.make(inputSize: 3, units: 5)

    /// `model.weights.h5` of the bundled sample, for the config target (path from
    /// `LSTMSCOPE_FUZZ_WEIGHTS`, else `Fuzz/keras-config-weights.h5`).
    static let sampleWeights: Data = {
        let path = ProcessInfo.processInfo.environment["LSTMSCOPE_FUZZ_WEIGHTS"] ?? "Fuzz/keras-config-weights.h5"
        return FileManager.default.contents(atPath: path) ?? Data()
    }()

    static var selected: FuzzTarget? {
        ProcessInfo.processInfo.environment["LSTMSCOPE_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))
    }
}

#if LSTMSCOPE_FUZZING
    /// The fuzzing build's main (SwiftPM links every executable's main to `<module>_main`): hands
    /// control to libFuzzer, which calls back with each input it makes.
    @_cdecl("lstmscope_fuzz_main")
    func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        guard let target = FuzzTarget.selected else {
            let message =
                "set LSTMSCOPE_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n"
            FileHandle.standardError.write(Data(message.utf8))
            return 2
        }
        selectedTarget = target
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in
            selectedTarget.run(bytes.map { Data(bytes: $0, count: size) } ?? Data())
            return 0
        }
    }

    nonisolated(unsafe) private var selectedTarget = FuzzTarget.model

    /// libFuzzer's own main refers to this entry even when the driver above is used; same work.
    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        selectedTarget.run(bytes.map { Data(bytes: $0, count: size) } ?? Data())
        return 0
    }
#else
    /// Replays files through a target: `lstmscope-fuzz TARGET FILE…`.
    @main
    struct FuzzReplay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                print(
                    "usage: lstmscope-fuzz TARGET FILE…   "
                        + "(TARGET: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
                exit(2)
            }
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("\(path): cannot read"); exit(1)
                }
                target.run(data)
                print("\(path): ok")
            }
        }
    }
#endif
