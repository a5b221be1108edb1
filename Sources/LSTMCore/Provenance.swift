/// Where a model came from: file, format and the Keras version that saved it.
///
/// Plain values so that the explorer can show them without knowing anything about files.
public struct Provenance: Sendable, Equatable {
    /// Path as the user gave it.
    public var path: String
    /// The kind of file the model came from.
    public var format: Format
    /// `keras_version` recorded in the file, if any.
    public var kerasVersion: String?
    /// `backend` recorded in the file, if any.
    public var backend: String?
    /// The dtype each parameter was stored with, keyed by ``Parameter/id``.
    public var storedDTypes: [String: String]
    /// Parameters the file holds that the model folds into others: PyTorch's second LSTM bias
    /// (b = bias_ih + bias_hh), so the file's own count is ``Model/parameterCount`` plus this.
    public var foldedParameterCount = 0
    /// Tensors of the file left out on purpose (`--ignore-tensors`), as `name (shape)`: the
    /// replay is then not the whole of the file's model, and reports say so.
    public var ignoredTensors: [String] = []
    /// Per layer name, where its arrays came from when the file's layout is not Keras's (an
    /// ONNX node's W, R and B), for `inspect` and the Model view.
    public var layerSources: [String: String] = [:]

    /// Creates a provenance record.
    public init(
        path: String, format: Format, kerasVersion: String? = nil, backend: String? = nil,
        storedDTypes: [String: String] = [:]
    ) {
        self.path = path
        self.format = format
        self.kerasVersion = kerasVersion
        self.backend = backend
        self.storedDTypes = storedDTypes
    }

    /// Keras's major version (2 or 3) from ``kerasVersion``, or nil when unknown.
    public var kerasMajorVersion: Int? {
        guard let kerasVersion, let first = kerasVersion.split(separator: ".").first else { return nil }
        return Int(first)
    }
}

extension Provenance {
    /// The kinds of file a model comes from; the raw value is the name `inspect --format json`
    /// writes (`"keras"`, `"torch-npz"`, …).
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// A Keras 3 `.keras` archive.
        case keras
        /// A legacy full-model `.h5` (Keras 2, tf.keras or Keras 3).
        case h5
        /// `np.savez` of `model.get_weights()`: no architecture, read from the shapes.
        case npz
        /// A PyTorch state dict as `.safetensors`.
        case safetensors
        /// A PyTorch state dict as `.npz` with the state dict's names.
        case torchNPZ = "torch-npz"
        /// An ONNX model (`.onnx`).
        case onnx
        /// A TensorFlow Lite model (`.tflite`).
        case tflite
        /// A model made in memory by `bench` (seeded weights).
        case synthetic
        /// A model built in code (tests, the default of ``Model``).
        case memory

        /// Whether the file is a PyTorch state dict (whose tensors `--ignore-tensors` can leave out).
        public var isPyTorchStateDict: Bool { self == .safetensors || self == .torchNPZ }

        /// What the format is, for a person.
        public var description: String {
            switch self {
            case .keras: "Keras 3 archive (.keras)"
            case .h5: "Keras HDF5 model (.h5)"
            case .npz: "NumPy weights (.npz, architecture inferred from shapes)"
            case .safetensors:
                "PyTorch state dict (.safetensors), in Keras layout: W = weight_ihᵀ, "
                    + "U = weight_hhᵀ (GRU rows r|z|n → z|r|h̃), LSTM/RNN b = bias_ih + bias_hh"
            case .torchNPZ:
                "PyTorch state dict (.npz), in Keras layout: W = weight_ihᵀ, "
                    + "U = weight_hhᵀ (GRU rows r|z|n → z|r|h̃), LSTM/RNN b = bias_ih + bias_hh"
            case .onnx:
                "ONNX model (.onnx), in Keras layout: W = Wᵀ, U = Rᵀ (LSTM blocks i|o|f|c → i|f|c|o), "
                    + "LSTM/RNN b = Wb + Rb (GRU: apart with linear_before_reset=1, summed with 0)"
            case .tflite:
                "TensorFlow Lite model (.tflite), in Keras layout: W = [Wi|Wf|Wc|Wo]ᵀ, U = [Ui|Uf|Uc|Uo]ᵀ "
                    + "(one (hu, in) matrix per gate), Dense W = FULLY_CONNECTED weightsᵀ"
            case .synthetic, .memory: rawValue
            }
        }
    }
}
