import Foundation

/// Values made the first time they are asked for and kept: a layer's packed kernels, the
/// explorer's weight statistics. A class, so that copies of a value type (a layer, the
/// explorer's state) share what was made and code that cannot mutate can still fill it; the
/// lock makes the first make safe when several threads ask at once.
public final class MemoTable<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Key: Value] = [:]

    /// An empty table.
    public init() {}

    /// The value stored under `key`, made by `make` the first time.
    public func value(for key: Key, _ make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let known = stored[key] { return known }
        let made = make()
        stored[key] = made
        return made
    }
}
