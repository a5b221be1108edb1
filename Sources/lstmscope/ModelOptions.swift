import ArgumentParser
import LSTMCore
import ModelIO

/// The model argument and the options that matter for files without an architecture (.npz).
struct ModelOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The model: .keras, .h5, .npz, or a PyTorch state dict as .safetensors.", valueName: "model"))
    var model: String?

    @Option(help: ArgumentHelp("For .npz: LSTM activation (c̃ and h).", valueName: "name"))
    var activation = "tanh"

    @Option(help: ArgumentHelp("For .npz: LSTM recurrent (gate) activation.", valueName: "name"))
    var recurrentActivation = "sigmoid"

    @Option(help: ArgumentHelp("For .npz: activation of the last Dense layer.", valueName: "name"))
    var outputActivation = "linear"

    @Option(help: ArgumentHelp("For .npz: Keras major version whose hard_sigmoid to use (2: clip(0.2x+0.5), 3: clip(x/6+0.5)).", valueName: "2|3"))
    var kerasVersion = 3

    func validate() throws {
        for (flag, name) in [("--activation", activation), ("--recurrent-activation", recurrentActivation), ("--output-activation", outputActivation)]
        where Activation(kerasName: name) == nil {
            throw ValidationError("\(flag): unknown activation \"\(name)\" (try tanh, sigmoid, hard_sigmoid, relu, linear, softmax, …)")
        }
        guard kerasVersion == 2 || kerasVersion == 3 else { throw ValidationError("--keras-version must be 2 or 3") }
    }

    /// The options as the loader takes them.
    var architecture: ArchitectureOptions {
        var o = ArchitectureOptions()
        o.activation = activation
        o.recurrentActivation = recurrentActivation
        o.outputActivation = outputActivation
        o.kerasMajorVersion = kerasVersion
        return o
    }

    /// The model path, or the bundled sample when none is given.
    func resolvedPath() throws -> String {
        if let model { return model }
        guard let sample = SampleLocator.tutorialModel() else {
            throw UsageError(message: "no model given and the bundled sample (sample-weights/tutorial.keras) was not found; name a model: lstmscope MODEL")
        }
        return sample
    }

    /// Loads the model.
    func load() throws -> Model {
        try LoadWatchdog.load(try resolvedPath(), options: architecture)
    }
}
