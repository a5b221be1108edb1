import Foundation
import LSTMCore

/// Opens any model file lstmscope reads, telling the format by its bytes, not its name.
///
/// ```swift
/// let model = try ModelLoader.load("sample-weights/tutorial.keras")
/// model.chainDescription   // "LSTM(5) → Dense(1)"
/// ```
public enum ModelLoader {
    private static let hdf5Lock = NSLock()

    /// Loads `.keras`, legacy `.h5` or `.npz`; `options` only matter for `.npz`.
    public static func load(_ path: String, options: ArchitectureOptions = ArchitectureOptions()) throws(LoadError)
        -> Model
    {
        let data = try FileBytes.read(path)
        return try load(data: data, path: path, options: options)
    }

    /// Loads a Keras 3 model from the parts of a `.keras` archive that the caller has already
    /// unpacked: `config.json`, `model.weights.h5` and, optionally, `metadata.json`.
    public static func load(kerasConfig: Data, weights: Data, metadata: Data? = nil, path: String) throws(LoadError)
        -> Model
    {
        hdf5Lock.lock()
        defer { hdf5Lock.unlock() }
        return try KerasArchiveLoader.load(config: kerasConfig, weights: weights, metadata: metadata, path: path)
    }

    /// Loads a model from bytes already in memory; `path` names it in errors.
    public static func load(data: Data, path: String, options: ArchitectureOptions = ArchitectureOptions())
        throws(LoadError) -> Model
    {
        // libhdf5 (Debian's build) is not thread-safe: one load at a time.
        hdf5Lock.lock()
        defer { hdf5Lock.unlock() }
        try refuseAmbiguous(data, path: path)
        if data.prefix(8) == HDF5File.signature {
            let h5: HDF5File
            do {
                h5 = try HDF5File(image: data)
            } catch {
                throw LoadError(path, .invalidArray, error.message)
            }
            return try LegacyH5Loader.load(h5, path: path)
        }
        if data.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]) || data.prefix(4) == Data([0x50, 0x4B, 0x05, 0x06]) {
            let zip = try ZipReader(data: data, path: path)
            let names = zip.entryNames
            if names.contains("config.json") || names.contains("model.weights.h5") {
                return try KerasArchiveLoader.load(zip, path: path)
            }
            if names.contains(where: { $0.hasSuffix("data.pkl") }) {
                throw LoadError(
                    path, .refused,
                    "a pickled PyTorch checkpoint; lstmscope never unpickles (it runs code). Export with "
                        + "safetensors.torch.save_file(model.state_dict(), \"m.safetensors\")"
                )
            }
            return try NPZLoader.load(zip, path: path, options: options)
        }
        if SafetensorsReader.looksLike(data) {
            return try TorchLoader.build(
                SafetensorsReader.read(data, path: path), path: path, format: .safetensors,
                ignoring: options.ignoredTensors)
        }
        if TFLiteLoader.looksLike(data) {
            return try TFLiteLoader.load(data, path: path)
        }
        if ONNXLoader.looksLike(data) {
            return try ONNXLoader.load(data, path: path)
        }
        if data.prefix(6) == NPYReader.magic {
            throw LoadError(
                path, .unknownFormat,
                "a single .npy array, not a model; save all weights with np.savez(path, *model.get_weights())")
        }
        if data.first == 0x80 {
            throw LoadError(
                path, .refused,
                "looks like a Python pickle; "
                    + "lstmscope never unpickles (it runs code). Save with model.save(\"m.keras\") or np.savez"
            )
        }
        throw LoadError(
            path, .unknownFormat,
            "not a model file lstmscope can read (expected a Keras .keras archive, a Keras .h5 file, "
                + "an .npz of weights, a PyTorch .safetensors state dict, an ONNX .onnx or a TFLite .tflite model)"
        )
    }

    /// Loads bytes as an ONNX model whatever they start with (`load(data:path:)` takes a file
    /// for ONNX when its first byte is ir_version's tag, as `onnx.save` writes it); the fuzzer's
    /// `onnx` target comes in here.
    public static func loadONNX(data: Data, path: String) throws(LoadError) -> Model {
        try ONNXLoader.load(data, path: path)
    }

    /// Loads bytes as a TFLite model whatever their file identifier says (`load(data:path:)`
    /// takes a file for TFLite when bytes 4–8 are `TFL3`); the fuzzer's `tflite` target comes in here.
    public static func loadTFLite(data: Data, path: String) throws(LoadError) -> Model {
        try TFLiteLoader.load(data, path: path)
    }

    /// Refuses a file that is at once an HDF5 file and a zip archive: libhdf5 finds its
    /// signature at offset 0, 512, 1024, … and zip tools read the directory at the end, so such
    /// a file is two models, and which one a tool sees depends on the tool. (A stored zip entry
    /// that is itself an HDF5 file, as `model.weights.h5` is, may start at such an offset by
    /// chance; that is the archive's own content, not a second reading of the file.)
    private static func refuseAmbiguous(_ data: Data, path: String) throws(LoadError) {
        var offsets: [Int] = []
        var offset = 0
        while offset + 8 <= data.count {
            let start = data.startIndex + offset
            if data[start..<(start + 8)] == HDF5File.signature { offsets.append(offset) }
            offset = offset == 0 ? 512 : offset * 2
        }
        guard !offsets.isEmpty, let entries = ZipDirectory.readableEntries(data) else { return }
        let inside = Set(entries.filter { $0.method == 0 }.map(\.dataOffset))
        guard let hdf5 = offsets.first(where: { !inside.contains($0) }) else { return }
        throw LoadError(
            path, .refused,
            "ambiguous file: it is both an HDF5 file (signature at byte \(hdf5)) "
                + "and a zip archive, so tools disagree on what it holds; save the model again")
    }
}
