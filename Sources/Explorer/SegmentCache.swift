import LSTMCore

/// Which steps of a long window the explorer holds, and the work it does in idle time.
///
/// A key never waits for more than the interval around the new step (at most
/// ``WindowReplay/checkpointInterval`` steps recomputed); the rest of the history strip and
/// the rest of the window are computed one block at a time on ``Event/idle``.
extension ExplorerState {
    /// Columns of the history strip at the current width (see `drawHistory`).
    var historyColumns: Int { max(1, width - 8) }

    /// The steps the history strip shows around ``t``.
    public var historyRange: Range<Int> {
        let columns = historyColumns
        let first = steps > columns ? min(max(0, t - columns / 2), steps - columns) : 0
        return first..<min(steps, first + columns)
    }

    /// Whether idle time would add to the picture: steps left to run or gaps in the history strip.
    public var hasPendingWork: Bool { !replay.isComplete || nextMissingInterval != nil || setScanPending }

    /// Makes ``segment`` hold the current step and the one before it (and the output had the
    /// window ended here); a step the replay has not reached yet is not selectable.
    mutating func refreshSegment(force: Bool = false) {
        if t >= replay.computedSteps {
            t = replay.computedSteps - 1
            status = .progress("the window has run as far as t = \(shownT) so far (\(progressText))")
        }
        let k = WindowReplay.checkpointInterval
        let needed = max(t - 1, 0)..<(t + 1)
        let held = segment.stepRange
        // Steps held for the Plot view belong to the replay they came from.
        if force { plotSegment = nil }
        if force || segmentLayer != layer || segment.layerName != replay.layers[layer].name
            || !(held.contains(needed.lowerBound) && held.contains(needed.upperBound - 1))
        {
            // From the checkpoint before t − 1 to t only: at most one interval of work per key;
            // idle time fills the rest of the strip.
            let start = needed.lowerBound / k * k
            if replay.isLazy {
                segment = replay.segment(layer: layer, steps: start..<needed.upperBound)
            } else {
                // A window traced whole: slicing costs nothing, so hold the whole strip at once.
                let strip = historyRange.clamped(to: 0..<replay.computedSteps)
                segment = replay.segment(
                    layer: layer, steps: min(strip.lowerBound, start)..<max(strip.upperBound, needed.upperBound))
            }
            segmentLayer = layer
        } else if segment.steps > 4 * max(historyColumns, k) {
            // Keep what is held proportional to what is shown.
            let wanted = historyRange.clamped(to: held)
            let start = min(wanted.lowerBound, needed.lowerBound) / k * k
            let end = min(max(wanted.upperBound, needed.upperBound), held.upperBound)
            segment = segment.slice(max(start, held.lowerBound)..<end)
        }
        // A last layer reading backwards has read rows T − 1 … t by its step: no "had it ended here".
        outputEndingHere =
            layer == replay.layers.count - 1 && !replay.layers[layer].readsBackwards
            ? segment.vector(.h, at: t).flatMap(replay.headOutput) : nil
        refreshOtherHalf(force: force)
    }

    /// Finds ``otherHalfHidden`` when the layer or step changed: in a long window that
    /// recomputes up to one interval, which a frame must not pay for.
    private mutating func refreshOtherHalf(force: Bool) {
        guard let direction = replay.layers[layer].direction, replay.isComplete else {
            otherHalfHidden = nil
            otherHalfAt = nil
            return
        }
        if !force, let at = otherHalfAt, at.layer == layer, at.t == t { return }
        let other = direction == .forward ? layer + 1 : layer - 1
        let step = steps - 1 - t
        otherHalfHidden =
            replay.layers.indices.contains(other)
            ? replay.segment(layer: other, steps: step..<step + 1).vector(.h, at: step) : nil
        otherHalfAt = (layer, t)
    }

    /// One block of idle work: fill the next gap of the history strip, else run the window on.
    mutating func doPendingWork() {
        if setScanPending {
            advanceSetScan()
        } else if let range = nextMissingInterval {
            let more = replay.segment(layer: layer, steps: range)
            segment = range.lowerBound < segment.firstStep ? more.joined(segment) : segment.joined(more)
        } else if !replay.isComplete {
            replay.advance(steps: idleBlockSteps)
            if replay.isComplete, case .progress? = status { say("all \(steps) steps have run") }
        }
    }

    /// The interval next to ``segment`` that the history strip shows but the segment lacks.
    private var nextMissingInterval: Range<Int>? {
        let k = WindowReplay.checkpointInterval
        let wanted = historyRange.clamped(to: 0..<replay.computedSteps)
        let held = segment.stepRange
        if wanted.upperBound > held.upperBound {
            return held.upperBound..<min((held.upperBound / k + 1) * k, replay.computedSteps)
        }
        if wanted.lowerBound < held.lowerBound {
            return max(held.lowerBound - k, 0)..<held.lowerBound
        }
        return nil
    }

    /// Steps per idle block: about 10 ms of work, so keys are never kept waiting long.
    var idleBlockSteps: Int {
        // Multiply-adds per step. The readable step that SimpleRNN layers and masked windows
        // run does about a third as many per second as the LSTM and GRU kernels (bench:
        // GRU(256) 36k steps/s through its step, 93–109k through the kernel).
        let stepped = model.masks
        let work = model.tracedLayers.reduce(0) { (total: Int, layer: any RecurrentLayer) -> Int in
            // Kinds with a fast kernel have gate blocks; a SimpleRNN runs the readable step.
            let slowdown = layer.gateLayout != nil && !stepped ? 1 : 3
            let blocks = layer.gateLayout?.count ?? 1
            return total + slowdown * blocks * layer.units * (layer.inputSize + layer.units)
        }
        return min(max(150_000_000 / max(work, 1), WindowReplay.checkpointInterval), 1 << 16)
    }

    /// "37% of 100000 steps" while the window runs.
    var progressText: String {
        "\(replay.computedSteps * 100 / max(steps, 1))% of \(steps) steps run"
    }
}
