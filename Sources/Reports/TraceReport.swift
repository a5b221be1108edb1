import LSTMCore

/// What `lstmscope trace` prints: every recurrent layer's vectors at every step and the output.
///
/// The JSON form is a contract other tools read:
/// `{"input": [[…]], "layers": [{"name", "type", "units", "steps": [{"t", "x", "i", "f",
/// "c_tilde", "o", "c", "h"}]}], "output": […]}`; a step a mask skipped is
/// `{"t", "x", "masked": true, "c", "h"}` (the state it carried).
///
/// The window is replayed lazily (``WindowReplay``) and written a block of steps at a time, so
/// a long window's trace streams out without ever being held whole.
public struct TraceReport {
    /// Where NaN first appears in a trace.
    public struct NaNSite: Sendable, Equatable {
        public let layer: String
        public let t: Int
        public let vector: VectorName
    }

    /// The model traced.
    public let model: Model
    /// The window, replayed to its end.
    public let replay: WindowReplay
    /// Steps recomputed and written together.
    static let blockSteps = 1024

    /// Runs `model` over `input`; traces of up to 4 MB are kept, longer ones recomputed per block.
    public init(model: Model, input: Matrix) throws(ShapeError) {
        var replay = try WindowReplay(model: model, input: input, eagerLimit: 1 << 20)
        while !replay.isComplete { replay.advance(steps: 4096) }
        self.model = model
        self.replay = replay
    }

    /// The model's output, flattened.
    public var output: [Float] { replay.output ?? [] }
    /// The output's shape without the batch axis.
    public var outputShape: [Int] { replay.outputShape ?? [] }

    /// Calls `body` with each recurrent layer's index and its steps, a block at a time.
    private func forEachBlock(_ body: (Int, LayerTrace) -> Void) {
        for l in replay.layers.indices {
            for start in stride(from: 0, to: replay.steps, by: Self.blockSteps) {
                body(l, replay.segment(layer: l, steps: start..<min(start + Self.blockSteps, replay.steps)))
            }
        }
    }

