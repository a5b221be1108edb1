import Foundation
import LSTMCore

/// Choices for files that carry no architecture (`.npz`): activations and the Keras generation.
public struct ArchitectureOptions: Sendable, Equatable {
    /// LSTM activation (c̃ and h); Keras default `tanh`.
    public var activation: String = "tanh"
    /// LSTM recurrent activation (gates); Keras default `sigmoid`.
    public var recurrentActivation: String = "sigmoid"
    /// Activation of the last Dense layer; default `linear`.
    public var outputActivation: String = "linear"
    /// Which `hard_sigmoid` to use: 2 or 3.
    public var kerasMajorVersion: Int = 3
    /// For PyTorch state dicts: shell-style patterns (`norm.*`) of tensors to leave out on
    /// purpose. Without them every tensor must be used, or the load fails naming the rest.
    public var ignoredTensors: [String] = []

    /// Defaults as Keras has them.
    public init() {}
}

/// Loads `np.savez` weights: `arr_0 … arr_N` in `model.get_weights()` order, or named arrays
/// `W, U, b, Wout, bout`. The architecture (LSTM layers, then Dense layers) is read from the shapes.
enum NPZLoader {
    static func load(_ zip: ZipReader, path: String, options: ArchitectureOptions) throws(LoadError) -> Model {
        let entries = zip.entryNames.filter { $0.hasSuffix(".npy") }
        guard !entries.isEmpty else {
            throw LoadError(
                path, .notKerasArchive,
                "a zip archive with no .npy arrays: neither a .keras model nor an .npz of weights")
        }
        let names = entries.map { String($0.dropLast(4)) }
        if TorchLoader.isStateDict(names) {
            var arrays: [(String, NDArray)] = []
            for name in names {
                guard let data = try zip.read(name + ".npy") else { continue }
                arrays.append((name, try NPYReader.parse(data, path: path, entry: name)))
            }
            return try TorchLoader.build(arrays, path: path, format: .torchNPZ, ignoring: options.ignoredTensors)
        }
        let order = try orderedNames(names, path: path)
        var arrays: [(String, NDArray)] = []
        for name in order {
            guard let data = try zip.read(name + ".npy") else { continue }
            arrays.append((name, try NPYReader.parse(data, path: path, entry: name)))
        }
        return try infer(arrays, path: path, options: options)
    }

    private static func orderedNames(_ names: [String], path: String) throws(LoadError) -> [String] {
        if names.allSatisfy({ $0.hasPrefix("arr_") && Int($0.dropFirst(4)) != nil }) {
            return names.sorted { Int($0.dropFirst(4))! < Int($1.dropFirst(4))! }
        }
        let seed = ["W", "U", "b", "Wout", "bout"]
        if names.contains("W"), names.contains("U") {
            let others = names.filter { !seed.contains($0) }
            guard others.isEmpty else {
                throw LoadError(
                    path, .invalidArray,
                    "arrays the replay would not use: "
                        + "\(others.joined(separator: ", ")) "
                        + "(an .npz of named weights holds W, U, b, Wout and bout only)"
                )
            }
            return seed.filter(names.contains)
        }
        throw LoadError(
            path, .invalidArray,
            "cannot tell the weights apart: expected arr_0 … arr_N (np.savez(path, *model.get_weights())) or W, U, "
                + "b, Wout, bout; found \(names.sorted().joined(separator: ", "))"
        )
    }

