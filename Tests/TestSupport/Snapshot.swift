import Foundation
import Testing

/// Compares `text` with the golden file `Tests/<suite>/Snapshots/<name>.txt`.
///
/// Re-record on purpose with `UPDATE_SNAPSHOTS=1 swift test`; a missing golden file is written
/// and reported as a failure, so a new snapshot is always looked at once.
public func expectSnapshot(
    _ text: String, named name: String, suite: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let url = Fixtures.root.appendingPathComponent("Tests/\(suite)/Snapshots/\(name).txt")
    let record = ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1"
    let existing = try? String(contentsOf: url, encoding: .utf8)
    if record || existing == nil {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        if existing == nil && !record {
            Issue.record("recorded a new snapshot \(name); check it and run again", sourceLocation: sourceLocation)
        }
        return
    }
    #expect(
        text == existing, "frame differs from Snapshots/\(name).txt (UPDATE_SNAPSHOTS=1 re-records)",
        sourceLocation: sourceLocation)
}
