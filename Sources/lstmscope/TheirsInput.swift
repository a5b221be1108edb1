import LSTMCore
import ModelIO

/// `--theirs` for `compare` and the explorer: read (a trace as a stream), compared with ours,
/// diagnosed.
enum TheirsInput {
    /// Theirs as a stream of values and what it is: a trace file read as it goes, or values held
    /// whole (a matrix, an output, another model's replay).
    static func open(_ theirs: String, model: Model, window: Matrix, layer: Int, options: ModelOptions) throws
        -> (any TheirsStream, String)
    {
        do {
            switch try TheirsLoader.load(theirs, model: model, steps: window.rows, layer: layer) {
            case .values(let values, let description): return (values, description)
            case .stream(let file, let description): return (file, description)
            case .modelFile: return try replayed(theirs, model: model, window: window, options: options)
            }
        } catch let mismatch as TheirsLoader.Mismatch {
            throw UsageError(message: mismatch.message)
        }
    }

    /// Theirs held whole, for the explorer.
    static func values(_ theirs: String, model: Model, window: Matrix, layer: Int, options: ModelOptions) throws
        -> (TheirValues, String)
    {
        do {
            if let (values, description) = try TheirsLoader.values(
                theirs, model: model, steps: window.rows, layer: layer)
            {
                return (values, description)
            }
            return try replayed(theirs, model: model, window: window, options: options)
        } catch let mismatch as TheirsLoader.Mismatch {
            throw UsageError(message: mismatch.message)
        }
    }

    /// Another model file, loaded as every model is, replayed on the same window.
    private static func replayed(_ theirs: String, model: Model, window: Matrix, options: ModelOptions) throws
        -> (TheirValues, String)
    {
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

    /// Ours against theirs (one pass over theirs), the porting bugs that explain a difference,
    /// and the first divergence's neighbourhood.
    static func compare(_ model: Model, window: Matrix, theirs: any TheirsStream, tolerance: Float) throws
        -> (TraceComparison, [Diagnosis.Explanation], Neighbourhood?)
    {
        do {
            let (comparison, prefix) = try StreamingComparison.compare(
                model, window: window, theirs: theirs, tolerance: tolerance,
                collecting: 0..<Diagnosis.prefixSteps)
            guard !comparison.agrees(tolerance: tolerance), let first = comparison.firstDivergence else {
                return (comparison, [], nil)
            }
            let diagnosis = try Diagnosis.explain(
                model, window: window, theirs: theirs, prefix: prefix, tolerance: tolerance)
            return (comparison, diagnosis, try Neighbourhood(of: first, model: model, window: window, theirs: theirs))
        } catch let mismatch as TheirsLoader.Mismatch {
            throw UsageError(message: mismatch.message)
        } catch let error as ShapeError {
            throw LoadError("input", .badInput, error.message)
        }
    }
}
