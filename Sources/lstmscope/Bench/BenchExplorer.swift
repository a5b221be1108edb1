import Dispatch
import Explorer
import Foundation
import LSTMCore
import Reports

/// `bench --explorer`: the explorer headless at 200×60 on a long window, as a person would use it.
struct BenchExplorer {
    let label: String
    let model: Model
    let window: Matrix

    struct Result {
        var firstFrameMs = 0.0
        var runWindowSeconds = 0.0
        var longestIdleMs = 0.0
        var stepKeyMs: [Double] = []
        var jumpKeyMs: [Double] = []
        /// The Plot view: a frame of the whole window, and a zoom key (update and frame).
        var plotFrameMs: [Double] = []
        var plotZoomMs: [Double] = []
        var heldFloats = 0
        var fullTraceFloats = 0
        var lazy = false
    }

    func run() throws -> Result {
        var r = Result()
        let start = now()
        var state = try ExplorerState(model: model, input: window, width: 200, height: 60)
        _ = state.render()
        r.firstFrameMs = (now() - start) * 1000
        r.lazy = state.replay.isLazy

        // The shell sends .idle while there is work: that is how the window runs.
        let run = now()
        while state.hasPendingWork {
            let t0 = now()
            _ = state.update(.idle)
            r.longestIdleMs = max(r.longestIdleMs, (now() - t0) * 1000)
        }
        r.runWindowSeconds = now() - run
        r.heldFloats = state.replay.heldFloats
        r.fullTraceFloats = cells.reduce(0) { $0 + $1.vectorNames.count * $1.units } * window.rows

        _ = state.update(.key(.character("3")))
        for _ in 0..<200 {
            r.stepKeyMs.append(
                time {
                    _ = state.update(.key(.right)); _ = state.render()
                })
            while state.hasPendingWork { _ = state.update(.idle) }  // the shell's idle time between keys
        }
        for n in 0..<20 {
            r.jumpKeyMs.append(
                time {
                    _ = state.update(.key(n % 2 == 0 ? .end : .home)); _ = state.render()
                })
            while state.hasPendingWork { _ = state.update(.idle) }
        }
        _ = state.update(.key(.character("7")))
        for _ in 0..<50 { r.plotFrameMs.append(time { _ = state.render() }) }
        // Zoom in five times around the middle and out again: each key draws from the summary,
        // or (zoomed in past its blocks) recomputes the steps shown.
        _ = state.update(.key(.character(":")))
        for c in String(window.rows / 2) { _ = state.update(.key(.character(c))) }
        _ = state.update(.key(.enter))
        for n in 0..<20 {
            r.plotZoomMs.append(
                time {
                    _ = state.update(.key(.character(n % 10 < 5 ? "+" : "-"))); _ = state.render()
                })
        }
        return r
    }

    /// The recurrent layers as they run (a Bidirectional's two halves), of any kind.
    private var cells: [any RecurrentLayer] { model.tracedLayers }

    private func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private func time(_ body: () -> Void) -> Double {
        let t0 = now()
        body()
        return (now() - t0) * 1000
    }

    static func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

    func text(_ r: Result) -> String {
        let layers = cells.map { "\($0.kind) \($0.inputSize)→\($0.units)" }.joined(separator: ", ")
        return """
            \(terminalSafe(label)): explorer at 200×60, \(layers), T = \(window.rows)\(r.lazy ? " (lazy replay)" : "")
              first frame            \(fmt(r.firstFrameMs)) ms
              whole window run       \(fmt(r.runWindowSeconds, 2)) s in idle blocks, \
            longest block \(fmt(r.longestIdleMs)) ms
              → (update + render)    median \(fmt(Self.median(r.stepKeyMs))) ms, \
            max \(fmt(r.stepKeyMs.max()!)) ms (200 steps)
              End/Home jump          median \(fmt(Self.median(r.jumpKeyMs))) ms, \
            max \(fmt(r.jumpKeyMs.max()!)) ms (20 jumps)
              Plot view frame        median \(fmt(Self.median(r.plotFrameMs))) ms, \
            max \(fmt(r.plotFrameMs.max()!)) ms (the whole window, 50 frames)
              Plot zoom key          median \(fmt(Self.median(r.plotZoomMs))) ms, \
            max \(fmt(r.plotZoomMs.max()!)) ms (update + render, 20 keys in and out)
              trace memory held      \(fmt(Double(r.heldFloats) * 4 / 1e6, 1)) MB \
            (a full trace would be \(fmt(Double(r.fullTraceFloats) * 4 / 1e6, 0)) MB)

            """
    }

    func json(_ r: Result) -> String {
        "{\"explorer\": {\"width\": 200, \"height\": 60, \"steps\": \(window.rows), "
            + "\"h\": \(cells.first?.units ?? 0), \"lazy\": \(r.lazy), "
            + "\"first_frame_ms\": \(r.firstFrameMs), \"run_window_s\": \(r.runWindowSeconds), "
            + "\"longest_idle_ms\": \(r.longestIdleMs), "
            + "\"step_key_ms\": {\"median\": \(Self.median(r.stepKeyMs)), \"max\": \(r.stepKeyMs.max()!)}, "
            + "\"jump_key_ms\": {\"median\": \(Self.median(r.jumpKeyMs)), \"max\": \(r.jumpKeyMs.max()!)}, "
            + "\"plot_frame_ms\": {\"median\": \(Self.median(r.plotFrameMs)), \"max\": \(r.plotFrameMs.max()!)}, "
            + "\"plot_zoom_key_ms\": {\"median\": \(Self.median(r.plotZoomMs)), \"max\": \(r.plotZoomMs.max()!)}, "
            + "\"held_bytes\": \(r.heldFloats * 4), \"full_trace_bytes\": \(r.fullTraceFloats * 4)}}\n"
    }

    private func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
}
