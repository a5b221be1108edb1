/// The graph of a Functional model, as its layers' `inbound_nodes` draw it, and the one order
/// in which a chain of them runs.
///
/// The `layers` list of a config is not the order the model runs in (a file can list two
/// same-shaped Dense layers the other way round), so the replay follows the graph: from the one
/// input layer, each layer's single consumer, to the one output layer. What a chain cannot
/// replay is refused, naming the layers: a cycle (Keras refuses it too), a layer that takes
/// several inputs (a merge), an output that feeds several layers (a branch), several inputs or
/// outputs, and layers off the path from the input to the output.
struct KerasGraph {
    private let specs: [LayerSpec]
    private let path: String
    /// Index of each layer by name.
    private let index: [String: Int]
    /// The layers each layer reads from, by index.
    private let inbound: [[Int]]
    private let input: Int
    private let output: Int

    /// Reads the graph from the config's layer entries (`entries[i]` is `specs[i]`'s dictionary)
    /// and the model's `config` (`input_layers`, `output_layers`), in Keras 3 or Keras 2 form.
    init(specs: [LayerSpec], entries: [[String: Any]], model: [String: Any], path: String) throws(LoadError) {
        self.specs = specs
        self.path = path
        func refuse(_ problem: String) -> LoadError { LoadError(path, .unsupportedLayer, problem) }
        var index: [String: Int] = [:]
        for (i, spec) in specs.enumerated() {
            guard index.updateValue(i, forKey: spec.name) == nil else {
                throw LoadError(path, .invalidConfig, "invalid model config: two layers are named \"\(spec.name)\"")
            }
        }
        self.index = index
        var inbound: [[Int]] = []
        for (spec, entry) in zip(specs, entries) {
            let nodes = entry["inbound_nodes"] as? [Any] ?? []
            guard nodes.count <= 1 else {
                throw refuse("layer \"\(spec.name)\" is called more than once; lstmscope replays linear models only")
            }
            var names: [String] = []
            if let node = nodes.first { KerasGraph.collectSources(node, into: &names) }
            var sources: [Int] = []
            for name in names {
                guard let source = index[name] else {
                    throw LoadError(
                        path, .invalidConfig,
                        "invalid model config: layer \"\(spec.name)\" reads from "
                            + "\"\(name)\", which the config does not have")
                }
                sources.append(source)
            }
            inbound.append(sources)
        }
        self.inbound = inbound
        func endpoint(_ key: String, _ what: String) throws(LoadError) -> Int {
            let names = KerasGraph.endpointNames(model[key])
            guard names.count == 1 else {
                throw refuse(
                    "the model has \(names.count) \(what)s (\(names.joined(separator: ", "))); "
                        + "lstmscope replays models with one input and one output")
            }
            guard let found = index[names[0]] else {
                throw LoadError(
                    path, .invalidConfig,
                    "invalid model config: \(key) names \"\(names[0])\", "
                        + "which the config does not have")
            }
            return found
        }
        input = try endpoint("input_layers", "input")
        output = try endpoint("output_layers", "output")
    }

    /// Indexes of the layers from the input to the output, in the order they run.
    func runOrder() throws(LoadError) -> [Int] {
        func refuse(_ problem: String) -> LoadError { LoadError(path, .unsupportedLayer, problem) }
        func named(_ i: Int) -> String { "\"\(specs[i].name)\" (\(specs[i].className))" }
        if let cycle = firstCycle() {
            throw LoadError(
                path, .invalidConfig,
                "invalid model config: the layers form a cycle "
                    + "(\((cycle + [cycle[0]]).map { specs[$0].name }.joined(separator: " → "))); "
                    + "Keras refuses such a model too")
        }
        var consumers = [[Int]](repeating: [], count: specs.count)
        for (layer, sources) in inbound.enumerated() {
            guard sources.count <= 1 else {
                throw refuse(
                    "layer \(named(layer)) joins \(sources.count) inputs "
                        + "(\(sources.map { specs[$0].name }.joined(separator: ", "))); "
                        + "lstmscope replays a chain of layers, one input each")
            }
            for source in sources { consumers[source].append(layer) }
        }
        if let branch = consumers.indices.first(where: { consumers[$0].count > 1 }) {
            throw refuse(
                "the output of layer \(named(branch)) feeds \(consumers[branch].count) layers "
                    + "(\(consumers[branch].map { specs[$0].name }.joined(separator: ", "))); "
                    + "lstmscope replays a chain of layers without branches")
        }
        guard inbound[input].isEmpty else { throw refuse("the input layer \(named(input)) reads from another layer") }
        var order = [input]
        while order.last! != output {
            guard let next = consumers[order.last!].first else {
                throw refuse("the graph does not lead from the input \(named(input)) to the output \(named(output))")
            }
            order.append(next)
        }
        guard consumers[output].isEmpty, order.count == specs.count else {
            let off = Set(specs.indices).subtracting(order).sorted()
            throw refuse(
                "layers off the path from the input to the output: \(off.map(named).joined(separator: ", ")); "
                    + "lstmscope replays a chain of layers")
        }
        return order
    }

    /// The layers of a cycle of inbound links, when there is one.
    private func firstCycle() -> [Int]? {
        // 0 unseen, 1 on the current path, 2 done.
        var state = [UInt8](repeating: 0, count: specs.count)
        for start in specs.indices where state[start] == 0 {
            var path: [Int] = []
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            path.append(start)
            while let top = stack.last {
                if top.next < inbound[top.node].count {
                    stack[stack.count - 1].next += 1
                    let source = inbound[top.node][top.next]
                    if state[source] == 1, let at = path.firstIndex(of: source) { return Array(path[at...]) }
                    if state[source] == 0 {
                        state[source] = 1
                        path.append(source)
                        stack.append((source, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                    path.removeLast()
                }
            }
        }
        return nil
    }

    /// Names of the layers a node reads from: Keras 3 writes `{"args": [tensor…], "kwargs": {…}}`
    /// with tensors `{"class_name": "__keras_tensor__", "config": {"keras_history": [name, 0, 0]}}`
    /// anywhere inside; Keras 2 writes `[[name, node, tensor, kwargs], …]`.
    private static func collectSources(_ node: Any, into names: inout [String]) {
        if let dict = node as? [String: Any] {
            if dict["class_name"] as? String == "__keras_tensor__",
                let history = (dict["config"] as? [String: Any])?["keras_history"] as? [Any],
                let name = history.first as? String
            {
                names.append(name)
                return
            }
            for key in dict.keys.sorted() { collectSources(dict[key]!, into: &names) }
        } else if let list = node as? [Any] {
            if let name = list.first as? String, list.count >= 3 {
                names.append(name)  // Keras 2: [name, node_index, tensor_index, kwargs]
                return
            }
            for item in list { collectSources(item, into: &names) }
        }
    }

    /// `["series", 0, 0]` (Keras 3, one tensor) or `[["series", 0, 0], …]` as layer names, each
    /// once: a Bidirectional with merge_mode=None is one layer with two output tensors.
    private static func endpointNames(_ value: Any?) -> [String] {
        guard let list = value as? [Any] else { return [] }
        if let name = list.first as? String { return [name] }
        var names: [String] = []
        for name in list.compactMap({ ($0 as? [Any])?.first as? String }) where !names.contains(name) {
            names.append(name)
        }
        return names
    }
}