    /// Reads LSTM triples (W (xu,4h), U (h,4h), b (4h,)) then Dense pairs (kernel, bias) off the shapes.
    private static func infer(_ arrays: [(String, NDArray)], path: String, options: ArchitectureOptions)
        throws(LoadError) -> Model
    {
        func describe(_ k: Int) -> String { "\(arrays[k].0) \(formatShape(arrays[k].1.shape))" }
        guard let act = Activation(kerasName: options.activation, kerasMajorVersion: options.kerasMajorVersion),
            let recurrent = Activation(
                kerasName: options.recurrentActivation, kerasMajorVersion: options.kerasMajorVersion),
            let output = Activation(kerasName: options.outputActivation, kerasMajorVersion: options.kerasMajorVersion)
        else {
            throw LoadError(path, .badInput, "unknown activation name in the options")
        }
        var k = 0
        var lstms: [(Matrix, Matrix, [Float]?, String)] = []
        // An LSTM starts where a 2-D array is followed by a square-by-4 (h, 4h) array.
        while k + 1 < arrays.count, arrays[k].1.shape.count == 2, arrays[k + 1].1.shape.count == 2,
            arrays[k].1.shape[1] % 4 == 0, arrays[k + 1].1.shape[1] == arrays[k].1.shape[1],
            arrays[k + 1].1.shape[0] * 4 == arrays[k].1.shape[1]
        {
            let w = arrays[k].1.matrix!, u = arrays[k + 1].1.matrix!
            var bias: [Float]? = nil
            var next = k + 2
            if next < arrays.count, arrays[next].1.shape == [w.columns] {
                bias = arrays[next].1.values
                next += 1
            }
            lstms.append((w, u, bias, arrays[k].1.dtype))
            k = next
        }
        guard !lstms.isEmpty else {
            guard arrays.count >= 2 else {
                throw LoadError(
                    path, .badShape,
                    "needs at least W and U; "
                        + "found \(arrays.map { "\($0.0) \(formatShape($0.1.shape))" }.joined(separator: ", "))"
                )
            }
            let w = arrays[0].1.shape, u = arrays[1].1.shape
            if w.count == 2, w[1] % 4 != 0 {
                throw LoadError(
                    path, .badShape,
                    "\(describe(0)) cannot be an LSTM kernel W: its second axis must be 4·hu (four gate blocks), "
                        + "but \(w[1]) is not divisible by 4"
                )
            }
            throw LoadError(
                path, .badShape,
                "\(describe(1)) cannot be the recurrent kernel U for \(describe(0)): U must be (hu, 4·hu) = "
                    + "\(w.count == 2 ? formatShape([w[1] / 4, w[1]]) : "(hu, 4·hu)")\(u.isEmpty ? "" : "")"
            )
        }
        var layers: [Layer] = []
        var dtypes: [String: String] = [:]
        for (n, (w, u, b, dtype)) in lstms.enumerated() {
            let name = lstms.count == 1 ? "lstm" : "lstm_\(n + 1)"
            do {
                layers.append(
                    .lstm(
                        try LSTMLayer(
                            name: name, kernel: w, recurrentKernel: u, bias: b,
                            activation: act, recurrentActivation: recurrent,
                            returnSequences: n < lstms.count - 1)))
            } catch {
                throw LoadError.shape(path, error)
            }
            dtypes["\(name)/kernel"] = dtype
            dtypes["\(name)/recurrent_kernel"] = dtype
            if b != nil { dtypes["\(name)/bias"] = dtype }
        }
        var denses: [(Matrix, [Float]?, String)] = []
        while k < arrays.count {
            guard arrays[k].1.shape.count == 2, let kernel = arrays[k].1.matrix else {
                throw LoadError(
                    path, .badShape,
                    "\(describe(k)) does not fit: after the LSTM weights a Dense kernel "
                        + "(units_in, units_out) was expected"
                )
            }
            var bias: [Float]? = nil
            var next = k + 1
            if next < arrays.count, arrays[next].1.shape.count == 1 {
                guard arrays[next].1.shape[0] == kernel.columns else {
                    throw LoadError(
                        path, .badShape,
                        "\(describe(next)) does not fit the Dense kernel \(describe(k)): the bias must be "
                            + "\(formatShape([kernel.columns]))"
                    )
                }
                bias = arrays[next].1.values
                next += 1
            }
            denses.append((kernel, bias, arrays[k].1.dtype))
            k = next
        }
        for (n, (kernel, bias, dtype)) in denses.enumerated() {
            let name = denses.count == 1 ? "dense" : "dense_\(n + 1)"
            do {
                layers.append(
                    .dense(
                        try DenseLayer(
                            name: name, kernel: kernel, bias: bias,
                            activation: n == denses.count - 1 ? output : .linear)))
            } catch {
                throw LoadError.shape(path, error)
            }
            dtypes["\(name)/kernel"] = dtype
            if bias != nil { dtypes["\(name)/bias"] = dtype }
        }
        let provenance = Provenance(path: path, format: .npz, storedDTypes: dtypes)
        do {
            return try Model(
                name: "npz", layers: layers, inputSize: lstms[0].0.rows, lookBack: nil, provenance: provenance)
        } catch {
            throw LoadError.shape(path, error)
        }
    }
}
