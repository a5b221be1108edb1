import Foundation
import LSTMCore

/// Loads a Keras 3 `.keras` archive: `config.json` for the architecture, `metadata.json` for
/// the Keras version, `model.weights.h5` for the weights, all read from memory.
enum KerasArchiveLoader {
    static func load(_ zip: ZipReader, path: String) throws(LoadError) -> Model {
        guard let configData = try zip.read("config.json") else {
            throw LoadError(
                path, .notKerasArchive,
                "a zip archive but not a Keras model: it has no config.json "
                    + "(entries: \(zip.entryNames.prefix(5).joined(separator: ", ")))"
            )
        }
        guard let weightsData = try zip.read("model.weights.h5") else {
            throw LoadError(path, .notKerasArchive, "the Keras archive has no model.weights.h5")
        }
        return try load(config: configData, weights: weightsData, metadata: try zip.read("metadata.json"), path: path)
    }

    /// The archive's three parts, however they were read.
    static func load(config configData: Data, weights weightsData: Data, metadata: Data?, path: String)
        throws(LoadError) -> Model
    {
        let config = try KerasConfig(json: configData, path: path)
        var version: String? = nil
        if let metadata, (try? JSONBounds.check(metadata, path: path)) != nil,
            let dict = (try? JSONSerialization.jsonObject(with: metadata)) as? [String: Any]
        {
            version = dict["keras_version"] as? String
        }
        let h5: HDF5File
        do {
            h5 = try HDF5File(image: weightsData)
        } catch {
            throw LoadError(path, .invalidArray, "model.weights.h5 inside the archive: \(error.message)")
        }
        let provenance = Provenance(path: path, format: .keras, kerasVersion: version)
        let groups = try LayerGroups(h5, path: path)
        let model = try ModelBuilder(path: path, kerasMajorVersion: provenance.kerasMajorVersion ?? 3)
            .build(config: config, provenance: provenance) { (spec, maximum) throws(LoadError) in
                try groups.weights(for: spec, maximum: maximum)
            }
        try groups.refuseUnused()
        return model
    }
}

/// Maps config layers to the groups of `model.weights.h5`, which are named after the layer's
/// class (`layers/lstm`, `layers/lstm_1`, …), not the user's layer name, in order of appearance.
private final class LayerGroups {
    private let h5: HDF5File
    private let path: String
    private var byClass: [String: [String]] = [:]
    private var used: [String: Int] = [:]

    init(_ h5: HDF5File, path: String) throws(LoadError) {
        self.h5 = h5
        self.path = path
        let names: [String]
        do {
            names = h5.isGroup("/layers") ? try h5.children(of: "/layers") : []
        } catch {
            throw LoadError.hdf5(path, error)
        }
        for name in names {
            byClass[LayerGroups.split(name).0, default: []].append(name)
        }
        for key in byClass.keys {
            byClass[key]!.sort { LayerGroups.split($0).1 < LayerGroups.split($1).1 }
        }
    }

    /// `lstm_12` → ("lstm", 12); `lstm` → ("lstm", 0).
    static func split(_ name: String) -> (String, Int) {
        if let underscore = name.lastIndex(of: "_"), let n = Int(name[name.index(after: underscore)...]) {
            return (String(name[..<underscore]), n)
        }
        return (name, 0)
    }

    /// The arrays of the group that `spec` maps to, refusing more than `maximum` of them before
    /// any is read (a crafted file can point one layer at thousands of links to a big dataset).
    func weights(for spec: LayerSpec, maximum: Int) throws(LoadError) -> LayerWeights {
        let base = kerasSnakeCase(spec.className)
        let candidates = byClass[base] ?? []
        let k = used[base, default: 0]
        used[base] = k + 1
        guard k < candidates.count else {
            throw LoadError(
                path, .missingWeights,
                "model.weights.h5 has no weights for layer \"\(spec.name)\" "
                    + "(expected a group layers/\(base)\(k == 0 ? "" : "_\(k)"))"
            )
        }
        do {
            var visited: Set<UInt64> = []
            var datasets: [String] = []
            try collect("/layers/" + candidates[k], into: &datasets, visited: &visited)
            guard datasets.count <= maximum else {
                throw LoadError(
                    path, .missingWeights,
                    "layer \"\(spec.name)\" (\(spec.className)) "
                        + "has \(datasets.count) weight arrays in model.weights.h5 but needs at most \(maximum)")
            }
            var arrays: [NDArray] = []
            for dataset in datasets { arrays.append(try h5.readArray(dataset)) }
            return LayerWeights(arrays: arrays)
        } catch let error as LoadError {
            throw error
        } catch let error as HDF5Error {
            throw LoadError.hdf5(path, error)
        } catch {
            throw LoadError(path, .invalidArray, "\(error)")
        }
    }

    /// Refuses weights that no layer of the config took: a group of `model.weights.h5` with
    /// arrays in it that the replay would silently leave out (Keras itself refuses to load such
    /// a file: its layer count and the file's disagree).
    func refuseUnused() throws(LoadError) {
        var unused: [String] = []
        for base in byClass.keys.sorted() {
            for name in byClass[base]!.dropFirst(used[base, default: 0]) {
                var visited: Set<UInt64> = []
                var datasets: [String] = []
                do {
                    try collect("/layers/" + name, into: &datasets, visited: &visited)
                } catch {
                    throw LoadError.hdf5(path, error)
                }
                if !datasets.isEmpty { unused.append("layers/\(name) (\(datasets.count) arrays)") }
            }
        }
        guard unused.isEmpty else {
            throw LoadError(
                path, .missingWeights,
                "model.weights.h5 holds weights that no layer of config.json uses: "
                    + "\(unused.prefix(5).joined(separator: ", "))\(unused.count > 5 ? ", …" : "")"
            )
        }
    }

    /// Paths of the datasets of `vars` groups under `group`, depth first: the group's own first,
    /// then its children's. Each object is visited once, however many hard links lead to it, so
    /// a group linked into itself cannot make the walk loop.
    private func collect(_ group: String, into datasets: inout [String], visited: inout Set<UInt64>) throws(HDF5Error) {
        guard let identity = h5.identity(group) else { throw .missing(group) }
        guard visited.insert(identity).inserted else { return }
        let children = try h5.children(of: group)
        if children.contains("vars"), let vars = h5.identity(group + "/vars"), visited.insert(vars).inserted {
            let names = try h5.children(of: group + "/vars").sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
            for name in names where h5.isDataset(group + "/vars/" + name) {
                datasets.append(group + "/vars/" + name)
            }
        }
        // A Bidirectional keeps forward_layer and backward_layer: forward first, as get_weights() has them.
        let ordered = children.filter { $0 != "backward_layer" } + children.filter { $0 == "backward_layer" }
        for child in ordered where child != "vars" && h5.isGroup(group + "/" + child) {
            try collect(group + "/" + child, into: &datasets, visited: &visited)
        }
    }
}
