/// The model's head (the layers after the last recurrent one) applied to a long window's rows
/// as blocks of them arrive, so the end of the window costs no more than any block.
struct HeadAssembler {
    let model: Model
    /// Steps in the window.
    let steps: Int
    /// Head output rows so far (per-step heads), or last-layer output rows (heads with Flatten;
    /// a Bidirectional's forward half with return_sequences).
    private var headRows: [Float] = []
    /// A Bidirectional's backward outputs so far (with return_sequences): the head needs row
    /// T − 1 − t of them beside forward row t, so both halves' rows are kept until the window
    /// has run (the head itself runs on each time step as soon as both rows for it exist).
    private var backwardRows: [Float] = []
    /// The head's output rows after a Bidirectional with return_sequences, by time step, filled
    /// in as both halves' rows for a time become known.
    private var mergedHeadRows: [Float] = []

    init(model: Model, steps: Int) {
        self.model = model
        self.steps = steps
    }

    /// Floats held.
    var heldFloats: Int { headRows.count + backwardRows.count + mergedHeadRows.count }

    /// Takes what the last recurrent layer passed on in the block that ended at step
    /// `computedSteps` (the walk's result); at the window's end, the model's output.
    mutating func take(_ outputs: [Matrix], computedSteps: Int) -> Matrix? {
        let last = model.lastRecurrentIndex
        if case .bidirectional(let b) = model.layers[last] {
            return takeBidirectional(b, outputs: outputs, computedSteps: computedSteps)
        }
        let sequences = model.layers[last].returnsSequences
        let lastOutputs = outputs[0]
        let flatten = model.headFlattens
        if sequences && !flatten {
            headRows += model.applyHead(from: last + 1, to: lastOutputs).values
        } else if sequences {
            headRows += lastOutputs.values
        }
        guard computedSteps == steps else { return nil }
        let out: Matrix
        if sequences && !flatten {
            let width = headRows.count / steps
            out = Matrix(rows: steps, columns: width, values: headRows)
        } else if sequences {
            out = model.applyHead(
                from: last + 1, to: Matrix(rows: steps, columns: lastOutputs.columns, values: headRows))
        } else {
            out = model.applyHead(from: last + 1, to: Matrix(rowArrays: [lastOutputs.row(lastOutputs.rows - 1)]))
        }
        headRows = []
        return out
    }

    /// The head after a Bidirectional last layer. Without return_sequences it takes the two
    /// halves' last outputs at the window's end. With it, time t merges forward row t with
    /// backward row T − 1 − t; both are known once the halves have run past t and T − 1 − t,
    /// so from the window's middle on each block applies the head to the times it completes
    /// (a Flatten head waits for the end).
    private mutating func takeBidirectional(_ b: BidirectionalLayer, outputs: [Matrix], computedSteps: Int)
        -> Matrix?
    {
        let last = model.lastRecurrentIndex
        let isComplete = computedSteps == steps
        guard b.returnSequences else {
            guard isComplete else { return nil }
            return model.applyHead(
                from: last + 1,
                to: b.mergedOutput(
                    forward: Matrix(rowArrays: [outputs[0].row(outputs[0].rows - 1)]),
                    backward: Matrix(rowArrays: [outputs[1].row(outputs[1].rows - 1)])))
        }
        let before = computedSteps - outputs[0].rows
        headRows += outputs[0].values
        backwardRows += outputs[1].values
        defer {
            if isComplete {
                headRows = []
                backwardRows = []
                mergedHeadRows = []
            }
        }
        if model.headFlattens {
            return isComplete ? model.applyHead(from: last + 1, to: mergedSequence(b, times: 0..<steps)) : nil
        }
        // Times with both halves known after c steps: T − c ..< c, growing from the middle.
        func paired(_ c: Int) -> Range<Int> { steps - c < c ? (steps - c)..<c : 0..<0 }
        let known = paired(computedSteps), old = paired(before)
        let completed = old.isEmpty ? [known] : [known.lowerBound..<old.lowerBound, old.upperBound..<known.upperBound]
        var columns = mergedHeadRows.count / steps
        for range in completed {
            for start in stride(from: range.lowerBound, to: range.upperBound, by: 1024) {
                let times = start..<min(start + 1024, range.upperBound)
                let out = model.applyHead(from: last + 1, to: mergedSequence(b, times: times))
                if mergedHeadRows.isEmpty {
                    columns = out.columns
                    mergedHeadRows = [Float](repeating: 0, count: steps * columns)
                }
                mergedHeadRows.replaceSubrange(
                    times.lowerBound * columns..<times.upperBound * columns, with: out.values)
            }
        }
        return isComplete ? Matrix(rows: steps, columns: columns, values: mergedHeadRows) : nil
    }

    /// A Bidirectional's merged output at `times`: forward rows `times`, backward rows counted
    /// from the window's end.
    private func mergedSequence(_ b: BidirectionalLayer, times: Range<Int>) -> Matrix {
        let hu = b.units
        let forward = Matrix(
            rows: times.count, columns: hu, values: Array(headRows[times.lowerBound * hu..<times.upperBound * hu]))
        let backward = Matrix(
            rows: times.count, columns: hu,
            values: Array(backwardRows[(steps - times.upperBound) * hu..<(steps - times.lowerBound) * hu]))
        return b.mergedOutput(forward: forward, backward: backward)
    }
}
