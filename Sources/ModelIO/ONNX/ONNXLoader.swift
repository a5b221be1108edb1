import Foundation
import LSTMCore
import SwiftProtobuf

/// Reads an ONNX model (`.onnx`, parsed with swift-protobuf from the official `onnx.proto3`) as
/// a chain lstmscope replays: the graph's one input through `LSTM`, `GRU` or `RNN` nodes
/// (forward or reverse, layout 0, batch 1) and the wrapper ops exporters put around them
/// (Transpose, Squeeze, Unsqueeze, Reshape, Gather of the last step, Identity), layout 0 or 1, then
/// MatMul + Add or Gemm heads and Relu, Sigmoid, Tanh, Softmax. Anything else is refused naming
/// the op and node, and so is every constant the chain does not use.
///
/// ONNX's LSTM gate blocks are i, o, f, c (Keras's i, f, c, o), its GRU's z, r, h (Keras's), and
/// its `B` is Wb ‖ Rb: an LSTM's or RNN's two biases are summed (as PyTorch's are), a GRU keeps
/// them apart (`linear_before_reset=1` is Keras's reset_after=True) or sums them (0).
enum ONNXLoader {
    /// Whether `data` starts as `onnx.save` writes a model: field 1 (ir_version) as a varint.
    static func looksLike(_ data: Data) -> Bool { data.first == 0x08 }

    static func load(_ data: Data, path: String) throws(LoadError) -> Model {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 32
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw LoadError(path, .invalidArray, "not a readable ONNX model (\(error))")
        }
        guard proto.hasGraph else { throw LoadError(path, .invalidArray, "an ONNX model with no graph") }
        // A model-local function may define any op name as anything: none is read.
        if let function = proto.functions.first {
            throw LoadError(
                path, .unsupportedLayer,
                "the model defines its own functions (\"\(function.name)\"), which lstmscope does not read")
        }
        let opset = proto.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }?.version ?? 0
        var walk = try ONNXChain(proto.graph, path: path, opset: opset)
        let layers = try walk.layers()
        var provenance = Provenance(path: path, format: .onnx)
        provenance.foldedParameterCount = walk.folded
        provenance.layerSources = walk.sources
        let steps = walk.inputSteps
        return try LoadError.building(path) {
            try Model(
                name: proto.graph.name.isEmpty ? "onnx" : proto.graph.name, layers: layers,
                inputSize: walk.inputFeatures, lookBack: steps, provenance: provenance)
        }
    }
}

/// The walk of an ONNX graph from its input to its output, one consumer at a time.
struct ONNXChain {
    let graph: Onnx_GraphProto
    let path: String
    var constants: [String: ONNXConstant] = [:]
    var usedConstants: Set<String> = []
    /// Parameters ONNX stores twice that a layer holds once (an LSTM's Wb + Rb).
    var folded = 0
    /// Per layer, where its arrays came from (Provenance.layerSources).
    var sources: [String: String] = [:]
    let inputName: String
    /// xu, and T when the input's shape fixes it.
    let inputFeatures: Int
    let inputSteps: Int?
    /// Whether the input is (1, T, xu) (else (T, 1, xu)).
    let batchFirst: Bool

    /// The default domain's opset (Softmax's meaning changed at 13).
    let opset: Int64
    /// The nodes reading each tensor, by index (built once: the walk asks for every tensor).
    let readers: [String: [Int]]
    /// Nodes of constant subgraphs, folded at load (ONNXFolding): not part of the chain.
    let foldedNodes: Set<Int>
    /// Whether the input's batch was left open in the file and taken as 1.
    let batchTakenAsOne: Bool

