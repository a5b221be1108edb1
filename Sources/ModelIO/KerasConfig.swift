import Foundation

/// One layer entry of a Keras model config: its class, name and config dictionary.
struct LayerSpec {
    /// Keras class name: `LSTM`, `Dense`, `Dropout`, …
    var className: String
    /// The layer's own name.
    var name: String
    /// The layer's `config` dictionary.
    var config: [String: Any]
}

/// The parts of a Keras model config (`config.json` or the `model_config` attribute) we replay.
///
/// Handles Keras 3 and Keras 2 spellings: `batch_shape` vs `batch_input_shape`, activations as
/// strings or as serialized function dictionaries, Sequential and linear Functional models.
struct KerasConfig {
    /// Layers in order, InputLayer left out.
    var layers: [LayerSpec]
    /// The model's name.
    var name: String
    /// Input shape without the batch axis, when the config records one: `[T, xu]` (T may be nil).
    var inputShape: [Int?]?

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
            throw LoadError(path, .unsupportedLayer, "unsupported model class \(className); lstmscope replays Sequential and linear Functional models")
        }
        var layers: [LayerSpec] = []
        var inputShape: [Int?]? = nil
        for (index, entry) in entries.enumerated() {
            guard let dict = entry as? [String: Any], let layerClass = dict["class_name"] as? String,
                  let layerConfig = dict["config"] as? [String: Any] else {
                throw bad("layer \(index) has no class_name or config")
            }
            let layerName = layerConfig["name"] as? String ?? dict["name"] as? String ?? "layer_\(index)"
            if className != "Sequential", let inbound = dict["inbound_nodes"] as? [Any], inbound.count > 1 {
                throw LoadError(path, .unsupportedLayer, "layer \"\(layerName)\" is called more than once; lstmscope replays linear models only")
            }
            let shape = KerasConfig.shape(layerConfig["batch_shape"]) ?? KerasConfig.shape(layerConfig["batch_input_shape"])
            if layerClass == "InputLayer" {
                inputShape = inputShape ?? shape.map { Array($0.dropFirst()) }
                continue
            }
            if inputShape == nil, let shape {
                inputShape = Array(shape.dropFirst())
            }
            if inputShape == nil, layers.isEmpty, let build = dict["build_config"] as? [String: Any],
               let shape = KerasConfig.shape(build["input_shape"]) {
                inputShape = Array(shape.dropFirst())
            }
            layers.append(LayerSpec(className: layerClass, name: layerName, config: layerConfig))
        }
        self.layers = layers
        self.inputShape = inputShape
    }

    private static func shape(_ value: Any?) -> [Int?]? {
        guard let list = value as? [Any] else { return nil }
        return list.map { ($0 as? NSNumber)?.intValue }
    }
}

extension LayerSpec {
    /// A boolean config value, with a default.
    func bool(_ key: String, default value: Bool) -> Bool {
        (config[key] as? NSNumber)?.boolValue ?? (config[key] as? Bool) ?? value
    }

    /// An integer config value.
    func int(_ key: String) -> Int? { (config[key] as? NSNumber)?.intValue }

    /// The activation name under `key`: a plain string, or a serialized Keras function.
    func activationName(_ key: String) -> String? {
        switch config[key] {
        case nil, is NSNull: return nil
        case let name as String: return name
        case let dict as [String: Any]:
            // Keras 3 may serialize {"module": "keras.activations", "class_name": "function", "config": "tanh"}.
            if let name = dict["config"] as? String { return name }
            if let inner = dict["config"] as? [String: Any], let name = inner["name"] as? String { return name }
            return dict["class_name"] as? String
        default: return "\(config[key]!)"
        }
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
