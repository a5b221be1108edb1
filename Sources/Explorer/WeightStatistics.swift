import LSTMCore

/// Weight statistics, computed the first time a view draws them and kept in
/// ``ExplorerState/statisticsCache``: the Model and Weights views redraw on every idle event,
/// and a pass over every weight of a big model (32 M floats at 1,024 units) must not be part
/// of each frame.
extension ExplorerState {
    /// Statistics of all of parameter `p`.
    func statistics(of p: Parameter) -> Statistics {
        statisticsCache.value(for: p.id) { Statistics(p.matrix.values) }
    }

    /// Statistics of columns `columns` of parameter `p` (one gate block).
    func statistics(of p: Parameter, columns: Range<Int>) -> Statistics {
        statisticsCache.value(for: "\(p.id)#\(columns.lowerBound)-\(columns.upperBound)") {
            Statistics(p.matrix.columns(columns).values)
        }
    }
}
