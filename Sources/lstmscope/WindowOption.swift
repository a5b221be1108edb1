import ArgumentParser
import LSTMCore
import ModelIO

/// `--input FILE` or the default window over `--steps`, as `trace` and `compare` take them.
enum WindowOption {
    /// Refuses `--steps` out of range, or together with `--input` (the file sets the length).
    static func validate(steps: Int?, input: String?) throws {
        if let steps, steps < 1 || steps > 10_000_000 {
            throw ValidationError("--steps must be between 1 and 10000000")
        }
        if steps != nil, input != nil {
            throw ValidationError("--steps sets the length of the default window; with --input the file sets it")
        }
    }

    /// The window: the file `input` (checked against the model's width), or the default one over
    /// `steps`, the model's look_back or 10, said on stderr.
    static func window(input: String?, steps: Int?, model: Model, modelPath: String?) throws -> Matrix {
        if let input { return try InputLoader.loadWindow(input, columns: model.inputSize) }
        let t = steps ?? model.lookBack ?? 10
        let window: Matrix
        do {
            window = try Matrix.checkedSineWindow(steps: t, features: model.inputSize)
        } catch {
            throw LoadError(modelPath ?? "model", .tooLarge, error.message)
        }
        Console.note(
            "no --input: using the default window \(Matrix.sineWindowFormula), T = \(t), xu = \(model.inputSize)")
        return window
    }
}
