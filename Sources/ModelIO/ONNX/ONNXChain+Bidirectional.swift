import LSTMCore

/// A bidirectional `LSTM`, `GRU` or `RNN` node and the nodes that take its two directions
/// apart and merge them again, as Keras's `Bidirectional` layer.
///
/// Converters split Y (T, 2, 1, hu) or Y_h (2, 1, hu) by direction (Slice or Gather on axis
/// 1 or 0), take a step of Y (the forward half's last, the backward half's first: the state
/// after reading all of it) or all of it, squeeze, and join the halves with Concat (Keras's
/// concat, forward first), Add (sum) or Mul (mul). ONNX's backward Y is in time order, as
/// Keras's Bidirectional flips the backward outputs back.
extension ONNXChain {
    /// What one tensor between the node and the merge holds.
    struct Part {
        /// 0: Y, 1: Y_h.
        var output: Int
        /// 0 forward, 1 backward, nil both.
        var direction: Int?
        var step: Step
        var axes: [ONNXAxis]
    }

    enum Step: Equatable { case all, last, first }

    /// The Bidirectional layer, the merge's output and its axes, and how many nodes it took.
    mutating func bidirectional(_ node: Onnx_NodeProto, inputWidth: Int) throws(LoadError)
        -> (layer: Layer, output: String, axes: [ONNXAxis], nodes: Int)
    {
        let what = "\(node.opType) \"\(node.name)\""
        var parts: [String: Part] = [:]
        let batchFirst = layout(of: node) == 1
        if node.output.count > 0, !node.output[0].isEmpty {
            parts[node.output[0]] = Part(
                output: 0, direction: nil, step: .all,
                axes: batchFirst ? [.batch, .steps, .directions, .features] : [.steps, .directions, .batch, .features])
        }
        if node.output.count > 1, !node.output[1].isEmpty {
            parts[node.output[1]] = Part(
                output: 1, direction: nil, step: .last,
                axes: batchFirst ? [.batch, .directions, .features] : [.directions, .batch, .features])
        }
        var nodes = 0
        let width = (try constant(node.input[2], in: node)).shape.last ?? 0
        for next in graph.node {
            let reads = next.input.filter { parts[$0] != nil }
            guard !reads.isEmpty else { continue }
            nodes += 1
            try checkArity(next)
            guard next.opType == "Concat" || next.opType == "Add" || next.opType == "Mul" || parts[next.input[0]] != nil
            else {
                throw refusal(
                    "node \"\(next.name)\" (\(next.opType)) reads \(what)'s output as other than its data input")
            }
            switch next.opType {
            case "Concat", "Add", "Mul":
                let inputs = next.input.map { parts[$0] }
                guard inputs.count == 2, let a = inputs[0], let b = inputs[1] else {
                    throw refusal("\(next.opType) \"\(next.name)\" does not join the two directions of \(what)")
                }
                let merge: BidirectionalLayer.Merge =
                    next.opType == "Concat" ? .concat : next.opType == "Add" ? .sum : .mul
                if merge == .concat {
                    let axis = Int(attribute(next, "axis")?.i ?? 0)
                    let index = axis < 0 ? axis + a.axes.count : axis
                    guard index >= 0, index < a.axes.count, a.axes[index] == .features else {
                        throw refusal(
                            "Concat \"\(next.name)\" joins \(what)'s directions on axis \(axis), not the features")
                    }
                }
                let (forward, backward) = a.direction == 0 ? (a, b) : (b, a)
                guard forward.direction == 0, backward.direction == 1, merge != .concat || a.direction == 0,
                    forward.axes == backward.axes
                else {
                    throw refusal(
                        "\(next.opType) \"\(next.name)\" joins \(what)'s directions in a way Keras's Bidirectional "
                            + "does not (the forward half first, the same axes)")
                }
                let states =
                    (forward.output == 1 || forward.step == .last) && (backward.output == 1 || backward.step == .first)
                let sequences =
                    forward.output == 0 && forward.step == .all && backward.output == 0 && backward.step == .all
                guard states || sequences else {
                    throw refusal(
                        "\(next.opType) \"\(next.name)\" joins steps of \(what) that are not both final states or both "
                            + "whole sequences")
                }
                let halves = try self.halves(node, inputWidth: inputWidth, returnSequences: sequences)
                let layer: Layer = try LoadError.building(path) {
                    .bidirectional(
                        try BidirectionalLayer(
                            name: node.name, forward: .recurrent(halves[0]), backward: .recurrent(halves[1]),
                            merge: merge))
                }
                guard next.output.count == 1 else { throw refusal("node \"\(next.name)\" has several outputs") }
                return (layer, next.output[0], forward.axes, nodes)
            case "Slice", "Gather":
                parts[next.output[0]] = try selected(parts[next.input[0]]!, by: next, what: what)  // checked above
            case "Transpose", "Squeeze", "Unsqueeze", "Reshape", "Identity":
                var part = parts[next.input[0]]!  // checked above
                if next.opType != "Identity" { part.axes = try reshaped(part.axes, by: next, width: width) }
                parts[next.output[0]] = part
            default:
                throw refusal(
                    "node \"\(next.name)\" is \(next.opType) between \(what) and the merge of its directions, which "
                        + "lstmscope does not read")
            }
        }
        throw refusal("\(what) is bidirectional but its two directions are never merged (Concat, Add or Mul)")
    }

