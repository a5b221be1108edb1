import Foundation
import LSTMCore

/// The weights of one layer in Keras order (kernel, recurrent_kernel, bias), with their names.
struct LayerWeights {
    /// Arrays in the order Keras's `layer.get_weights()` gives them.
    var arrays: [NDArray]
}

/// Turns layer specs and their weights into a core ``Model``, checking every shape.
///
/// Shared by the `.keras` and legacy `.h5` loaders, which differ only in where the weights live.
struct ModelBuilder {
    /// The file, for messages.
    let path: String
    /// Keras major version that saved the file (decides `hard_sigmoid`).
    let kerasMajorVersion: Int

    /// Layer classes that do nothing at inference time.
    static let passThroughClasses: Set<String> = [
        "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
        "ActivityRegularization",
    ]

    /// Builds the model; `weights(spec, maximum)` supplies a layer's arrays in Keras order,
    /// refusing more than `maximum` of them before reading any.
    func build(
        config: KerasConfig, provenance: Provenance,
        weights: (LayerSpec, Int) throws(LoadError) -> LayerWeights
    ) throws(LoadError) -> Model {
        var layers: [Layer] = []
        var storedDTypes: [String: String] = [:]
        for original in config.layers {
            var spec = original
            if spec.className == "TimeDistributed" {
                // TimeDistributed(Dense) is a Dense applied per step, which our Dense already is.
                guard let inner = try spec.object("layer"), inner["class_name"] as? String == "Dense",
                    let innerConfig = inner["config"] as? [String: Any]
                else {
                    throw unsupported(spec, detail: "only TimeDistributed(Dense) is supported")
                }
                spec = LayerSpec(className: "Dense", name: spec.name, config: innerConfig, path: path)
            }
            switch spec.className {
            case "LSTM", "GRU", "SimpleRNN":
                let arrays = try weights(original, 3).arrays
                layers.append(try recurrentLayer(spec, arrays))
                for (name, array) in zip(["kernel", "recurrent_kernel", "bias"], arrays) {
                    storedDTypes["\(spec.name)/\(name)"] = array.dtype
                }
            case "Bidirectional":
                let arrays = try weights(original, 6).arrays
                layers.append(try bidirectional(spec, arrays))
            case "Dense":
                let arrays = try weights(original, 2).arrays
                let useBias = try spec.bool("use_bias", default: true)
                try expect(arrays, count: useBias ? 2 : 1, spec)
                let dense = try LoadError.building(path) {
                    try DenseLayer(
                        name: spec.name,
                        kernel: try matrix(arrays[0], "kernel", spec),
                        bias: useBias ? try vector(arrays[1], "bias", spec) : nil,
                        activation: try activation(spec, "activation", default: .linear))
                }
                if let units = try spec.int("units"), units != dense.kernel.columns {
                    throw LoadError(
                        path, .badShape,
                        "layer \"\(spec.name)\": config says \(units) units "
                            + "but its kernel has \(dense.kernel.columns) columns")
                }
                layers.append(.dense(dense))
                for (name, array) in zip(["kernel", "bias"], arrays) {
                    storedDTypes["\(spec.name)/\(name)"] = array.dtype
                }
            case "Masking":
                let value = try spec.float("mask_value", default: 0)
                layers.append(.masking(name: spec.name, value: value))
            case "Activation":
                layers.append(.activation(name: spec.name, try activation(spec, "activation", default: .linear)))
            case "Flatten":
                layers.append(.flatten(name: spec.name))
            case let name where ModelBuilder.passThroughClasses.contains(name):
                layers.append(.identity(name: spec.name, className: name))
            default:
                throw unsupported(spec, detail: nil)
            }
        }
        guard let inputSize = config.inputShape?.last ?? nil ?? firstInputSize(layers) else {
            throw LoadError(path, .invalidConfig, "cannot tell the model's input size from its config")
        }
        var provenance = provenance
        provenance.storedDTypes = storedDTypes
        let lookBack = (config.inputShape?.count ?? 0) >= 2 ? config.inputShape?[0] ?? nil : nil
        do {
            return try Model(
                name: config.name, layers: layers, inputSize: inputSize, lookBack: lookBack, provenance: provenance)
        } catch {
            throw LoadError.shape(path, error)
        }
    }

