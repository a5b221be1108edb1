import LSTMCore

/// What `lstmscope trace` prints: every recurrent layer's vectors at every step and the output.
///
/// The JSON form is a contract other tools read:
/// `{"input": [[…]], "layers": [{"name", "type", "units", "steps": [{"t", "x", "i", "f",
/// "c_tilde", "o", "c", "h"}]}], "output": […]}`.
public struct TraceReport {
    /// The model traced.
    public let model: Model
    /// The trace.
    public let trace: ModelTrace

    /// Creates a report of `trace`, made by running `model`.
    public init(model: Model, trace: ModelTrace) {
        self.model = model
        self.trace = trace
    }

    /// Writes the JSON form piece by piece to `write`, so long windows never build one huge string.
    public func writeJSON(_ write: (String) -> Void) {
        write("{\"input\": \(JSONText.rows(trace.input.rowArrays)),\n \"layers\": [")
        for (n, layer) in trace.layers.enumerated() {
            write(n == 0 ? "\n  " : ",\n  ")
            write("{\"name\": \(JSONText.string(layer.layerName)), \"type\": \(JSONText.string(layer.kind)), \"units\": \(layer.units),\n   \"steps\": [")
            for t in 0..<layer.steps {
                var step = "{\"t\": \(t), \"x\": \(JSONText.array(layer.inputs.row(t)))"
                for name in layer.vectorNames {
                    step += ", \(JSONText.string(name)): \(JSONText.array(layer.vector(name, at: t)!))"
                }
                write((t == 0 ? "\n    " : ",\n    ") + step + "}")
            }
            write("]}")
        }
        write("],\n \"output\": \(JSONText.array(trace.output)), \"output_shape\": \(JSONText.ints(trace.outputShape))}\n")
    }

    /// Writes the CSV form: one row per value, `layer,t,vector,unit,value`; the output as layer `output`.
    public func writeCSV(_ write: (String) -> Void) {
        write("layer,t,vector,unit,value\n")
        for layer in trace.layers {
            let name = csvField(layer.layerName)
            for t in 0..<layer.steps {
                var block = ""
                block.reserveCapacity(layer.units * layer.vectorNames.count * 40)
                // Appending pieces, not interpolating whole rows: the CSV has one row per value.
                func rows(_ vector: String, _ values: [Float]) {
                    let prefix = "\(name),\(t),\(vector),"
                    for (k, v) in values.enumerated() {
                        block += prefix
                        block += String(k)
                        block += ","
                        block += JSONText.number(v)
                        block += "\n"
                    }
                }
                rows("x", layer.inputs.row(t))
                for vector in layer.vectorNames { rows(vector, layer.vector(vector, at: t)!) }
                write(block)
            }
        }
        for (k, y) in trace.output.enumerated() { write("output,,y,\(k),\(JSONText.number(y))\n") }
    }

    /// Writes the text form: per layer and step, x and each vector; then the output.
    public func writeText(_ write: (String) -> Void) {
        for layer in trace.layers {
            write("layer \(terminalSafe(layer.layerName)) (\(layer.kind), \(layer.units) units), \(layer.steps) steps\n")
            for t in 0..<layer.steps {
                write("  t=\(t)  x = \(vectorText(layer.inputs.row(t)))\n")
                for name in layer.vectorNames {
                    let v = layer.vector(name, at: t)!
                    let nan = v.contains { $0.isNaN } ? "   ← NaN" : ""
                    write("    \(pad(name, 8)) \(vectorText(v))\(nan)\n")
                }
            }
        }
        write("output \(JSONText.ints(trace.outputShape)): \(vectorText(trace.output))\n")
    }

    private func vectorText(_ v: [Float]) -> String {
        "[" + v.map { pad(fixed($0), 9) }.joined(separator: " ").trimmingTrailingSpaces() + "]"
    }

    private func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingAll("\"", with: "\"\"") + "\"" : s
    }

    /// Where NaN first appears: (layer, step, vector), or nil when the trace is finite.
    public var firstNaN: (layer: String, t: Int, vector: String)? {
        for layer in trace.layers {
            for t in 0..<layer.steps {
                for name in layer.vectorNames where layer.vector(name, at: t)!.contains(where: \.isNaN) {
                    return (layer.layerName, t, name)
                }
            }
        }
        return nil
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
