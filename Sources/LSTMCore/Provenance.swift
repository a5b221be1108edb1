/// Where a model came from: file, format and the Keras version that saved it.
///
/// Plain values so that the explorer can show them without knowing anything about files.
public struct Provenance: Sendable, Equatable {
    /// Path as the user gave it.
    public var path: String
    /// File format, e.g. `keras` (Keras 3 archive), `h5` (legacy HDF5), `npz`.
    public var format: String
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

    /// Creates a provenance record.
    public init(
        path: String, format: String, kerasVersion: String? = nil, backend: String? = nil,
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
