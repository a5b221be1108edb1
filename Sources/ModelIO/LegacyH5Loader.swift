import Foundation
import LSTMCore

/// Loads a legacy full-model `.h5` (Keras 2, tf.keras or Keras 3 `model.save("m.h5")`):
/// `model_config` and `keras_version` are root attributes; each layer's weights sit under
/// `model_weights/<layer>/` at the paths its `weight_names` attribute lists.
enum LegacyH5Loader {
    static func load(_ h5: HDF5File, path: String) throws(LoadError) -> Model {
        let configText: String
        let version: String?
        let backend: String?
        do {
            guard let text = try h5.stringAttribute("model_config") else {
                if try h5.isGroup("/layers") || h5.isGroup("/model_weights")
                    || h5.stringListAttribute("layer_names") != nil
                {
                    throw LoadError(
                        path, .invalidConfig,
                        "a weights-only HDF5 file (no model_config); "
                            + "save the whole model with model.save(\"m.keras\") or model.save(\"m.h5\")"
                    )
                }
                throw LoadError(path, .invalidConfig, "an HDF5 file but not a Keras model (no model_config attribute)")
            }
            configText = text
            version =
                try h5.stringAttribute("keras_version") ?? h5.stringAttribute("keras_version", of: "/model_weights")
            backend = try h5.stringAttribute("backend") ?? h5.stringAttribute("backend", of: "/model_weights")
        } catch let error as LoadError {
            throw error
        } catch let error as HDF5Error {
            throw LoadError.hdf5(path, error)
        } catch {
            throw LoadError(path, .invalidConfig, "\(error)")
        }
        let config = try KerasConfig(json: Data(configText.utf8), path: path)
        let provenance = Provenance(path: path, format: .h5, kerasVersion: version, backend: backend)
        var requested: Set<String> = []
        let model = try ModelBuilder(path: path, kerasMajorVersion: provenance.kerasMajorVersion ?? 2)
            .build(config: config, provenance: provenance) { (spec, maximum) throws(LoadError) in
                requested.insert(spec.name)
                return try weights(of: spec, maximum: maximum, in: h5, path: path)
            }
        try refuseUnused(h5, requested: requested, path: path)
        return model
    }

    /// Refuses weights that no layer of the config took: a layer of `model_weights` whose
    /// `weight_names` lists arrays that the replay would silently leave out.
    private static func refuseUnused(_ h5: HDF5File, requested: Set<String>, path: String) throws(LoadError) {
        guard h5.isGroup("/model_weights") else { return }
        var unused: [String] = []
        do {
            for name in try h5.stringListAttribute("layer_names", of: "/model_weights") ?? []
            where !requested.contains(name) {
                let group = "/model_weights/\(name)"
                guard h5.isGroup(group) else { continue }
                let count = try h5.stringListAttribute("weight_names", of: group)?.count ?? 0
                if count > 0 { unused.append("model_weights/\(name) (\(count) arrays)") }
            }
        } catch {
            throw LoadError.hdf5(path, error)
        }
        guard unused.isEmpty else {
            throw LoadError(
                path, .missingWeights,
                "the file holds weights that no layer of its model_config uses: "
                    + "\(unused.prefix(5).joined(separator: ", "))\(unused.count > 5 ? ", …" : "")"
            )
        }
    }

    /// The arrays `weight_names` lists for `spec`, refusing more than `maximum` before any is read.
    private static func weights(
        of spec: LayerSpec, maximum: Int, in h5: HDF5File,
        path: String
    ) throws(LoadError) -> LayerWeights {
        let group = "/model_weights/\(spec.name)"
        do {
            if h5.exists("/model_weights") { try h5.checkedLinks(group) }
            guard h5.isGroup(group) else {
                throw LoadError(
                    path, .missingWeights,
                    "no weights for layer \"\(spec.name)\" (model_weights/\(spec.name) is missing)")
            }
            let names = try h5.stringListAttribute("weight_names", of: group) ?? []
            guard names.count <= maximum else {
                throw LoadError(
                    path, .missingWeights,
                    "layer \"\(spec.name)\" (\(spec.className)) "
                        + "lists \(names.count) weight arrays but needs at most \(maximum)")
            }
            // Keras writes kernel, recurrent_kernel, bias (a Bidirectional: the forward three, then
            // the backward three); sort by direction and role so a reordered file still loads.
            let ordered = names.sorted { (direction($0), role($0)) < (direction($1), role($1)) }
            var arrays: [NDArray] = []
            for name in ordered {
                let datasetPath = group + "/" + name
                guard h5.isDataset(datasetPath) else {
                    throw LoadError(
                        path, .missingWeights,
                        "layer \"\(spec.name)\" lists weight \(name) but the file has no such dataset")
                }
                arrays.append(try h5.readArray(datasetPath))
            }
            return LayerWeights(arrays: arrays)
        } catch let error as LoadError {
            throw error
        } catch let error as HDF5Error {
            throw LoadError.hdf5(path, error)
        } catch {
            throw LoadError(path, .invalidArray, "\(error)")
        }
    }

    /// 1 for the backward half of a Bidirectional (`…/backward_lstm/…`), else 0.
    private static func direction(_ weightName: String) -> Int {
        weightName.split(separator: "/").contains { $0.hasPrefix("backward_") } ? 1 : 0
    }

    /// 0 kernel, 1 recurrent kernel, 2 bias, 3 anything else (keeps the file's order among equals).
    private static func role(_ weightName: String) -> Int {
        var last = weightName.split(separator: "/").last.map(String.init) ?? weightName
        if let colon = last.firstIndex(of: ":") { last = String(last[..<colon]) }
        switch last {
        case "kernel": return 0
        case "recurrent_kernel": return 1
        case "bias": return 2
        default: return 3
        }
    }
}
