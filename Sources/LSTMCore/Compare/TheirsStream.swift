/// Theirs as a stream of vectors, for files too big to hold (a full trace of a long window).
public protocol TheirsStream {
    /// Hands every vector theirs gives to `vector`, in the order it has them, then its output
    /// (when it has one) to `output`.
    func forEach(vector: (TheirValues.Key, [Float?]) throws -> Void, output: ([Float]) throws -> Void) throws
}

extension TheirValues: TheirsStream {
    public func forEach(vector: (Key, [Float?]) throws -> Void, output: ([Float]) throws -> Void) throws {
        for (key, values) in vectors { try vector(key, values) }
        if let y = self.output { try output(y) }
    }
}

/// Ours by window row, from a replay: one block of steps of each layer held at a time, so a
/// long window costs what its replay's checkpoints do.
struct ReplayLookup {
    static let blockSteps = 1024
    private(set) var replay: WindowReplay
    private var held: [LayerTrace?]
    /// Per traced layer, whether theirs numbers its steps from the window's end.
    private let backwards: [Bool]

    /// `model` replayed over `window` to its end; its steps are looked up as `numbering`'s
    /// are numbered (a variant that reads the window the other way is compared step for step
    /// with what theirs printed).
    init(_ model: Model, window: Matrix, numberedAs numbering: Model? = nil) throws(ShapeError) {
        replay = try WindowReplay(model: model, input: window)
        held = [LayerTrace?](repeating: nil, count: replay.layers.count)
        backwards = (numbering ?? model).traced.map(\.readsBackwards)
    }

    /// The step of traced layer `layer` that reads window row `t`, as theirs numbers steps.
    func step(layer: Int, t: Int) -> Int { backwards[layer] ? replay.steps - 1 - t : t }

    /// Vector `vector` of traced layer `layer` at window row `t`, or nil when the kind has none.
    mutating func vector(layer: Int, t: Int, vector: VectorName) -> [Float]? {
        guard layer < held.count, t >= 0, t < replay.steps else { return nil }
        let step = step(layer: layer, t: t)
        // The window runs only as far as asked, in blocks of 1,024 steps (each keeps every
        // vector while it runs).
        while replay.computedSteps <= step { replay.advance(steps: Self.blockSteps) }
        if held[layer]?.stepRange.contains(step) != true {
            let start = step / Self.blockSteps * Self.blockSteps
            held[layer] = replay.segment(layer: layer, steps: start..<min(start + Self.blockSteps, replay.steps))
        }
        return held[layer]!.vector(vector, at: step)
    }

    /// The model's output, the window run to its end.
    mutating func output() -> [Float] {
        while !replay.isComplete { replay.advance(steps: Self.blockSteps) }
        return replay.output!
    }
}

/// `compare` over a stream: theirs read once, ours from a replay, in bounded memory.
public enum StreamingComparison {
    /// Compares `theirs` with `model` replayed on `window`, and keeps theirs' vectors at the
    /// window rows in `collecting` (the diagnosis rejects most hypotheses on those).
    /// `numberedAs` is the model whose step numbering theirs follows (the model a variant was made from).
    public static func compare(
        _ model: Model, window: Matrix, theirs: some TheirsStream, tolerance: Float, collecting: Range<Int> = 0..<0,
        numberedAs numbering: Model? = nil
    ) throws -> (TraceComparison, collected: TheirValues) {
        var lookup = try ReplayLookup(model, window: window, numberedAs: numbering)
        var comparison = TraceComparison(tolerance: tolerance)
        var collected = TheirValues()
        let layers = lookup.replay.layers
        try theirs.forEach { key, values in
            guard let ours = lookup.vector(layer: key.layer, t: key.t, vector: key.vector),
                let order = layers[key.layer].vectorNames.firstIndex(of: key.vector)
            else { return }
            comparison.add(
                key, step: lookup.step(layer: key.layer, t: key.t), vectorOrder: order, ours: ours, theirs: values)
            if collecting.contains(key.t) { collected.setAll(key, values) }
        } output: { y in
            // Not collected: the output belongs to the whole window, not to its first rows.
            comparison.addOutput(ours: lookup.output(), theirs: y, layer: layers.count - 1)
        }
        return (comparison, collected)
    }
}
