/// A set of windows of one shape, (N, T, xu), read one at a time (a test set held in a mapped
/// file), with each window's expected output when there are some: what the explorer moves
/// between. The core knows no files: `read` is given by whoever opened them.
public struct WindowSet: Sendable {
    /// What the set was opened from (`x.npz:x_test`), for the screen.
    public let name: String
    /// N.
    public let count: Int
    /// Window k's expected output (`--expect` rows), when given.
    public let expected: [[Float]]?
    private let read: @Sendable (Int) -> Matrix

    /// A set of `count` windows read by `read(k)`, with `expected[k]` for window k when given.
    public init(name: String, count: Int, expected: [[Float]]?, read: @escaping @Sendable (Int) -> Matrix) {
        precondition(count > 0 && (expected == nil || expected!.count == count))
        self.name = name
        self.count = count
        self.expected = expected
        self.read = read
    }

    /// Window k (0 ≤ k < count).
    public func window(_ k: Int) -> Matrix { read(k) }
}
