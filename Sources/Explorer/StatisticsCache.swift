import Foundation
import LSTMCore

/// Statistics of weight arrays, computed the first time a view draws them and kept.
///
/// The Model and Weights views redraw on every idle event; a pass over every weight of a big
/// model (32 M floats at 1,024 units) must not be part of each frame. A class, so that
/// drawing (which does not mutate the state) can fill it; a new model gets a new cache.
final class StatisticsCache: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String: Statistics] = [:]

    /// The statistics stored under `key`, made by `compute` the first time.
    func statistics(_ key: String, _ compute: () -> Statistics) -> Statistics {
        lock.lock()
        defer { lock.unlock() }
        if let known = stored[key] { return known }
        let made = compute()
        stored[key] = made
        return made
    }
}

extension ExplorerState {
    /// Statistics of all of parameter `p`.
    func statistics(of p: Parameter) -> Statistics {
        statisticsCache.statistics(p.id) { Statistics(p.matrix.values) }
    }

    /// Statistics of columns `columns` of parameter `p` (one gate block).
    func statistics(of p: Parameter, columns: Range<Int>) -> Statistics {
        statisticsCache.statistics("\(p.id)#\(columns.lowerBound)-\(columns.upperBound)") { Statistics(p.matrix.columns(columns).values) }
    }
}
