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
        var stream: (data: Matrix, mask: [Bool]?)
        var backwardStream: (data: Matrix, mask: [Bool]?)?
        let preordered: Bool
        switch rows {
        case .window(let window):
            stream = (window, nil)
            preordered = false
        case .block(let block, let backward):
            stream = (block, nil)
            backwardStream = backward.map { ($0, nil) }
            preordered = true
        }
        var traced = 0
        for index in 0...model.lastRecurrentIndex {
            let layer = model.layers[index]
            guard layer.isRecurrent else {
                stream = model.applyRowWiseLayer(index, to: stream.data, mask: stream.mask)
                if let b = backwardStream { backwardStream = model.applyRowWiseLayer(index, to: b.data, mask: b.mask) }
                continue
            }
            var outputs: [Matrix] = []
            for (half, cell) in layer.tracedLayers.enumerated() {
                let r = traced
                traced += 1
                // A half of a Bidirectional (then the last recurrent layer) not asked for is not run.
                if case .only(let target) = keeping, layer.tracedLayers.count > 1, r != target { continue }
                guard let kept = kept(r, cell) else { continue }
                let input = half == 1 && backwardStream != nil ? backwardStream! : stream
                let run = cell.run(
                    input.data, reversed: !preordered && cell.goBackwards, mask: input.mask, state: &states[r],
                    kept: kept, threads: threads)
                if kept == .all { visit(r, run) }
                let passed =
                    cell.returnSequences ? run.output : Matrix(rowArrays: [run.output.row(run.output.rows - 1)])
                if keeping == .only(r) { return [passed] }
                outputs.append(passed)
            }
            if index == model.lastRecurrentIndex { return outputs }
            if case .bidirectional(let b) = layer {
                stream.data = b.mergedOutput(forward: outputs[0], backward: outputs[1])
            } else {
                stream.data = outputs[0]
            }
            if !layer.returnsSequences { stream.mask = nil }
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
