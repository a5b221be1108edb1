import Foundation

/// The parts of a Keras model config (`config.json` or the `model_config` attribute) we replay.
///
/// Handles Keras 3 and Keras 2 spellings: `batch_shape` vs `batch_input_shape`, activations as
/// strings or as serialized function dictionaries, Sequential models (in list order) and
/// Functional models (in the order their graph runs, see ``KerasGraph``).
struct KerasConfig {
    /// Layers in the order they run, InputLayer left out.
    var layers: [LayerSpec]
    /// The model's name.
    var name: String
    /// Input shape without the batch axis, when the config records one: `[T, xu]` (T may be nil).
    var inputShape: [Int?]?

    /// Largest window length a config may declare. It only sizes the default window (a file
    /// saying 10^12 must not become a 12 TB allocation); longer windows come from `--input`.
    static let maximumLookBack = 100_000_000
    /// Largest input width a config may declare (the weights say the real one, and must agree).
    static let maximumFeatures = 1 << 20

    /// Parses the JSON text; `path` names the file in errors.
    init(json: Data, path: String) throws(LoadError) {
        func bad(_ problem: String) -> LoadError { LoadError(path, .invalidConfig, "invalid model config: \(problem)") }
        try JSONBounds.check(json, path: path)
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: json, options: [])
        } catch {
            throw bad("not valid JSON")
        }
        guard let top = root as? [String: Any], let className = top["class_name"] as? String else {
            throw bad("no class_name at the top level")
        }
        guard let config = top["config"] as? [String: Any] else { throw bad("no config object") }
        name = config["name"] as? String ?? "model"
        let entries: [Any]
        switch className {
        case "Sequential", "Functional", "Model":
            guard let list = config["layers"] as? [Any] else { throw bad("the \(className) model has no layers list") }
            entries = list
        default:
            throw LoadError(
                path, .unsupportedLayer,
                "unsupported model class \(className); lstmscope replays Sequential and linear Functional models")
        }
        var specs: [LayerSpec] = []
        var dicts: [[String: Any]] = []
        for (index, entry) in entries.enumerated() {
            guard let dict = entry as? [String: Any], let layerClass = dict["class_name"] as? String,
                let layerConfig = dict["config"] as? [String: Any]
            else {
                throw bad("layer \(index) has no class_name or config")
            }
            let layerName = layerConfig["name"] as? String ?? dict["name"] as? String ?? "layer_\(index)"
            specs.append(LayerSpec(className: layerClass, name: layerName, config: layerConfig, path: path))
            dicts.append(dict)
        }
        let order =
            className == "Sequential"
            ? Array(specs.indices)
            : try KerasGraph(specs: specs, entries: dicts, model: config, path: path).runOrder()
        var layers: [LayerSpec] = []
        var inputShape: [Int?]? = nil
        for index in order {
            let spec = specs[index]
            var shape = try KerasConfig.shape("batch_shape", of: spec)
            if shape == nil { shape = try KerasConfig.shape("batch_input_shape", of: spec) }
            if spec.className == "InputLayer" {
                inputShape = inputShape ?? shape.map { Array($0.dropFirst()) }
                continue
            }
            if inputShape == nil, let shape {
                inputShape = Array(shape.dropFirst())
            }
            if inputShape == nil, layers.isEmpty, let build = dicts[index]["build_config"] as? [String: Any] {
                let built = LayerSpec(className: spec.className, name: spec.name, config: build, path: path)
                if let shape = try KerasConfig.shape("input_shape", of: built) { inputShape = Array(shape.dropFirst()) }
            }
            layers.append(spec)
        }
        self.layers = layers
        self.inputShape = inputShape
    }

    /// A batch shape `[batch, T, xu]` under `key`: whole numbers or null, every one checked
    /// against the limits before anything is sized from it.
    private static func shape(_ key: String, of spec: LayerSpec) throws(LoadError) -> [Int?]? {
        guard let raw = spec.config[key], !(raw is NSNull) else { return nil }
        func bad(_ problem: String) -> LoadError {
            LoadError(spec.path, .invalidConfig, "layer \"\(spec.name)\" (\(spec.className)): \(key) \(problem)")
        }
        guard let list = raw as? [Any], !list.isEmpty, list.count <= 8 else {
            throw bad("must be a list of up to 8 dimensions")
        }
        var shape: [Int?] = []
        for (axis, value) in list.enumerated() {
            if value is NSNull { shape.append(nil); continue }
            guard let size = JSONValue.int(value) else {
                throw bad("has \(JSONValue.describe(value)) at axis \(axis); dimensions are whole numbers or null")
            }
            guard size >= 1 else { throw bad("has \(size) at axis \(axis); dimensions are at least 1") }
            if axis == 1, list.count >= 3, size > maximumLookBack {
                throw bad("says the window has \(size) steps; lstmscope takes at most \(maximumLookBack) from a config")
            }
            if axis == list.count - 1, axis > 0, size > maximumFeatures {
                throw bad("says each step has \(size) features; lstmscope takes at most \(maximumFeatures)")
            }
            shape.append(size)
        }
        return shape
    }
}

/// Keras's `to_snake_case`: the group name a layer class gets in `model.weights.h5`.
func kerasSnakeCase(_ className: String) -> String {
    let chars = Array(className.filter { $0.isLetter || $0.isNumber || $0 == "_" })
    var out = ""
    for (i, ch) in chars.enumerated() {
        if i > 0, ch.isUppercase {
            let previous = chars[i - 1]
            let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
            // "(.)([A-Z][a-z]+)" and "([a-z])([A-Z])" from Keras's two regular expressions.
            if nextIsLower || previous.isLowercase {
                if !out.hasSuffix("_") { out.append("_") }
            }
        }
        out.append(ch)
    }
    return out.lowercased()
}
