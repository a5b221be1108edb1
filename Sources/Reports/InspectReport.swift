import LSTMCore

/// What `lstmscope inspect` prints: format, Keras version, layers, parameters with shapes and
/// statistics, the gate layout of the 4·hu axis, and the total parameter count.
public struct InspectReport {
    /// The model described.
    public let model: Model

    /// Creates a report of `model`.
    public init(model: Model) { self.model = model }

    /// `[ i 0–4 | f 5–9 | c̃ 10–14 | o 15–19 ]`: an LSTM's gate blocks for `units`.
    public static func gateLayout(units: Int) -> String { GateBlock.layoutText(LSTMLayer.gateLayout!, units: units) }

    /// The text form.
    public var text: String {
        let p = model.provenance
        var lines: [String] = []
        lines.append("file:    \(terminalSafe(p.path))")
        var format = "format:  \(p.format.description)"
        if let v = p.kerasVersion { format += ", keras_version \(terminalSafe(v))" }
        if let b = p.backend { format += ", backend \(terminalSafe(b))" }
        lines.append(format)
        let t = model.lookBack.map(String.init) ?? "any"
        lines.append("model:   \(terminalSafe(model.name))   \(terminalSafe(model.chainDescription))")
        lines.append("input:   (\(t), \(model.inputSize))  look_back \(t), xu = \(model.inputSize)")
        let parameters = model.parameters
        for layer in InspectReport.displayed(model.layers) {
            lines.append("")
            switch layer {
            case .bidirectional(let b):
                lines.append(
                    "layer \(terminalSafe(b.name)): Bidirectional, "
                        + "merge \(b.merge.rawValue): \(terminalSafe(b.forward.name)) reads forwards, "
                        + "\(terminalSafe(b.backward.name)) backwards (its outputs flipped back into time order)"
                )
                continue
            case .recurrent(let r):
                lines.append(
                    "layer \(terminalSafe(r.name)): \(r.kind), \(r.units) units, \(r.settingsText), "
                        + "\(r.returnSequences ? "returns every step" : "returns the last step")"
                        + "\(r.goBackwards ? ", reads backwards" : "")"
                )
                if let source = p.layerSources[r.name] { lines.append("  from: \(terminalSafe(source))") }
            case .dense(let d):
                lines.append(
                    "layer \(terminalSafe(d.name)): Dense, \(d.units) unit\(d.units == 1 ? "" : "s"), "
                        + "activation \(d.activation.kerasName)"
                )
                if let source = p.layerSources[d.name] { lines.append("  from: \(terminalSafe(source))") }
            default:
                lines.append("layer \(terminalSafe(layer.name)): \(layer.className) (no parameters)")
                continue
            }
            let own = parameters.filter { $0.layerName == layer.name }
            let header = ["name", "keras name", "shape", "axes", "count", "dtype", "min", "max", "mean", "std"]
            let rows = own.map { parameter in
                let s = Statistics(parameter.matrix.values)
                let cells = [
                    parameter.seedName, parameter.kerasName, formatShape(parameter.shape),
                    "(" + parameter.axisMeaning.joined(separator: ", ") + (parameter.shape.count == 1 ? ",)" : ")"),
                    String(parameter.count), p.storedDTypes[parameter.id] ?? "float32",
                    fixed(s.min), fixed(s.max), fixed(s.mean), fixed(s.std),
                ]
                return (cells, s.nanCount + s.infinityCount > 0 ? "  (\(s.nanCount) NaN, \(s.infinityCount) Inf)" : "")
            }
            // Columns as wide as their widest cell, so a long shape or axes keeps the rest aligned.
            let widths = InspectReport.widths.enumerated().map { k, least in
                rows.reduce(max(least, header[k].count + 1)) { max($0, $1.0[k].count + 1) }
            }
            lines.append("  " + header.enumerated().map { pad($1, widths[$0]) }.joined(separator: " "))
            for (cells, note) in rows {
                lines.append("  " + cells.enumerated().map { pad($1, widths[$0]) }.joined(separator: " ") + note)
            }
            if let r = layer.recurrentLayer, let blocks = r.gateLayout {
                lines.append(
                    "  \(blocks.count)·hu axis (columns of W, U, b): \(GateBlock.layoutText(blocks, units: r.units))  "
                        + blocks.map { "\($0.vector.symbol) \($0.title)" }.joined(separator: ", ")
                )
            }
            if let r = layer.recurrentLayer, let start = InspectReport.startText(r) { lines.append("  " + start) }
        }
        lines.append("")
        lines.append(
            model.provenance.foldedParameterCount == 0
                ? "total parameters: \(model.parameterCount)"
                : model.provenance.format == .onnx
                    ? "total parameters: \(model.fileParameterCount) as the ONNX file holds them "
                        + "(\(model.parameterCount) once Wb + Rb are one b)"
                    : "total parameters: \(model.fileParameterCount) as PyTorch counts them "
                        + "(\(model.parameterCount) once bias_ih + bias_hh are one b)"
        )
        let startValues = model.tracedLayers.compactMap(\.initialState).joined().map(\.count).reduce(0, +)
        if startValues > 0 {
            lines[lines.count - 1] += ", and \(startValues) initial-state values"
        }
        if !model.provenance.ignoredTensors.isEmpty {
            lines.append(
                "left out (--ignore-tensors), not replayed: "
                    + "\(model.provenance.ignoredTensors.map(terminalSafe).joined(separator: ", "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static let widths = [5, 17, 9, 12, 6, 8, 9, 9, 9, 9]

    /// `starts from the file's initial state, not zeros: h = [0.1, …], c = …`, for a layer a
    /// converted file gives one (ONNX `initial_h`, `initial_c`); nil for a layer that starts
    /// from zeros. Up to 8 units are listed, more are summarised.
    public static func startText(_ layer: any RecurrentLayer) -> String? {
        guard let start = layer.initialState else { return nil }
        let vectors = zip(layer.stateNames, start).map { name, values in
            if values.count <= 8 { return "\(name) = [" + values.map(fixed).joined(separator: ", ") + "]" }
            let s = Statistics(values)
            return "\(name) (\(values.count) values: min \(fixed(s.min)), max \(fixed(s.max)), mean \(fixed(s.mean)))"
        }
        return "starts from the file's initial state, not zeros: " + vectors.joined(separator: ", ")
    }

    /// The layers as listed: a Bidirectional wrapper, then its two directions.
    static func displayed(_ layers: [Layer]) -> [Layer] {
        layers.flatMap { layer -> [Layer] in
            if case .bidirectional(let b) = layer { return [layer, .recurrent(b.forward), .recurrent(b.backward)] }
            return [layer]
        }
    }

    /// The JSON form (one object).
    public var json: String {
        let p = model.provenance
        let parameters = model.parameters
        var layerTexts: [String] = []
        for layer in InspectReport.displayed(model.layers) {
            var fields = ["\"name\": \(JSONText.string(layer.name))", "\"type\": \(JSONText.string(layer.className))"]
            switch layer {
            case .recurrent(let r):
                fields.append("\"units\": \(r.units)")
                fields += r.settings.map { setting in
                    let value =
                        switch setting.value {
                        case .string(let text): JSONText.string(text)
                        case .bool(let flag): String(flag)
                        case .null: "null"
                        }
                    return "\(JSONText.string(setting.key)): \(value)"
                }
                fields += ["\"return_sequences\": \(r.returnSequences)", "\"go_backwards\": \(r.goBackwards)"]
                // The state the layer starts from when the file gives one (ONNX initial_h/c), else null: zeros.
                let start = r.initialState.map { start in
                    "{"
                        + zip(r.stateNames, start).map { "\(JSONText.string($0.rawValue)): \(JSONText.array($1))" }
                        .joined(separator: ", ") + "}"
                }
                fields.append("\"initial_state\": \(start ?? "null")")
                if let blocks = r.gateLayout {
                    let entries = blocks.enumerated().map { k, block in
                        "{\"gate\": \(JSONText.string(block.traceName)), "
                            + "\"columns\": [\(k * r.units), \((k + 1) * r.units)]}"
                    }
                    fields.append("\"gate_layout\": [" + entries.joined(separator: ", ") + "]")
                }
            case .dense(let d):
                fields += [
                    "\"units\": \(d.units)", "\"activation\": \(JSONText.string(d.activation.kerasName))",
                    "\"recurrent_activation\": null",
                ]
            case .activation(_, let a):
                fields += [
                    "\"units\": null", "\"activation\": \(JSONText.string(a.kerasName))",
                    "\"recurrent_activation\": null",
                ]
            case .bidirectional(let b):
                fields += [
                    "\"units\": \(b.outputSize)", "\"merge_mode\": \(JSONText.string(b.merge.rawValue))",
                    "\"forward\": \(JSONText.string(b.forward.name))",
                    "\"backward\": \(JSONText.string(b.backward.name))",
                ]
            default:
                fields += ["\"units\": null", "\"activation\": null", "\"recurrent_activation\": null"]
            }
            let params = parameters.filter { $0.layerName == layer.name }.map { parameter in
                let s = Statistics(parameter.matrix.values)
                return
                    "{\"name\": \(JSONText.string(parameter.seedName)), "
                    + "\"keras_name\": \(JSONText.string(parameter.kerasName)), "
                    + "\"shape\": \(JSONText.ints(parameter.shape)), "
                    + "\"axes\": [\(parameter.axisMeaning.map(JSONText.string).joined(separator: ", "))], "
                    + "\"dtype\": \(JSONText.string(p.storedDTypes[parameter.id] ?? "float32")), "
                    + "\"count\": \(parameter.count), "
                    + "\"min\": \(JSONText.number(s.min)), \"max\": \(JSONText.number(s.max)), "
                    + "\"mean\": \(JSONText.number(s.mean)), "
                    + "\"std\": \(JSONText.number(s.std)), \"nan_count\": \(s.nanCount), "
                    + "\"inf_count\": \(s.infinityCount)}"
            }
            fields.append("\"params\": [" + params.joined(separator: ", ") + "]")
            layerTexts.append("{" + fields.joined(separator: ", ") + "}")
        }
        let inputShape = "[\(model.lookBack.map(String.init) ?? "null"), \(model.inputSize)]"
        return "{\"path\": \(JSONText.string(p.path)), \"format\": \(JSONText.string(p.format.rawValue)), "
            + "\"keras_version\": \(JSONText.optional(p.kerasVersion)), \"backend\": \(JSONText.optional(p.backend)), "
            + "\"model\": \(JSONText.string(model.name)), \"input_shape\": \(inputShape), "
            + "\"layers\": [" + layerTexts.joined(separator: ", ") + "], \"total_params\": \(model.fileParameterCount)"
            + (p.ignoredTensors.isEmpty
                ? ""
                : ", \"ignored_tensors\": [\(p.ignoredTensors.map(JSONText.string).joined(separator: ", "))]")
            + "}\n"
    }
}

/// Left-aligns `s` in `width` columns.
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// A number in 6 significant-ish digits for tables: `-0.41237`, `1.2e-07`.
public func fixed(_ x: Float) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    let a = abs(x)
    if a != 0 && (a < 1e-3 || a >= 1e5) {
        return formatScientific(x)
    }
    return formatDecimal(x, digits: 5)
}

/// `x` with `digits` decimals (no Foundation needed).
public func formatDecimal(_ x: Float, digits: Int) -> String {
    var scale: Double = 1
    for _ in 0..<digits { scale *= 10 }
    if x.isNaN || x.isInfinite || abs(Double(x)) * scale > 9e17 { return x.isFinite ? formatScientific(x) : fixed(x) }
    let v = (Double(x) * scale).rounded()
    let negative = v < 0
    let n = Int64(abs(v))
    let whole = n / Int64(scale)
    var frac = String(n % Int64(scale))
    frac = String(repeating: "0", count: max(0, digits - frac.count)) + frac
    let body = digits > 0 ? "\(whole).\(frac)" : "\(whole)"
    return (negative && n != 0 ? "-" : "") + body
}

/// `x` as `1.23e-07`.
public func formatScientific(_ x: Float) -> String {
    if x == 0 { return "0" }
    // Not a number to scale (an infinite one would never fall below 10).
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    var exponent = 0
    var m = Double(abs(x))
    while m >= 10 { m /= 10; exponent += 1 }
    while m < 1 { m *= 10; exponent -= 1 }
    // Round first so 9.999 becomes 1.00e+01, not 10.00e+00.
    m = (m * 100).rounded() / 100
    if m >= 10 { m /= 10; exponent += 1 }
    let mantissa = formatDecimal(Float(m) * (x < 0 ? -1 : 1), digits: 2)
    return "\(mantissa)e\(exponent < 0 ? "-" : "+")\(abs(exponent) < 10 ? "0" : "")\(abs(exponent))"
}