    /// An LSTM, GRU or SimpleRNN layer from its spec and its arrays in Keras order.
    private func recurrentLayer(_ spec: LayerSpec, _ arrays: [NDArray]) throws(LoadError) -> Layer {
        let useBias = try spec.bool("use_bias", default: true)
        try expect(arrays, count: useBias ? 3 : 2, spec)
        try spec.refuse("time_major", when: true, because: "it reads the window as (T, batch, features)")
        try spec.refuse("return_state", when: true, because: "the layer's states would be extra outputs")
        let returnSequences = try spec.bool("return_sequences", default: false)
        let goBackwards = try spec.bool("go_backwards", default: false)
        let zeroOutput = try spec.bool("zero_output_for_mask", default: false)
        let resetAfter = try spec.bool("reset_after", default: true)
        let units = try spec.int("units")
        let layer: Layer = try LoadError.building(path) {
            let kernel = try matrix(arrays[0], "kernel W", spec)
            let recurrent = try matrix(arrays[1], "recurrent kernel U", spec)
            switch spec.className {
            case "LSTM":
                var lstm = try LSTMLayer(
                    name: spec.name, kernel: kernel, recurrentKernel: recurrent,
                    bias: useBias ? try vector(arrays[2], "bias b", spec) : nil,
                    activation: try activation(spec, "activation", default: .tanh),
                    recurrentActivation: try activation(spec, "recurrent_activation", default: .sigmoid),
                    returnSequences: returnSequences, goBackwards: goBackwards)
                lstm.zeroOutputForMask = zeroOutput
                return .lstm(lstm)
            case "GRU":
                // Keras 3 and TF 2 default to reset_after=True, whose bias is (2, 3·hu).
                var inputBias: [Float]?, recurrentBias: [Float]?
                if useBias {
                    let b = arrays[2]
                    if resetAfter {
                        guard b.shape.count == 2, b.shape[0] == 2 else {
                            throw LoadError(
                                path, .badShape,
                                "layer \"\(spec.name)\": GRU bias has shape \(formatShape(b.shape)) but "
                                    + "reset_after=True needs (2, 3·hu)"
                            )
                        }
                        let n = b.shape[1]
                        inputBias = Array(b.values[0..<n])
                        recurrentBias = Array(b.values[n..<2 * n])
                    } else {
                        inputBias = try vector(b, "bias b", spec)
                    }
                }
                var gru = try GRULayer(
                    name: spec.name, kernel: kernel, recurrentKernel: recurrent,
                    inputBias: inputBias, recurrentBias: recurrentBias, resetAfter: resetAfter,
                    activation: try activation(spec, "activation", default: .tanh),
                    recurrentActivation: try activation(spec, "recurrent_activation", default: .sigmoid),
                    returnSequences: returnSequences, goBackwards: goBackwards)
                gru.zeroOutputForMask = zeroOutput
                return .gru(gru)
            default:
                var rnn = try SimpleRNNLayer(
                    name: spec.name, kernel: kernel, recurrentKernel: recurrent,
                    bias: useBias ? try vector(arrays[2], "bias b", spec) : nil,
                    activation: try activation(spec, "activation", default: .tanh),
                    returnSequences: returnSequences, goBackwards: goBackwards)
                rnn.zeroOutputForMask = zeroOutput
                return .simpleRNN(rnn)
            }
        }
        if let units, units != layer.outputWidth! {
            throw LoadError(
                path, .badShape,
                "layer \"\(spec.name)\": config says \(units) units but its weights have \(layer.outputWidth!)")
        }
        return layer
    }

