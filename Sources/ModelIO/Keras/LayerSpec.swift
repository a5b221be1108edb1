import Foundation

/// One layer entry of a Keras model config: its class, name and config dictionary.
///
/// Every value is read through a typed getter that refuses a value of the wrong JSON type,
/// naming the key and the layer: `"go_backwards": "false"` is a string, which Python reads as
/// true, so taking it for false (or for the default) would replay a different model.
struct LayerSpec {
    /// Keras class name: `LSTM`, `Dense`, `Dropout`, …
    var className: String
    /// The layer's own name.
    var name: String
    /// The layer's `config` dictionary.
    var config: [String: Any]
    /// The model file, for messages.
    var path: String

    /// A boolean config value (JSON `true` / `false`), or `value` when the key is absent or null.
    func bool(_ key: String, default value: Bool) throws(LoadError) -> Bool {
        guard let raw = config[key], !(raw is NSNull) else { return value }
        guard let flag = JSONValue.bool(raw) else { throw wrongType(key, raw, "true or false") }
        return flag
    }

    /// An integer config value (a JSON number without a fraction), or nil when absent or null.
    func int(_ key: String) throws(LoadError) -> Int? {
        guard let raw = config[key], !(raw is NSNull) else { return nil }
        guard let number = JSONValue.int(raw) else { throw wrongType(key, raw, "a whole number") }
        return number
    }

    /// A numeric config value, or `value` when absent or null.
    func float(_ key: String, default value: Float) throws(LoadError) -> Float {
        guard let raw = config[key], !(raw is NSNull) else { return value }
        guard let number = JSONValue.number(raw) else { throw wrongType(key, raw, "a number") }
        return Float(number)
    }

    /// A string config value, or nil when absent or null.
    func string(_ key: String) throws(LoadError) -> String? {
        guard let raw = config[key], !(raw is NSNull) else { return nil }
        guard let text = raw as? String else { throw wrongType(key, raw, "a string") }
        return text
    }

    /// A nested object (`layer` of a wrapper), or nil when absent or null.
    func object(_ key: String) throws(LoadError) -> [String: Any]? {
        guard let raw = config[key], !(raw is NSNull) else { return nil }
        guard let object = raw as? [String: Any] else { throw wrongType(key, raw, "an object") }
        return object
    }

    /// The activation name under `key`: a plain string, or a serialized Keras function.
    func activationName(_ key: String) throws(LoadError) -> String? {
        switch config[key] {
        case nil, is NSNull: return nil
        case let name as String: return name
        case let dict as [String: Any]:
            // Keras 3 may serialize {"module": "keras.activations", "class_name": "function", "config": "tanh"}.
            if let name = dict["config"] as? String { return name }
            if let inner = dict["config"] as? [String: Any], let name = inner["name"] as? String { return name }
            if let name = dict["class_name"] as? String { return name }
            throw wrongType(key, dict, "an activation name")
        case let other?: throw wrongType(key, other, "an activation name")
        }
    }

    /// Refuses a layer whose config asks for what the replay does not do (`time_major`,
    /// `return_state`): replaying it anyway would give another model's numbers.
    func refuse(_ key: String, when value: Bool, because reason: String) throws(LoadError) {
        if try bool(key, default: !value) == value {
            throw LoadError(
                path, .unsupportedLayer,
                "layer \"\(name)\" (\(className)): \(key)=\(value) is not supported (\(reason))")
        }
    }

    private func wrongType(_ key: String, _ raw: Any, _ expected: String) -> LoadError {
        LoadError(
            path, .invalidConfig,
            "layer \"\(name)\" (\(className)): config value \(key) is \(JSONValue.describe(raw)) "
                + "but must be \(expected)")
    }
}

/// What a value from `JSONSerialization` is, told apart by JSON type: on Linux a JSON `true`
/// and the number 1 are both `NSNumber`s that Swift's `as? Bool` and `as? Int` accept alike.
enum JSONValue {
    /// A JSON boolean.
    static func bool(_ value: Any) -> Bool? {
        guard let number = value as? NSNumber, isBoolean(number) else { return nil }
        return number.boolValue
    }

    /// A JSON number written without a fraction or exponent that fits an `Int`.
    static func int(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBoolean(number), !isFloatingPoint(number) else { return nil }
        return number.intValue
    }

    /// Any JSON number (not a boolean).
    static func number(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        return number.doubleValue
    }

    /// The value as a message shows it: `the string "false"`, `the number 3.5`, `true`, `a list`.
    static func describe(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let text as String: return "the string \"\(text.prefix(40))\""
        case let number as NSNumber:
            return isBoolean(number) ? (number.boolValue ? "true" : "false") : "the number \(number)"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        default: return "a value of another kind"
        }
    }

    private static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    private static func isFloatingPoint(_ number: NSNumber) -> Bool {
        let type = String(cString: number.objCType)
        return type == "d" || type == "f"
    }
}
