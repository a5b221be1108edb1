/// The one walk of a model's layer list: row-wise layers and their masks, recurrent layers
/// (a Bidirectional's halves apart), return_sequences. ``Model/predict(_:threads:)``,
/// ``ModelTrace`` and ``WindowReplay`` are its consumers; compare and export walk it too.
///
/// The walk stops after the last recurrent layer and returns what that layer passed on; the
/// head after it (Dense, Flatten, …) is the caller's (``Model/applyHead(from:to:)``), because
/// a long window's replay assembles it block by block.
struct ForwardWalk {
    /// How the rows reach the recurrent layers.
    enum Rows {
        /// A whole window in time order: each recurrent layer reads it in its own order, from
        /// the state given (zeros for a window).
        case window(Matrix)
        /// A block of steps of a model that runs in blocks (``WindowReplay/canReplayLazily(_:)``):
        /// `rows` in the first recurrent layer's reading order, each layer reading them in that
        /// order; a Bidirectional, then the only recurrent layer, runs its backward half on
        /// `backward`, the same steps counted from the window's end.
        case block(rows: Matrix, backward: Matrix?)
    }

    /// Which traced layers keep their vectors.
    enum Keeping: Equatable {
        /// None: only what each layer passes on (the fastest way to an output).
        case nothing
        /// Every traced layer keeps every vector.
        case everything
        /// Traced layer `k` keeps every vector, and the walk stops after it; the layers below
        /// keep only h.
        case only(Int)
    }

    let model: Model
    let keeping: Keeping
    /// Threads an LSTM's fast kernel may split its units across.
    var threads = 1

    /// Walks `rows` from `states` (one per traced layer, left at the state after the rows),
    /// handing each traced layer that keeps its vectors to `visit` with its index in
    /// ``Model/traced``. Returns what the last layer walked passed on: one matrix, or the two
    /// halves' (forward, backward; not merged) when it is a Bidirectional.
    func walk(_ rows: Rows, states: inout [[[Float]]], visit: (Int, RecurrentRun) -> Void) -> [Matrix] {
        var batchStates = [states]
        defer { states = batchStates[0] }
        switch rows {
        case .window(let window):
            return walk(streams: [(window, nil)], backward: nil, preordered: false, states: &batchStates) {
                visit($0, $1[0])
            }[0]
        case .block(let block, let backward):
            return walk(
                streams: [(block, nil)], backward: backward.map { [($0, nil)] }, preordered: true,
                states: &batchStates
            ) { visit($0, $1[0]) }[0]
        }
    }

    /// Walks several whole windows (the same T) together from `states` (per window, one per
    /// traced layer): each window exactly as ``walk(_:states:visit:)`` walks it alone, and with
    /// ``Keeping/everything`` a kind with a batched kernel runs them side by side (`scan`).
    /// `visit` hears each traced layer's runs, one per window.
    func walk(windows: [Matrix], states: inout [[[[Float]]]], visit: (Int, [RecurrentRun]) -> Void) -> [[Matrix]] {
        walk(streams: windows.map { ($0, nil) }, backward: nil, preordered: false, states: &states, visit: visit)
    }

    /// A window's rows on their way to the next layer, and which of them a mask skips.
    private typealias Stream = (data: Matrix, mask: [Bool]?)

    private func walk(
        streams start: [Stream], backward: [Stream]?, preordered: Bool, states: inout [[[[Float]]]],
        visit: (Int, [RecurrentRun]) -> Void
    ) -> [[Matrix]] {
        var streams = start
        var backwardStreams = backward
        let batch = streams.count
        var traced = 0
        for index in 0...model.lastRecurrentIndex {
            let layer = model.layers[index]
            guard layer.isRecurrent else {
                streams = streams.map { model.applyRowWiseLayer(index, to: $0.data, mask: $0.mask) }
                backwardStreams = backwardStreams?.map { model.applyRowWiseLayer(index, to: $0.data, mask: $0.mask) }
                continue
            }
            var outputs: [[Matrix]] = []
            for (half, cell) in layer.tracedLayers.enumerated() {
                let r = traced
                traced += 1
                // A half of a Bidirectional (then the last recurrent layer) not asked for is not run.
                if case .only(let target) = keeping, layer.tracedLayers.count > 1, r != target { continue }
                guard let kept = kept(r, cell) else { continue }
                let inputs = half == 1 && backwardStreams != nil ? backwardStreams! : streams
                let reversed = !preordered && cell.goBackwards
                let runs: [RecurrentRun]
                if kept == .all && batch > 1 {
                    var layerStates = states.map { $0[r] }
                    runs = cell.runBatch(
                        inputs.map(\.data), reversed: reversed, masks: inputs.map(\.mask), states: &layerStates,
                        threads: threads)
                    for b in 0..<batch { states[b][r] = layerStates[b] }
                } else {
                    runs = (0..<batch).map { b in
                        cell.run(
                            inputs[b].data, reversed: reversed, mask: inputs[b].mask, state: &states[b][r], kept: kept,
                            threads: threads)
                    }
                }
                if kept == .all { visit(r, runs) }
                let passed = runs.map { run in
                    cell.returnSequences ? run.output : Matrix(rowArrays: [run.output.row(run.output.rows - 1)])
                }
                if keeping == .only(r) { return passed.map { [$0] } }
                outputs.append(passed)
            }
            if index == model.lastRecurrentIndex { return (0..<batch).map { b in outputs.map { $0[b] } } }
            for b in 0..<batch {
                if case .bidirectional(let bi) = layer {
                    streams[b].data = bi.mergedOutput(forward: outputs[0][b], backward: outputs[1][b])
                } else {
                    streams[b].data = outputs[0][b]
                }
                if !layer.returnsSequences { streams[b].mask = nil }
            }
        }
        preconditionFailure("the walk passed the last recurrent layer")
    }

    /// What traced layer `r` keeps, or nil when it need not run at all.
    private func kept(_ r: Int, _ cell: any RecurrentLayer) -> KeptVectors? {
        let passOn: KeptVectors = cell.returnSequences ? .hidden : .lastState
        switch keeping {
        case .nothing: return passOn
        case .everything: return .all
        case .only(let target): return r == target ? .all : (r < target ? passOn : nil)
        }
    }

    /// The state every traced layer of `model` starts a window from: zeros, as every Keras
    /// window starts, or the initial state a converted file gives.
    static func startStates(_ model: Model) -> [[[Float]]] { model.tracedLayers.map(\.startState) }
}
