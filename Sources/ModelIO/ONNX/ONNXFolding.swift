import LSTMCore

/// The constant subgraphs exporters write around a recurrent node when the batch is left open
/// (tf2onnx: Shape(x) → Cast → Slice → Concat → Expand of zeros → Unsqueeze, the initial states):
/// computed at load from the input's shape with the batch taken as 1, as lstmscope replays it.
/// Only small integer and fill arithmetic is folded; anything else stays a node and is refused
/// by the walk as any op is.
enum ONNXFolding {
    /// Ops whose output is folded when every input is a constant (Shape: when it reads the input).
    static let foldable: Set<String> = [
        "Shape", "Cast", "Slice", "Gather", "Concat", "Unsqueeze", "Squeeze", "Expand", "ConstantOfShape", "Identity",
    ]

    /// The most values a folded constant may have: these are shapes and state-sized fills.
    static let valueLimit = 1 << 20

    /// Node `node`'s output as a constant, or nil when it is not foldable here.
    static func fold(
        _ node: Onnx_NodeProto, constants: [String: ONNXConstant], shapes: [String: [Int]], path: String
    ) throws(LoadError) -> ONNXConstant? {
        guard foldable.contains(node.opType), node.output.count == 1, !node.output[0].isEmpty else { return nil }
        let name = node.output[0]
        let given = node.input.filter { !$0.isEmpty }
        if node.opType == "Shape" {
            guard given.count == 1 else { return nil }
            let shape: [Int]
            if let known = shapes[given[0]] {
                shape = known
            } else if let c = constants[given[0]] {
                shape = c.shape
            } else {
                return nil
            }
            let start = Int(attribute(node, "start")?.i ?? 0),
                end = Int(attribute(node, "end")?.i ?? Int64(shape.count))
            let range = clamp(start, shape.count)..<max(clamp(start, shape.count), clamp(end, shape.count))
            return .integers(name, shape[range].map(Int64.init), shape: [range.count])
        }
        guard given.allSatisfy({ constants[$0] != nil }) else { return nil }
        let args = given.map { constants[$0]! }  // checked just above
        func refuse(_ why: String) -> LoadError {
            LoadError(path, .unsupportedLayer, "\(node.opType) node \"\(node.name)\" of constants: \(why)")
        }
        switch node.opType {
        case "Identity":
            guard args.count == 1 else { return nil }
            return args[0].renamed(name)
        case "Cast":
            guard args.count == 1, let to = attribute(node, "to")?.i else { return nil }
            let a = args[0]
            switch Onnx_TensorProto.DataType(rawValue: Int(to)) {
            case .int64?, .int32?:
                guard
                    let ints = a.integers
                        ?? (a.values.allSatisfy { $0 == $0.rounded(.towardZero) }
                            ? a.values.map { Int64($0) } : nil)
                else { throw refuse("casts non-integer floats to integers") }
                return .integers(name, ints, shape: a.shape)
            case .float?:
                return ONNXConstant(name: name, shape: a.shape, values: a.values, integers: nil, isFloat32: true)
            default:
                throw refuse("casts to ONNX type \(to)")
            }
        case "Concat":
            guard args.allSatisfy({ $0.shape.count == 1 }), let axis = attribute(node, "axis")?.i,
                axis == 0 || axis == -1
            else { throw refuse("lstmscope folds a Concat of vectors") }
            if args.allSatisfy({ $0.integers != nil }) {
                let ints = args.flatMap { $0.integers! }
                return .integers(name, ints, shape: [ints.count])
            }
            let values = args.flatMap(\.values)
            return ONNXConstant(
                name: name, shape: [values.count], values: values, integers: nil,
                isFloat32: args.allSatisfy(\.isFloat32))
        case "Slice":
            guard args.count >= 3, args[0].shape.count == 1, let data = args[0].integers,
                let starts = args[1].integers, let ends = args[2].integers, starts.count == 1, ends.count == 1,
                args.count < 4 || [[0], [-1]].contains(args[3].integers ?? []),
                args.count < 5 || args[4].integers == [1]
            else { throw refuse("lstmscope folds a Slice of one integer vector, step 1") }
            let n = data.count
            func index(_ v: Int64) -> Int { clamp(Int(max(min(v, Int64(n)), -Int64(n) - 1)), n) }
            let range = index(starts[0])..<max(index(starts[0]), index(ends[0]))
            return .integers(name, Array(data[range]), shape: [range.count])
        case "Gather":
            guard args.count == 2, args[0].shape.count == 1, let data = args[0].integers,
                let indices = args[1].integers, (attribute(node, "axis")?.i ?? 0) == 0
            else { throw refuse("lstmscope folds a Gather from one integer vector") }
            var out: [Int64] = []
            for i in indices {
                let k = i < 0 ? Int(i) + data.count : Int(i)
                guard k >= 0, k < data.count else { throw refuse("index \(i) of \(data.count)") }
                out.append(data[k])
            }
            return .integers(name, out, shape: args[1].shape)
        case "Unsqueeze", "Squeeze":
            let axes = args.count > 1 ? args[1].integers ?? [] : attribute(node, "axes")?.ints ?? []
            guard let shape = squeezed(node.opType, args[0].shape, axes: axes) else {
                throw refuse("axes \(axes) of \(args[0].shape)")
            }
            return args[0].reshaped(name, shape)
        case "Expand":
            guard args.count == 2, let target = args[1].integers, target.allSatisfy({ $0 >= 0 }) else {
                throw refuse("needs a constant shape")
            }
            // NumPy's broadcasting of the data's shape and the target, aligned on the right.
            let data = args[0], rank = max(data.shape.count, target.count)
            let a = [Int](repeating: 1, count: rank - data.shape.count) + data.shape
            let b = [Int](repeating: 1, count: rank - target.count) + target.map(Int.init)
            var shape: [Int] = []
            for (x, y) in zip(a, b) {
                guard x == y || x == 1 || y == 1 else { throw refuse("cannot broadcast \(data.shape) to \(target)") }
                shape.append(x == 1 ? y : x)
            }
            let count = try bounded(shape, refuse)
            // The data index of each output index: its coordinates, with the data's axes of one held at 0.
            var strides = [Int](repeating: 1, count: rank)
            for k in stride(from: rank - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * a[k + 1] }
            let source = (0..<count).map { flat -> Int in
                var rest = flat, index = 0
                for k in stride(from: rank - 1, through: 0, by: -1) {
                    let coordinate = rest % shape[k]
                    rest /= shape[k]
                    if a[k] != 1 { index += coordinate * strides[k] }
                }
                return index
            }
            return ONNXConstant(
                name: name, shape: shape, values: source.map { data.values[$0] },
                integers: data.integers.map { ints in source.map { ints[$0] } }, isFloat32: data.isFloat32)
        case "ConstantOfShape":
            guard let dims = args.first?.integers, dims.allSatisfy({ $0 >= 0 }) else {
                throw refuse("needs a constant shape")
            }
            let count = try bounded(dims.map(Int.init), refuse)
            let fill: ONNXConstant
            if let value = attribute(node, "value"), value.hasT {
                fill = try ONNXConstant(value.t, path: path)
                guard fill.values.count == 1 else { throw refuse("its value holds \(fill.values.count) values") }
            } else {
                fill = ONNXConstant(name: name, shape: [1], values: [0], integers: nil, isFloat32: true)
            }
            return ONNXConstant(
                name: name, shape: dims.map(Int.init), values: [Float](repeating: fill.values[0], count: count),
                integers: fill.integers.map { [Int64](repeating: $0[0], count: count) }, isFloat32: fill.isFloat32)
        default:
            return nil
        }
    }

