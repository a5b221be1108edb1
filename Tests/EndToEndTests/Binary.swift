import Foundation
import TestSupport

/// Runs the built `lstmscope` binary (it sits beside the test bundle in `.build/<config>/`).
enum Binary {
    /// Whether the tests (and so the binary) run on x86_64.
    static var isX86: Bool {
        #if arch(x86_64)
            true
        #else
            false
        #endif
    }

    static var path: String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir, dir.deletingLastPathComponent(), Fixtures.root.appendingPathComponent(".build/debug")]
        return candidates.map { $0.appendingPathComponent("lstmscope").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "lstmscope"
    }

    /// Runs the binary with `arguments`; returns exit status, stdout and stderr.
    static func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let r = try ChildProcess.run(path, arguments)
        return (r.status, r.out, r.err)
    }
}

/// Drives a command in a detached tmux session, as a person at a terminal would.
final class TmuxSession {
    let name = "lstmscope-e2e-\(UUID().uuidString.prefix(8))"
    let dir: URL

    init(width: Int, height: Int) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try tmux([
            "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
            "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color bash --norc --noprofile",
        ])
    }

    deinit {
        _ = try? tmux(["kill-session", "-t", name])
        try? FileManager.default.removeItem(at: dir)
    }

    static var available: Bool {
        ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/tmux") } ?? false
    }

    /// Starts `command` in the shell, recording stty settings before and after and the exit status.
    func start(_ command: String) throws {
        let d = dir.path
        try keysLiteral("stty -g > \(d)/before; \(command); echo $? > \(d)/status; stty -g > \(d)/after")
        try keys("Enter")
    }

    func keys(_ names: String...) throws {
        for key in names { try tmux(["send-keys", "-t", name, key]) }
        Thread.sleep(forTimeInterval: 0.15)
    }

    func keysLiteral(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

    /// The screen with lines that wrapped joined back (for long messages after the program ends).
    func joinedScreen() throws -> String { try tmux(["capture-pane", "-p", "-J", "-t", name]) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
        Thread.sleep(forTimeInterval: 0.4)
    }

    /// Waits until the screen contains `text`; returns the screen (or the last one seen).
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 10) throws -> String {
        let end = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < end {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return last
    }

    /// The program's exit status, once it has ended.
    func exitStatus(seconds: Double = 5) -> Int32? {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let text = try? String(contentsOf: dir.appendingPathComponent("after"), encoding: .utf8), !text.isEmpty,
                let status = try? String(contentsOf: dir.appendingPathComponent("status"), encoding: .utf8)
            {
                return Int32(status.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// Whether the terminal settings after the program equal those before it.
    var terminalRestored: Bool {
        let before = try? String(contentsOf: dir.appendingPathComponent("before"), encoding: .utf8)
        let after = try? String(contentsOf: dir.appendingPathComponent("after"), encoding: .utf8)
        return before != nil && before == after
    }

    /// Runs tmux (see `ChildProcess` for why not Foundation's `Process`).
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        try ChildProcess.run("tmux", arguments, seconds: 20).out
    }
}