    /// Writes the JSON form piece by piece to `write`; returns where NaN first appears.
    @discardableResult
    public func writeJSON(_ write: (String) -> Void, verdict: ExpectVerdict? = nil) -> NaNSite? {
        write("{\"input\": [")
        for t in 0..<replay.input.rows {
            write(
                (t == 0 ? "" : ", ")
                    + JSONText.array(replay.input.values[t * replay.input.columns..<(t + 1) * replay.input.columns]))
        }
        write("],\n \"layers\": [")
        var nan: NaNSite?
        forEachBlock { l, block in
            let info = replay.layers[l]
            if block.firstStep == 0 {
                write(l == 0 ? "\n  " : "]},\n  ")
                var header =
                    "{\"name\": \(JSONText.string(block.layerName)), \"type\": \(JSONText.string(info.kind.rawValue)), "
                    + "\"units\": \(info.units)"
                if let direction = block.direction, let merge = block.mergeMode {
                    header +=
                        ", \"direction\": \(JSONText.string(direction.rawValue)), "
                        + "\"merge_mode\": \(JSONText.string(merge))"
                }
                write(header + ",\n   \"steps\": [")
            }
            // Steps go out as bytes, handed on every 64 KB: per-number string appends were a
            // third of the time of writing a trace.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(1 << 17)
            let keys = Dictionary(
                uniqueKeysWithValues: info.vectorNames.map { ($0, Array(", \(JSONText.string($0.rawValue)): ".utf8)) })
            for t in block.stepRange {
                // A layer reading backwards (a Bidirectional's backward half, go_backwards) lists
                // its steps as it runs them (t = T − 1 first), each with its index in the window.
                let time = time(of: t, layer: l)
                bytes.append(contentsOf: "\(t == 0 ? "\n    " : ",\n    "){\"t\": \(time), \"x\": ".utf8)
                JSONText.append(block.input(at: t)!, to: &bytes)
                // A step a mask skipped has no gates, only the state it carried.
                let masked = block.isMasked(at: t)
                if masked { bytes.append(contentsOf: ", \"masked\": true".utf8) }
                for name in info.vectorNames where !masked || name.isState {
                    let v = block.vector(name, at: t)!
                    if nan == nil, v.contains(where: \.isNaN) { nan = NaNSite(layer: info.name, t: time, vector: name) }
                    bytes.append(contentsOf: keys[name]!)
                    JSONText.append(v, to: &bytes)
                }
                bytes.append(UInt8(ascii: "}"))
                if bytes.count >= 1 << 16 {
                    write(String(decoding: bytes, as: UTF8.self))
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            write(String(decoding: bytes, as: UTF8.self))
        }
        let expect = verdict.map { ",\n \"expect\": \($0.json)" } ?? ""
        write(
            "]}],\n \"output\": \(JSONText.array(output)), "
                + "\"output_shape\": \(JSONText.ints(outputShape))\(expect)}\n")
        return nan
    }

    /// Writes the CSV form: one row per value, `layer,t,vector,unit,value`; the output as layer
    /// `output`. A Bidirectional half is layer `name/forward` or `name/backward` (Keras names
    /// have no `/`), and `t` is always the window's index. A step a mask skipped has a row
    /// `layer,t,masked,0,1` and no gates. Returns where NaN first appears.
    @discardableResult
    public func writeCSV(_ write: (String) -> Void) -> NaNSite? {
        write("layer,t,vector,unit,value\n")
        var nan: NaNSite?
        forEachBlock { l, block in
            let info = replay.layers[l]
            let name = csvField(info.name + (info.direction.map { "/" + $0.rawValue } ?? ""))
            for step in block.stepRange {
                let t = time(of: step, layer: l)
                var text = ""
                text.reserveCapacity(info.units * info.vectorNames.count * 40)
                // Appending pieces, not interpolating whole rows: the CSV has one row per value.
                func rows(_ vector: String, _ values: [Float]) {
                    let prefix = "\(name),\(t),\(vector),"
                    for (k, v) in values.enumerated() {
                        text += prefix
                        text += String(k)
                        text += ","
                        text += JSONText.number(v)
                        text += "\n"
                    }
                }
                rows("x", block.input(at: step)!)
                let masked = block.isMasked(at: step)
                if masked { text += "\(name),\(t),masked,0,1\n" }
                for vector in info.vectorNames where !masked || vector.isState {
                    let v = block.vector(vector, at: step)!
                    if nan == nil, v.contains(where: \.isNaN) { nan = NaNSite(layer: info.name, t: t, vector: vector) }
                    rows(vector.rawValue, v)
                }
                write(text)
            }
        }
        for (k, y) in output.enumerated() { write("output,,y,\(k),\(JSONText.number(y))\n") }
        return nan
    }

    /// Writes the text form: per layer and step, x and each vector; then the output.
    @discardableResult
    public func writeText(_ write: (String) -> Void) -> NaNSite? {
        var nan: NaNSite?
        forEachBlock { l, block in
            let info = replay.layers[l]
            if block.firstStep == 0 {
                let half =
                    info.direction.map {
                        $0 == .backward ? ", backward half: from the window's end" : ", forward half"
                    } ?? ""
                write(
                    "layer \(terminalSafe(info.name)) (\(info.kind), \(info.units) units\(half)), "
                        + "\(replay.steps) steps\n"
                )
            }
            for step in block.stepRange {
                let masked = block.isMasked(at: step)
                write(
                    "  t=\(time(of: step, layer: l))  x = \(vectorText(block.input(at: step)!))"
                        + "\(masked ? "   (masked: skipped, state carried)" : "")\n"
                )
                for name in info.vectorNames where !masked || name.isState {
                    let v = block.vector(name, at: step)!
                    let hasNaN = v.contains { $0.isNaN }
                    if nan == nil, hasNaN { nan = NaNSite(layer: info.name, t: time(of: step, layer: l), vector: name) }
                    write("    \(pad(name.rawValue, 8)) \(vectorText(v))\(hasNaN ? "   ← NaN" : "")\n")
                }
            }
        }
        write("output \(JSONText.ints(outputShape)): \(vectorText(output))\n")
        return nan
    }

    /// The window's index of recurrent layer `l`'s `step`: a layer that reads backwards (a
    /// Bidirectional's backward half, or `go_backwards`) has the last row as its step 0.
    private func time(of step: Int, layer l: Int) -> Int {
        replay.layers[l].readsBackwards ? replay.steps - 1 - step : step
    }

    private func vectorText(_ v: [Float]) -> String {
        "[" + v.map { pad(fixed($0), 9) }.joined(separator: " ").trimmingTrailingSpaces() + "]"
    }

    private func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + s.replacingAll("\"", with: "\"\"") + "\"" : s
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