    /// A Slice or Gather of one direction, or of the last or first step.
    private mutating func selected(_ part: Part, by node: Onnx_NodeProto, what: String) throws(LoadError) -> Part {
        var part = part
        func pick(_ axis: Int, start: Int64, end: Int64?, keep: Bool) throws(LoadError) {
            guard axis >= 0, axis < part.axes.count else {
                throw refusal("\(node.opType) \"\(node.name)\" axis \(axis)")
            }
            // Directions: one of the two (start and end taken as ONNX takes them against a size of 2).
            let direction = (-2...1).contains(start) ? start < 0 ? start + 2 : start : nil
            let directionEnd = end.map { $0 < 0 ? $0 + 2 : min($0, 2) } ?? direction.map { $0 + 1 }
            let toEnd = end.map { $0 >= Int64(Int32.max) } ?? true
            if part.axes[axis] == .directions, part.direction == nil, let d = direction, directionEnd == d + 1 {
                part.direction = Int(d)
            } else if part.axes[axis] == .steps, part.step == .all,
                (start == -1 && toEnd) || (start == 0 && (end.map { $0 == 1 } ?? true))
            {
                part.step = start == -1 ? .last : .first
            } else {
                throw refusal(
                    "\(node.opType) \"\(node.name)\" takes \(start)…\(end.map(String.init) ?? "") of \(what)'s "
                        + "axis \(part.axes[axis]); lstmscope reads one direction, or the last or first step")
            }
            if keep { part.axes[axis] = .one } else { part.axes.remove(at: axis) }
        }
        if node.opType == "Gather" {
            let index = try constant(node.input[1], in: node)
            guard index.shape.isEmpty, let i = index.integers?.first else {
                throw refusal("Gather \"\(node.name)\" needs one constant index")
            }
            let axis = Int(attribute(node, "axis")?.i ?? 0)
            try pick(axis < 0 ? axis + part.axes.count : axis, start: i, end: nil, keep: false)
            return part
        }
        let starts = try constant(node.input[1], in: node).integers ?? []
        let ends = try constant(node.input[2], in: node).integers ?? []
        let axes =
            try node.input.count > 3 ? constant(node.input[3], in: node).integers ?? [] : Array(0..<Int64(starts.count))
        if node.input.count > 4, try constant(node.input[4], in: node).integers?.allSatisfy({ $0 == 1 }) != true {
            throw refusal("Slice \"\(node.name)\" has steps other than 1")
        }
        guard starts.count == ends.count, starts.count == axes.count else {
            throw refusal("Slice \"\(node.name)\" has \(starts.count) starts, \(ends.count) ends, \(axes.count) axes")
        }
        let rank = part.axes.count
        for k in axes.indices {
            try pick(Int(axes[k] < 0 ? axes[k] + Int64(rank) : axes[k]), start: starts[k], end: ends[k], keep: true)
        }
        return part
    }
}
