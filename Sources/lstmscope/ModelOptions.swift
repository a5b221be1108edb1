import ArgumentParser
import LSTMCore
import ModelIO
import Reports

/// The model argument and the options that matter for files without an architecture (.npz) or
/// with more tensors than the replay uses (PyTorch state dicts).
struct ModelOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "The model: .keras, .h5, .npz, a PyTorch state dict as .safetensors, or .onnx.", valueName: "model")
    )
    var model: String?

    @Option(help: ArgumentHelp("For .npz: LSTM activation (c̃ and h). Default tanh.", valueName: "name"))
    var activation: String?

    @Option(help: ArgumentHelp("For .npz: LSTM recurrent (gate) activation. Default sigmoid.", valueName: "name"))
    var recurrentActivation: String?

    @Option(help: ArgumentHelp("For .npz: activation of the last Dense layer. Default linear.", valueName: "name"))
    var outputActivation: String?

    @Option(
        help: ArgumentHelp(
            """
            For .npz: Keras major version whose hard_sigmoid to use (2: clip(0.2x+0.5), 3: clip(x/6+0.5)). Default 3.
            """, valueName: "2|3"))
    var kerasVersion: Int?

    @Option(
        name: .customLong("ignore-tensors"),
        help: ArgumentHelp(
            """
            For PyTorch state dicts: leave out the tensors matching this shell pattern (e.g. 'norm.*'; \
            repeat for more). Without it every tensor must be used, or the load fails naming the rest; \
            inspect lists what was left out.
            """, valueName: "pattern"))
    var ignoreTensors: [String] = []

    func validate() throws {
        let named = [
            ("--activation", activation), ("--recurrent-activation", recurrentActivation),
            ("--output-activation", outputActivation),
        ]
        for (flag, name) in named {
            if let name, Activation(kerasName: name) == nil {
                throw ValidationError(
                    "\(flag): unknown activation \"\(name)\" "
                        + "(try tanh, sigmoid, hard_sigmoid, relu, linear, softmax, …)")
            }
        }
        if let kerasVersion, kerasVersion != 2 && kerasVersion != 3 {
            throw ValidationError("--keras-version must be 2 or 3")
        }
    }

    /// The options as the loader takes them.
    var architecture: ArchitectureOptions {
        var o = ArchitectureOptions()
        o.activation = activation ?? o.activation
        o.recurrentActivation = recurrentActivation ?? o.recurrentActivation
        o.outputActivation = outputActivation ?? o.outputActivation
        o.kerasMajorVersion = kerasVersion ?? o.kerasMajorVersion
        o.ignoredTensors = ignoreTensors
        return o
    }

    /// The options as arguments again, for a child process (``ChildCheck``).
    var arguments: [String] {
        var out: [String] = []
        for (flag, value) in [
            ("--activation", activation), ("--recurrent-activation", recurrentActivation),
            ("--output-activation", outputActivation),
            ("--keras-version", kerasVersion.map(String.init)),
        ] {
            if let value { out += [flag, value] }
        }
        for pattern in ignoreTensors { out += ["--ignore-tensors", pattern] }
        return out
    }

    /// The model path, or the bundled sample when none is given (the explorer only).
    func resolvedPath() throws -> String {
        if let model { return model }
        guard let sample = SampleLocator.tutorialModel() else {
            throw UsageError(
                message:
                    "no model given and the bundled sample (sample-weights/tutorial.keras) was not found; "
                    + "name a model: lstmscope MODEL"
            )
        }
        return sample
    }

    /// The model path for a command that needs one: `inspect` or `trace` with an empty `$MODEL`
    /// in a script must fail, not quietly describe the bundled sample.
    func requiredPath(for command: String) throws -> String {
        guard let model, !model.isEmpty else {
            throw UsageError(
                message: "\(command) needs a model: lstmscope \(command) MODEL "
                    + "(only the explorer, lstmscope with no arguments, opens the bundled sample)")
        }
        return model
    }

    /// Loads the model at `path` and refuses the options that do not apply to its format: the
    /// file's own architecture would silently win over them.
    func load(_ path: String) throws -> Model {
        let model = try LoadWatchdog.load(path, options: architecture)
        try checkApplicable(to: model)
        return model
    }

    /// Refuses `--activation` and friends for a file that names its own architecture, and
    /// `--ignore-tensors` for one that is not a state dict.
    func checkApplicable(to model: Model) throws {
        let format = model.provenance.format
        if format != .npz {
            let given = [
                ("--activation", activation), ("--recurrent-activation", recurrentActivation),
                ("--output-activation", outputActivation), ("--keras-version", kerasVersion.map(String.init)),
            ]
            .filter { $0.1 != nil }.map(\.0)
            if !given.isEmpty {
                throw UsageError(
                    message: "\(given.joined(separator: ", ")) \(given.count == 1 ? "applies" : "apply") "
                        + "only to .npz weights, which carry no architecture; "
                        + "\(terminalSafe(model.provenance.path)) says its own")
            }
        }
        if !ignoreTensors.isEmpty, !format.isPyTorchStateDict {
            throw UsageError(
                message: "--ignore-tensors only applies to PyTorch state dicts "
                    + "(.safetensors, or .npz with the state dict's names)")
        }
    }
}