    /// A Bidirectional wrapper: its `layer` (and Keras 3's `backward_layer`; Keras 2 derives
    /// it by flipping go_backwards) with the forward arrays first, then the backward ones.
    private func bidirectional(_ spec: LayerSpec, _ arrays: [NDArray]) throws(LoadError) -> Layer {
        func inner(_ key: String) throws(LoadError) -> LayerSpec? {
            guard let dict = try spec.object(key) else { return nil }
            guard let className = dict["class_name"] as? String, let config = dict["config"] as? [String: Any] else {
                throw LoadError(
                    path, .invalidConfig,
                    "layer \"\(spec.name)\" (Bidirectional): \(key) has no class_name or config")
            }
            return LayerSpec(className: className, name: config["name"] as? String ?? key, config: config, path: path)
        }
        guard var forwardSpec = try inner("layer"), ["LSTM", "GRU", "SimpleRNN"].contains(forwardSpec.className) else {
            throw unsupported(
                spec, detail: "only Bidirectional(LSTM), Bidirectional(GRU) and Bidirectional(SimpleRNN) are supported")
        }
        let givenBackward = try inner("backward_layer")
        var backwardSpec = givenBackward ?? forwardSpec
        if givenBackward == nil {
            backwardSpec.config["go_backwards"] = !(try forwardSpec.bool("go_backwards", default: false))
            backwardSpec.name = "backward_" + forwardSpec.name
        }
        // Keras's Bidirectional sets zero_output_for_mask to return_sequences on both halves.
        let sequences = try forwardSpec.bool("return_sequences", default: false)
        forwardSpec.config["zero_output_for_mask"] = sequences
        backwardSpec.config["zero_output_for_mask"] = sequences
        // merge_mode None (JSON null) keeps the two directions as two outputs; Keras's default is concat.
        let modeName = spec.config["merge_mode"] == nil ? "concat" : try spec.string("merge_mode") ?? "none"
        guard let mode = BidirectionalLayer.Merge(rawValue: modeName) else {
            throw unsupported(spec, detail: "merge_mode \(modeName); Keras's are concat, sum, mul, ave and None")
        }
        guard arrays.count % 2 == 0 else {
            throw LoadError(
                path, .missingWeights,
                "layer \"\(spec.name)\": Bidirectional has \(arrays.count) weight arrays, not two equal sets")
        }
        let half = arrays.count / 2
        let forward = try recurrentLayer(forwardSpec, Array(arrays[..<half]))
        let backward = try recurrentLayer(backwardSpec, Array(arrays[half...]))
        return .bidirectional(
            try LoadError.building(path) {
                try BidirectionalLayer(name: spec.name, forward: forward, backward: backward, merge: mode)
            })
    }

    private func firstInputSize(_ layers: [Layer]) -> Int? {
        layers.lazy.compactMap { $0.recurrentInputSize }.first
    }

    private func unsupported(_ spec: LayerSpec, detail: String?) -> LoadError {
        let hint = spec.className == "Lambda" ? " (Lambda layers hold code, which lstmscope never runs)" : ""
        return LoadError(
            path, .unsupportedLayer,
            "unsupported layer \(spec.name) (class \(spec.className))\(hint)\(detail.map { ": \($0)" } ?? "")")
    }

    private func expect(_ arrays: [NDArray], count: Int, _ spec: LayerSpec) throws(LoadError) {
        guard arrays.count == count else {
            let needs =
                spec.className == "LSTM"
                ? "kernel, recurrent_kernel\(count == 3 ? " and bias" : "")" : "kernel\(count == 2 ? " and bias" : "")"
            throw LoadError(
                path, .missingWeights,
                "layer \"\(spec.name)\" (\(spec.className)) has \(arrays.count) weight arrays but "
                    + "needs \(count) (\(needs))"
            )
        }
    }

    private func matrix(_ array: NDArray, _ what: String, _ spec: LayerSpec) throws(LoadError) -> Matrix {
        guard array.shape.count == 2, let m = array.matrix else {
            throw LoadError(
                path, .badShape, "layer \"\(spec.name)\": \(what) has shape \(formatShape(array.shape)) but must be 2-D"
            )
        }
        return m
    }

    private func vector(_ array: NDArray, _ what: String, _ spec: LayerSpec) throws(LoadError) -> [Float] {
        guard array.shape.count == 1 else {
            throw LoadError(
                path, .badShape, "layer \"\(spec.name)\": \(what) has shape \(formatShape(array.shape)) but must be 1-D"
            )
        }
        return array.values
    }

    private func activation(_ spec: LayerSpec, _ key: String, default value: Activation) throws(LoadError) -> Activation
    {
        guard let name = try spec.activationName(key) else { return value }
        guard let activation = Activation(kerasName: name, kerasMajorVersion: kerasMajorVersion) else {
            throw LoadError(
                path, .unsupportedLayer,
                "layer \"\(spec.name)\": unsupported \(key) \"\(name)\" "
                    + "(custom activations are code, which lstmscope never runs)"
            )
        }
        return activation
    }
}