    /// The shapes a chain node gives its outputs, from its input's known shape, for a later
    /// Shape to fold (torch.onnx.export takes the Shape of the transposed input, and of each
    /// stacked layer's squeezed Y): Transpose, Squeeze, Unsqueeze and the recurrent nodes.
    static func shapes(after node: Onnx_NodeProto, shapes: [String: [Int]], constants: [String: ONNXConstant])
        -> [String: [Int]]
    {
        guard let first = node.input.first, let input = shapes[first], let out = node.output.first else { return [:] }
        switch node.opType {
        case "Transpose":
            let perm = attribute(node, "perm")?.ints.map(Int.init) ?? Array((0..<input.count).reversed())
            guard perm.sorted() == Array(0..<input.count) else { return [:] }
            return [out: perm.map { input[$0] }]
        case "Squeeze", "Unsqueeze":
            let axes = node.input.count > 1 ? constants[node.input[1]]?.integers : attribute(node, "axes")?.ints ?? []
            guard let axes, let shape = squeezed(node.opType, input, axes: axes) else { return [:] }
            return [out: shape]
        case "LSTM", "GRU", "RNN":
            guard input.count == 3, node.input.count > 2, let r = constants[node.input[2]], r.shape.count == 3 else {
                return [:]
            }
            let batchFirst = (attribute(node, "layout")?.i ?? 0) == 1
            let (steps, batch) = batchFirst ? (input[1], input[0]) : (input[0], input[1])
            let dirs = r.shape[0], hu = r.shape[2]
            var outputs: [String: [Int]] = [:]
            for (k, name) in node.output.enumerated() where !name.isEmpty {
                outputs[name] =
                    k == 0
                    ? (batchFirst ? [batch, steps, dirs, hu] : [steps, dirs, batch, hu])
                    : (batchFirst ? [batch, dirs, hu] : [dirs, batch, hu])
            }
            return outputs
        default:
            return [:]
        }
    }

