import LSTMCore
import ModelIO

/// `--theirs` for `compare` and the explorer: read, compared with ours, diagnosed.
enum TheirsInput {
    /// Theirs as values to compare: read from the file, or a model file replayed on `window`.
    static func load(_ theirs: String, model: Model, window: Matrix, layer: Int, options: ModelOptions) throws
        -> (TheirValues, String)
    {
        do {
            switch try TheirsLoader.load(theirs, model: model, steps: window.rows, layer: layer) {
            case .values(let values, let description):
                return (values, description)
            case .modelFile:
                let other = try LoadWatchdog.load(theirs, options: options.architecture)
                let trace: ModelTrace
                do {
                    trace = try ModelTrace(model: other, input: window)
                } catch {
                    throw TheirsLoader.Mismatch(message: "\(theirs): cannot run on this window: \(error.message)")
                }
                return (
                    try TheirValues.replay(trace, of: other, against: model, path: theirs),
                    "another model (\(other.provenance.format.description): \(other.chainDescription)), "
                        + "replayed on the same window"
                )
            }
        } catch let mismatch as TheirsLoader.Mismatch {
            throw UsageError(message: mismatch.message)
        }
    }

    /// Ours against theirs, and when they differ the porting bugs that explain it.
    static func compare(_ ours: ModelTrace, model: Model, window: Matrix, theirs: TheirValues, tolerance: Float)
        -> (TraceComparison, [Diagnosis.Explanation])
    {
        let times = model.windowTimes(steps: window.rows)
        let comparison = TraceComparison(ours, times: times, theirs: theirs, tolerance: tolerance)
        let diagnosis =
            comparison.agrees(tolerance: tolerance)
            ? [] : Diagnosis.explain(model, window: window, theirs: theirs, times: times, tolerance: tolerance)
        return (comparison, diagnosis)
    }
}
