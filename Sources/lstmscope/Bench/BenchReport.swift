import Foundation
import LSTMCore
import Reports

/// `bench` results as text for people and JSON for scripts.
enum BenchReport {
    static func text(_ c: BenchCase, _ r: BenchCase.Result) -> String {
        let layers = c.cells.map { "\($0.kind) \($0.inputSize)→\($0.units)" }.joined(separator: ", ")
        let used = c.threadsUsed
        let threads =
            "\(used) thread\(used == 1 ? "" : "s")"
            + (used < c.threads ? " (of \(c.threads) asked: one per 16 LSTM units and per core)" : "")
        var lines = [
            "\(terminalSafe(c.label)): \(layers), T = \(c.steps), \(threads)"
                + (c.loadMilliseconds.map { ", loaded in \(Self.fixed($0, 1)) ms" } ?? ""),
            "kernel built for \(KernelISA.description)",
        ]
        let perStep = r.replay.median / Double(c.steps)
        let tracePerStep = r.trace.median / Double(c.steps)
        lines.append(pad("", 14) + pad("steps/s", 11) + pad("ns/step", 12) + pad("GFLOP/s", 9) + "GB/s")
        lines.append(
            pad("replay", 14) + pad(rate(1 / perStep), 11) + pad(Self.fixed(perStep * 1e9, 0), 12)
                + pad(Self.fixed(c.flopsPerStep / perStep / 1e9, 1), 9) + Self.fixed(c.bytesPerStep / perStep / 1e9, 1))
        lines.append(
            pad("full trace", 14) + pad(rate(1 / tracePerStep), 11) + pad(Self.fixed(tracePerStep * 1e9, 0), 12)
                + "\(Self.fixed(r.trace.median / r.replay.median, 2))× the replay time")
        lines.append(
            pad("readable step", 14) + pad(rate(1 / r.baselinePerStep), 11)
                + pad(Self.fixed(r.baselinePerStep * 1e9, 0), 12)
                + "replay is \(Self.fixed(r.baselinePerStep / perStep, 1))× faster")
        if c.streaming {
            if let s = r.streaming {
                let perCall = s.median / Double(c.steps)
                lines.append(
                    pad("streaming", 14) + pad(rate(1 / perCall), 11) + pad(Self.fixed(perCall * 1e9, 0), 12)
                        + "one input a call (recurrent layers only), "
                        + "\(Self.fixed(s.median / r.replay.median, 2))× the replay time")
            } else {
                lines.append(pad("streaming", 14) + (c.whyNotStreamed ?? ""))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ c: BenchCase, _ r: BenchCase.Result) -> String {
        let perStep = r.replay.median / Double(c.steps)
        let tracePerStep = r.trace.median / Double(c.steps)
        let cells = c.cells
        var fields = [
            "\"model\": " + (c.modelPath.map(JSONText.string) ?? "null"),
            "\"x\": \(c.model.inputSize)", "\"h\": \(cells.first?.units ?? 0)",
            "\"isa\": " + JSONText.string(KernelISA.description),
            "\"layers\": " + JSONText.ints(cells.map(\.units)),
            "\"kinds\": [" + cells.map { JSONText.string($0.kind.rawValue) }.joined(separator: ", ") + "]",
            "\"steps\": \(c.steps)", "\"threads\": \(c.threadsUsed)", "\"threads_asked\": \(c.threads)",
            "\"replay\": {\"steps_per_s\": \(1 / perStep), \"ns_per_step\": \(perStep * 1e9), "
                + "\"gflops\": \(c.flopsPerStep / perStep / 1e9), \"gbps\": \(c.bytesPerStep / perStep / 1e9), "
                + "\"runs\": \(r.replay.runs)}",
            "\"trace\": {\"steps_per_s\": \(1 / tracePerStep), \"ns_per_step\": \(tracePerStep * 1e9), "
                + "\"ratio_to_replay\": \(r.trace.median / r.replay.median), \"runs\": \(r.trace.runs)}",
            "\"baseline\": {\"name\": \"readable step\", \"steps_per_s\": \(1 / r.baselinePerStep), "
                + "\"replay_speedup\": \(r.baselinePerStep / perStep)}",
        ]
        if let ms = c.loadMilliseconds { fields.append("\"load_ms\": \(ms)") }
        if c.streaming {
            let perCall = r.streaming.map { $0.median / Double(c.steps) }
            fields.append(
                "\"streaming\": "
                    + (perCall.map { "{\"steps_per_s\": \(1 / $0), \"ns_per_step\": \($0 * 1e9)}" } ?? "null"))
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// 4.7M, 285k, 912.
    static func rate(_ perSecond: Double) -> String {
        switch perSecond {
        case 1e6...: Self.fixed(perSecond / 1e6, perSecond < 1e7 ? 2 : 1) + "M"
        case 1e3...: Self.fixed(perSecond / 1e3, perSecond < 1e4 ? 2 : 1) + "k"
        default: Self.fixed(perSecond, 0)
        }
    }

    /// `x` with `digits` decimals.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", x)
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