    init(_ graph: Onnx_GraphProto, path: String, opset: Int64) throws(LoadError) {
        self.graph = graph
        self.path = path
        self.opset = opset
        if let foreign = graph.node.first(where: { !$0.domain.isEmpty && $0.domain != "ai.onnx" }) {
            throw LoadError(
                path, .unsupportedLayer,
                "node \"\(foreign.name)\" is \(foreign.opType) of domain \"\(foreign.domain)\"; lstmscope reads "
                    + "ONNX's own operators only")
        }
        if let loop = graph.node.first(where: { ["Loop", "Scan", "If"].contains($0.opType) }) {
            throw LoadError(
                path, .unsupportedLayer,
                "node \"\(loop.name)\" is a \(loop.opType): a recurrent layer unrolled into a loop of its cell "
                    + "(tf2onnx writes SimpleRNN and Keras 3 layers so); lstmscope reads the fused LSTM, GRU and RNN "
                    + "nodes (convert a tf_keras model with tf2onnx, or export with torch.onnx.export)")
        }
        var constants: [String: ONNXConstant] = [:]
        // Every name is defined once (ONNX's rule; onnxruntime refuses a second definition).
        func define(_ name: String) throws(LoadError) {
            guard constants[name] == nil else {
                throw LoadError(path, .invalidArray, "\"\(name)\" is defined twice in the graph")
            }
        }
        for t in graph.initializer {
            try define(t.name)
            constants[t.name] = try ONNXConstant(t, path: path)
        }
        for node in graph.node where node.opType == "Constant" {
            guard node.output.count == 1, let value = node.attribute.first(where: { $0.name == "value" }),
                value.hasT
            else {
                throw LoadError(
                    path, .unsupportedLayer,
                    "Constant node \"\(node.name)\" (output \(node.output)) holds "
                        + "\(node.attribute.map(\.name)); lstmscope reads a Constant's tensor `value`")
            }
            var t = value.t
            t.name = node.output[0]
            try define(t.name)
            constants[t.name] = try ONNXConstant(t, path: path)
        }
        let inputs = graph.input.filter { constants[$0.name] == nil }
        guard inputs.count == 1, graph.output.count == 1 else {
            throw LoadError(
                path, .unsupportedLayer,
                "the graph has \(inputs.count) inputs and \(graph.output.count) outputs; lstmscope reads one of each")
        }
        let inputName = inputs[0].name
        self.inputName = inputName
        guard inputs[0].type.tensorType.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
            throw LoadError(
                path, .unsupportedLayer,
                "input \"\(inputName)\" is of ONNX type \(inputs[0].type.tensorType.elemType); lstmscope reads float32 "
                    + "inputs")
        }
        var dims = inputs[0].type.tensorType.shape.dim.map { (d: Onnx_TensorShapeProto.Dimension) -> Int? in
            if case .dimValue(let v)? = d.value, v > 0, v <= Int64(ONNXConstant.valueLimit) { Int(v) } else { nil }
        }
        let shown = "(" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + ")"
        // A batch the file leaves open (a dim_param, as tf2onnx writes for input_signature
        // (None, T, xu)) is taken as 1: lstmscope replays one window.
        let openBatch = dims.count == 3 && dims[2] != nil && (dims[0] == nil) != (dims[1] == nil)
        if openBatch, let k = dims.firstIndex(where: { $0 == nil }) { dims[k] = 1 }
        // Batch 1: a time-major (T, 1, xu), or a batch-first (1, T, xu) with T not 1 (with T = 1
        // the two are the same data).
        guard dims.count == 3, let features = dims[2], dims[1] == 1 || dims[0] == 1 else {
            throw LoadError(
                path, .badShape,
                "input \"\(inputName)\" is \(shown); lstmscope reads (T, 1, xu) or (1, T, xu) with batch 1 and xu "
                    + "fixed (convert with a batch of 1, e.g. tf2onnx's input_signature (1, T, xu))")
        }
        inputFeatures = features
        batchFirst = dims[1] != 1
        inputSteps = batchFirst ? dims[1] : dims[0]
        batchTakenAsOne = openBatch
        // ONNX lists nodes in an order where each reads only what came before: anything else is
        // a cycle (or a damaged file), refused before the walk. Constant subgraphs (shapes and
        // fills) are folded on the way.
        var known = Set(constants.keys).union([inputName, ""])
        var readers: [String: [Int]] = [:]
        var folded: Set<Int> = [], foldedReads: Set<String> = []
        // Shapes known at load (the input's, and what a Transpose makes of it), for Shape nodes.
        var shapes: [String: [Int]] = [inputName: dims.map { $0 ?? 1 }]
        for (index, node) in graph.node.enumerated() {
            if let missing = node.input.first(where: { !known.contains($0) }) {
                throw LoadError(
                    path, .unsupportedLayer,
                    "node \"\(node.name)\" (\(node.opType)) reads \"\(missing)\" before any node computes it: "
                        + "a cycle in the graph, or nodes out of order")
            }
            if node.opType != "Constant",
                let value = try ONNXFolding.fold(node, constants: constants, shapes: shapes, path: path)
            {
                guard !known.contains(value.name) else {
                    throw LoadError(path, .invalidArray, "\"\(value.name)\" is defined twice in the graph")
                }
                constants[value.name] = value
                known.insert(value.name)
                folded.insert(index)
                foldedReads.formUnion(node.input.filter { !$0.isEmpty && $0 != inputName })
                continue
            }
            for tensor in Set(node.input) where !tensor.isEmpty { readers[tensor, default: []].append(index) }
            shapes.merge(ONNXFolding.shapes(after: node, shapes: shapes, constants: constants)) { $1 }
            guard node.opType == "Constant" else {
                for output in node.output where !output.isEmpty {
                    guard !known.contains(output) else {
                        throw LoadError(path, .invalidArray, "\"\(output)\" is defined twice in the graph")
                    }
                    known.insert(output)
                }
                continue
            }
        }
        self.constants = constants
        self.readers = readers
        foldedNodes = folded
        usedConstants = foldedReads
    }

    /// The one node that reads `tensor`, or nil at the graph's output.
    func consumer(of tensor: String) throws(LoadError) -> Onnx_NodeProto? {
        let readers = (self.readers[tensor] ?? []).map { graph.node[$0] }
        if tensor == graph.output[0].name {
            guard readers.isEmpty else { throw refusal("the graph's output \"\(tensor)\" is read by another node") }
            return nil
        }
        guard readers.count == 1 else {
            throw refusal(
                readers.isEmpty
                    ? "tensor \"\(tensor)\" is computed but never reaches the output"
                    : "tensor \"\(tensor)\" is read by \(readers.count) nodes (\(readers.map(\.name))); "
                        + "lstmscope reads a chain")
        }
        return readers[0]
    }

    func refusal(_ message: String) -> LoadError { LoadError(path, .unsupportedLayer, message) }

    /// Refuses a node with fewer inputs or outputs than lstmscope reads it with (an older opset's
    /// attribute form of Slice or Reshape, say), before anything indexes them.
    func checkArity(_ node: Onnx_NodeProto) throws(LoadError) {
        let needed: Int =
            switch node.opType {
            case "Slice": 3
            case "Reshape", "Gather", "MatMul", "Add", "Mul", "Concat", "Gemm": 2
            case "LSTM", "GRU", "RNN": 3
            default: 1
            }
        guard node.input.count >= needed, node.input.prefix(needed).allSatisfy({ !$0.isEmpty }), !node.output.isEmpty,
            !node.output[0].isEmpty
        else {
            throw refusal(
                "node \"\(node.name)\" (\(node.opType)) has \(node.input.count) inputs and \(node.output.count) "
                    + "outputs; lstmscope reads it with at least \(needed) inputs (opset 13 or later forms) "
                    + "and an output")
        }
    }

    mutating func constant(_ name: String, in node: Onnx_NodeProto) throws(LoadError) -> ONNXConstant {
        guard let c = constants[name] else {
            throw refusal("node \"\(node.name)\" (\(node.opType)) needs input \"\(name)\" to be a constant")
        }
        usedConstants.insert(name)
        return c
    }

    /// A constant of weights: float32, as the input is (onnxruntime refuses other types there).
    mutating func weights(_ name: String, in node: Onnx_NodeProto) throws(LoadError) -> ONNXConstant {
        let c = try constant(name, in: node)
        guard c.isFloat32 else {
            throw LoadError(
                path, .unsupportedLayer,
                "node \"\(node.name)\" (\(node.opType)) reads \"\(name)\", which is not float32 like the input")
        }
        return c
    }

    /// The layers from the input to the output.
    mutating func layers() throws(LoadError) -> [Layer] {
        // The tensor the walk is at: its axes, `steps` (T), `batch` (1) or `features`.
        var axes: [ONNXAxis] = batchFirst ? [.batch, .steps, .features] : [.steps, .batch, .features]
        var tensor = inputName
        var layers: [Layer] = []
        var pending: (name: String, kernel: Matrix)?
        var lastRecurrent: (node: Onnx_NodeProto, width: Int)?
        var visited = 0
        while let node = try consumer(of: tensor) {
            visited += 1
            try checkArity(node)
            guard visited <= graph.node.count else { throw refusal("the graph has a cycle") }
            if pending != nil && node.opType != "Add" {
                let p = pending!
                layers.append(.dense(try dense(p.name, p.kernel, bias: nil)))
                pending = nil
            }
            switch node.opType {
            case "Transpose", "Squeeze", "Unsqueeze", "Reshape":
                axes = try reshaped(axes, by: node, width: features(of: layers))
            case "Slice":
                // The last step, kept as an axis of one (tf2onnx's strided_slice of Y).
                let starts = try constant(node.input[1], in: node).integers ?? []
                let ends = try constant(node.input[2], in: node).integers ?? []
                let sliced = try node.input.count > 3 ? constant(node.input[3], in: node).integers ?? [] : [0]
                let stepsOK = try node.input.count > 4 ? constant(node.input[4], in: node).integers == [1] : true
                let axis = sliced.count == 1 ? Int(sliced[0] < 0 ? sliced[0] + Int64(axes.count) : sliced[0]) : -1
                guard starts == [-1], ends.count == 1, ends[0] >= Int64(Int32.max), stepsOK, axis >= 0,
                    axis < axes.count, axes[axis] == .steps, let last = lastRecurrent,
                    case .recurrent(let r) = layers.last, r.returnSequences, !r.goBackwards
                else {
                    throw refusal(
                        "Slice \"\(node.name)\": lstmscope reads a Slice of the last step of a forward layer's output")
                }
                layers[layers.count - 1] = try lastStateOnly(last)
                axes[axis] = .one
            case "Identity":
                break
            case "Gather":
                let axis = Int(attribute(node, "axis")?.i ?? 0)
                let index = try constant(node.input[1], in: node)
                guard axis >= 0, axis < axes.count, axes[axis] == .steps, index.shape.isEmpty,
                    index.integers == [-1], let last = lastRecurrent, case .recurrent(let r) = layers.last,
                    r.returnSequences, !r.goBackwards
                else {
                    throw refusal(
                        "Gather \"\(node.name)\": lstmscope reads a Gather of the last step (index -1) of a "
                            + "forward layer's output")
                }
                layers[layers.count - 1] = try lastStateOnly(last)
                axes.remove(at: axis)
            case "LSTM", "GRU", "RNN":
                // layout=1 reads (1, T, features); 0 (T, 1, features). With T = 1 the steps and
                // the batch are the same data in either order.
                let wanted: [[ONNXAxis]] =
                    layout(of: node) == 1
                    ? [[.one, .steps, .features], [.batch, .steps, .features]]
                    : [[.steps, .one, .features], [.steps, .batch, .features]]
                if inputSteps == 1, axes.filter({ !$0.isOne }) == [.steps, .features], axes.count == 3 {
                    axes = wanted[1]
                }
                guard wanted.contains(axes) else {
                    let shown = layout(of: node) == 1 ? "(1, T, features) (layout=1)" : "(T, 1, features)"
                    throw refusal("\(node.opType) \"\(node.name)\" reads axes \(axes); it needs \(shown)")
                }
                let width = features(of: layers)
                if direction(of: node) == "bidirectional" {
                    let (layer, output, outAxes, nodes) = try bidirectional(node, inputWidth: width)
                    layers.append(layer)
                    visited += nodes
                    tensor = output
                    axes = outAxes
                    continue
                }
                let (layer, output, outAxes) = try recurrent(node, inputWidth: width, sequences: nil)
                lastRecurrent = (node, width)
                layers.append(layer)
                tensor = output
                axes = outAxes
                continue
            case "MatMul":
                let w = try weights(node.input[1], in: node)
                guard node.input[0] == tensor, w.shape.count == 2, axes.last == .features else {
                    throw refusal("MatMul \"\(node.name)\" is not the rows times a constant (in, out) matrix")
                }
                pending = (node.name, Matrix(rows: w.shape[0], columns: w.shape[1], values: w.values))
                sources[node.name] = "ONNX MatMul node \"\(node.name)\" (W as stored) and the Add after it (b)"
            case "Add":
                guard let p = pending else { throw refusal("Add \"\(node.name)\" does not follow a MatMul") }
                let other = node.input.first { $0 != tensor } ?? ""
                let b = try weights(other, in: node)
                // (A bias of higher rank would add axes; one with a leading axis other than 1, rows.)
                guard b.values.count == p.kernel.columns, b.shape.last == p.kernel.columns, b.shape.count <= axes.count
                else {
                    throw refusal("Add \"\(node.name)\" adds \(b.shape), not the MatMul's (\(p.kernel.columns),) bias")
                }
                layers.append(.dense(try dense(p.name, p.kernel, bias: b.values)))
                pending = nil
            case "Gemm":
                layers.append(.dense(try gemm(node, axes: axes)))
            case "Relu", "Sigmoid", "Tanh", "Softmax":
                let activation: Activation =
                    switch node.opType {
                    case "Relu": .relu
                    case "Sigmoid": .sigmoid
                    case "Tanh": .tanh
                    default: .softmax
                    }
                if node.opType == "Softmax" {
                    // Over the features: from opset 13 one axis (default -1); before, every axis
                    // from `axis` (default 1) on, flattened, so all of them but the features must be 1.
                    let given = attribute(node, "axis")?.i ?? (opset >= 13 ? -1 : 1)
                    let axis = Int(given < 0 ? given + Int64(axes.count) : given)
                    let over =
                        opset >= 13
                        ? (axis >= 0 && axis < axes.count ? [axes[axis]] : [])
                        : Array(axes[min(max(axis, 0), axes.count)...])
                    guard axis >= 0, axis < axes.count, over.filter({ !$0.isOne }) == [.features] else {
                        throw refusal(
                            "Softmax \"\(node.name)\" is over axis \(given) of \(axes), not the features alone")
                    }
                }
                layers.append(.activation(name: node.name, activation))
            default:
                throw refusal("node \"\(node.name)\" is \(node.opType), which lstmscope does not read in ONNX yet")
            }
            guard node.output.count == 1 else {
                throw refusal("node \"\(node.name)\" has \(node.output.count) outputs")
            }
            tensor = node.output[0]
        }
        if let p = pending { layers.append(.dense(try dense(p.name, p.kernel, bias: nil))) }
        // What lstmscope's output is: rows of features per step, or one row of features.
        let kept = axes.filter { !$0.isOne }
        guard kept == [.steps, .features] || kept == [.features] else {
            throw refusal("the graph's output has axes \(axes); lstmscope gives (T, features) or (features)")
        }
        let computing = graph.node.indices.filter { graph.node[$0].opType != "Constant" && !foldedNodes.contains($0) }
            .map { graph.node[$0] }
        guard visited == computing.count else {
            let names = computing.map { "\($0.opType) \"\($0.name)\"" }
            throw refusal("nodes off the chain from the input to the output; the graph's nodes: \(names)")
        }
        let unused = constants.keys.filter { !usedConstants.contains($0) }.sorted()
        guard unused.isEmpty else {
            throw LoadError(
                path, .unsupportedLayer, "constants the chain does not use: \(unused.joined(separator: ", "))")
        }
        return layers
    }

    /// The axes after a Transpose, Squeeze, Unsqueeze or Reshape (which may only add or drop
    /// axes of one).
    mutating func reshaped(_ axes: [ONNXAxis], by node: Onnx_NodeProto, width: Int) throws(LoadError) -> [ONNXAxis] {
        var axes = axes
        switch node.opType {
        case "Transpose":
            let perm = attribute(node, "perm")?.ints.map(Int.init) ?? Array((0..<axes.count).reversed())
            guard perm.sorted() == Array(0..<axes.count) else {
                throw refusal("Transpose \"\(node.name)\" has perm \(perm)")
            }
            return perm.map { axes[$0] }
        case "Reshape":
            let shape = try constant(node.input[1], in: node).integers ?? []
            return try reshaped(axes, to: shape, width: width, node: node)
        default:
            let given =
                try node.input.count > 1
                ? constant(node.input[1], in: node).integers ?? []
                : attribute(node, "axes")?.ints ?? []
            let rank = node.opType == "Squeeze" ? axes.count : axes.count + given.count
            let list = given.map { Int($0 < 0 ? $0 + Int64(rank) : $0) }
            if node.opType == "Squeeze" {
                guard !list.isEmpty, list.allSatisfy({ $0 >= 0 && $0 < axes.count && axes[$0].isOne }) else {
                    throw refusal("Squeeze \"\(node.name)\" removes axes \(given) of \(axes)")
                }
                return axes.enumerated().filter { !list.contains($0.offset) }.map(\.element)
            }
            for a in list.sorted() {
                guard a >= 0 && a <= axes.count else { throw refusal("Unsqueeze \"\(node.name)\" axes \(given)") }
                axes.insert(.one, at: a)
            }
            return axes
        }
    }

    /// The axes after a Reshape to `shape`, which may only add or drop axes of one (the steps
    /// and the features stay, in their order); 0 copies the axis, -1 is the one left.
    private func reshaped(_ axes: [ONNXAxis], to shape: [Int64], width: Int, node: Onnx_NodeProto) throws(LoadError)
        -> [ONNXAxis]
    {
        let size = { (a: ONNXAxis) -> Int64? in
            switch a {
            case .steps: inputSteps.map(Int64.init)
            case .features: Int64(width)
            case .directions: 2
            case .batch, .one: 1
            }
        }
        var kept = axes.filter { !$0.isOne }[...]
        var out: [ONNXAxis] = []
        for (k, entry) in shape.enumerated() {
            // 0 copies input axis k: it must be the axis that comes next (or one of size one).
            if entry == 0 {
                guard k < axes.count else { break }
                if axes[k].isOne {
                    out.append(.one)
                    continue
                }
                guard let next = kept.first, next == axes[k] else { break }
                out.append(next)
                kept.removeFirst()
                continue
            }
            let e = entry
            if let next = kept.first, e == -1 || e == size(next) {
                out.append(next)
                kept.removeFirst()
            } else if e == 1 {
                out.append(.one)
            } else if axes.contains(.directions) {
                throw directionsMerged(node, shape)
            } else {
                throw refusal("Reshape \"\(node.name)\" to \(shape) changes more than axes of one (from \(axes))")
            }
        }
        guard kept.isEmpty, out.count == shape.count, shape.filter({ $0 == -1 }).count <= 1 else {
            throw axes.contains(.directions)
                ? directionsMerged(node, shape)
                : refusal("Reshape \"\(node.name)\" to \(shape) changes more than axes of one (from \(axes))")
        }
        return out
    }

    /// Why a Reshape that folds a bidirectional node's directions into its features is refused.
    private func directionsMerged(_ node: Onnx_NodeProto, _ shape: [Int64]) -> LoadError {
        refusal(
            "Reshape \"\(node.name)\" to \(shape) merges a bidirectional node's two directions into the features "
                + "(as torch.onnx.export writes out[:, -1] of a bidirectional layer, whose backward half has then read "
                + "one row): lstmscope reads Keras's Bidirectional, each direction's last state (in PyTorch, "
                + "torch.cat((h_n[-2], h_n[-1]), 1))")
    }

    /// A forward layer that returned its sequence, rebuilt to return its last state: what a
    /// Slice or Gather of the last step of its Y leaves. (Its folded biases are counted already.)
    private mutating func lastStateOnly(_ last: (node: Onnx_NodeProto, width: Int)) throws(LoadError) -> Layer {
        let counted = folded
        defer { folded = counted }
        return try recurrent(last.node, inputWidth: last.width, sequences: false).layer
    }

    /// Width of what `layers` pass on (the input's at first).
    private func features(of layers: [Layer]) -> Int {
        var width = inputFeatures
        for layer in layers {
            switch layer {
            case .recurrent(let r): width = r.units
            case .bidirectional(let b): width = b.outputSize
            case .dense(let d): width = d.units
            default: break
            }
        }
        return width
    }

    private func dense(_ name: String, _ kernel: Matrix, bias: [Float]?) throws(LoadError) -> DenseLayer {
        guard kernel.rows > 0, kernel.columns > 0 else {
            throw LoadError(
                path, .badShape, "node \"\(name)\" multiplies by a (\(kernel.rows), \(kernel.columns)) matrix")
        }
        return try LoadError.building(path) { try DenseLayer(name: name, kernel: kernel, bias: bias) }
    }

    private mutating func gemm(_ node: Onnx_NodeProto, axes: [ONNXAxis]) throws(LoadError) -> DenseLayer {
        let alpha = attribute(node, "alpha")?.f ?? 1, beta = attribute(node, "beta")?.f ?? 1
        let transA = attribute(node, "transA")?.i ?? 0, transB = attribute(node, "transB")?.i ?? 0
        let b = try weights(node.input[1], in: node)
        guard alpha == 1, beta == 1, transA == 0, b.shape.count == 2, axes.last == .features else {
            throw refusal("Gemm \"\(node.name)\": lstmscope reads alpha = beta = 1, transA = 0, a constant B")
        }
        let rows = transB == 1 ? b.shape[1] : b.shape[0], columns = transB == 1 ? b.shape[0] : b.shape[1]
        var values = b.values
        if transB == 1 {
            values = (0..<rows * columns).map { k in b.values[(k % columns) * rows + k / columns] }
        }
        let bias = try node.input.count > 2 && !node.input[2].isEmpty ? weights(node.input[2], in: node).values : nil
        sources[node.name] = "ONNX Gemm node \"\(node.name)\": W = B\(transB == 1 ? "ᵀ (transB=1)" : ""), b = C"
        return try dense(node.name, Matrix(rows: rows, columns: columns, values: values), bias: bias)
    }

    func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? { ONNXFolding.attribute(node, name) }
}

/// What an axis of the tensor the walk is at holds.
enum ONNXAxis: Equatable, CustomStringConvertible {
    case steps, batch, features, one
    /// A bidirectional node's two directions (forward, backward).
    case directions

    var isOne: Bool { self == .batch || self == .one }

    var description: String {
        switch self {
        case .steps: "T"
        case .batch, .one: "1"
        case .features: "features"
        case .directions: "2"
        }
    }
}
