import ArgumentParser

/// Refuses a `--tolerance` that no difference could meet or that means nothing (negative, NaN, ∞).
func checkTolerance(_ tolerance: Float) throws {
    guard tolerance >= 0, tolerance.isFinite else {
        throw ValidationError("--tolerance must be a number of 0 or more (the largest |difference| that still matches)")
    }
}