    /// The value count of `shape`, within ``valueLimit``.
    private static func bounded(_ shape: [Int], _ refuse: (String) -> LoadError) throws(LoadError) -> Int {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= valueLimit else { throw refuse("makes more than 2^20 values: \(shape)") }
            count = product
        }
        return count
    }

    private static func clamp(_ v: Int, _ n: Int) -> Int { min(max(v < 0 ? v + n : v, 0), n) }

    /// `shape` after a Squeeze (no axes: every axis of one) or an Unsqueeze of `axes`; nil when
    /// the axes do not fit it.
    static func squeezed(_ op: String, _ shape: [Int], axes: [Int64]) -> [Int]? {
        if op == "Unsqueeze" {
            var out = shape
            let rank = shape.count + axes.count
            for a in axes.map({ Int($0 < 0 ? $0 + Int64(rank) : $0) }).sorted() {
                guard a >= 0, a <= out.count else { return nil }
                out.insert(1, at: a)
            }
            return out
        }
        let list = Set(axes.map { Int($0 < 0 ? $0 + Int64(shape.count) : $0) })
        guard list.allSatisfy({ $0 >= 0 && $0 < shape.count && shape[$0] == 1 }) else { return nil }
        return list.isEmpty
            ? shape.filter { $0 != 1 } : shape.enumerated().filter { !list.contains($0.offset) }.map(\.element)
    }

    /// Node `node`'s attribute `name` (one place for the loader and the folding).
    static func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? {
        node.attribute.first { $0.name == name }
    }
}

extension ONNXConstant {
    init(name: String, shape: [Int], values: [Float], integers: [Int64]?, isFloat32: Bool) {
        self.name = name
        self.shape = shape
        self.values = values
        self.integers = integers
        self.isFloat32 = isFloat32
    }

    static func integers(_ name: String, _ ints: [Int64], shape: [Int]) -> ONNXConstant {
        ONNXConstant(name: name, shape: shape, values: ints.map(Float.init), integers: ints, isFloat32: false)
    }

    func renamed(_ name: String) -> ONNXConstant { reshaped(name, shape) }

    func reshaped(_ name: String, _ shape: [Int]) -> ONNXConstant {
        ONNXConstant(name: name, shape: shape, values: values, integers: integers, isFloat32: isFloat32)
    }
}
