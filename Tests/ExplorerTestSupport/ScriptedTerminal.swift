import Explorer

/// A terminal for tests, as Bubble Tea's teatest is one: events come from a script, frames are
/// kept. When the script runs out it answers "no key" (so the shell idles, ticks or waits) a
/// few hundred times and then quits, so a test that forgets its `q` still ends.
public final class ScriptedTerminal: Terminal {
    public var size: (width: Int, height: Int)
    public var supportsColor = true
    public var pendingSignal: Int32 = 0
    /// Every frame drawn, in order.
    public private(set) var frames: [Canvas] = []
    /// The events still to come; nil entries mean "no key within the timeout".
    public var script: [Event?]
    private var idleAnswers = 0

    /// A terminal of `width` × `height` that will deliver `script`.
    public init(width: Int = 80, height: Int = 24, script: [Event?]) {
        size = (width, height)
        self.script = script
    }

    /// The keys `keys`, one event each.
    public convenience init(width: Int = 80, height: Int = 24, keys: [Key]) {
        self.init(width: width, height: height, script: keys.map { .key($0) })
    }

    public func draw(_ canvas: Canvas) { frames.append(canvas) }

    public func invalidate() {}

    public func nextEvent(timeoutMilliseconds: Int32) -> Event? {
        if !script.isEmpty { return script.removeFirst() }
        idleAnswers += 1
        return idleAnswers > 500 ? .key(.character("q")) : nil
    }
}
