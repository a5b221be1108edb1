import LSTMCore

/// What `lstmscope inspect` prints: format, Keras version, layers, parameters with shapes and
/// statistics, the gate layout of the 4·hu axis, and the total parameter count.
public struct InspectReport {
    /// The model described.
    public let model: Model

    /// Creates a report of `model`.
    public init(model: Model) { self.model = model }

    /// `[ i 0–4 | f 5–9 | c̃ 10–14 | o 15–19 ]`.
    public static func gateLayout(units: Int) -> String {
        "[ "
            + LSTMGate.allCases.map { g in
                let r = g.columns(units: units)
                return "\(g.symbol) \(r.lowerBound)–\(r.upperBound - 1)"
            }.joined(separator: " | ") + " ]"
    }

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
            case .lstm(let l):
                lines.append(
                    "layer \(terminalSafe(l.name)): LSTM, \(l.units) units, activation \(l.activation.kerasName), "
                        + "recurrent_activation \(l.recurrentActivation.kerasName) = \(l.recurrentActivation.formula), "
                        + "\(l.returnSequences ? "returns every step" : "returns the last step")"
                        + "\(l.goBackwards ? ", reads backwards" : "")"
                )
            case .gru(let g):
                lines.append(
                    "layer \(terminalSafe(g.name)): GRU, \(g.units) units, activation \(g.activation.kerasName), "
                        + "recurrent_activation \(g.recurrentActivation.kerasName), reset_after="
                        + "\(g.resetAfter ? "True: r multiplies h·U + b'" : "False: r multiplies h before U"), "
                        + "\(g.returnSequences ? "returns every step" : "returns the last step")"
                        + "\(g.goBackwards ? ", reads backwards" : "")"
                )
            case .simpleRNN(let r):
                lines.append(
                    "layer \(terminalSafe(r.name)): SimpleRNN, \(r.units) units, h = \(r.activation.kerasName)(x·W "
                        + "+ b + h·U), \(r.returnSequences ? "returns every step" : "returns the last step")"
                        + "\(r.goBackwards ? ", reads backwards" : "")"
                )
            case .dense(let d):
                lines.append(
                    "layer \(terminalSafe(d.name)): Dense, \(d.units) unit\(d.units == 1 ? "" : "s"), "
                        + "activation \(d.activation.kerasName)"
                )
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
            if case .lstm(let l) = layer {
                lines.append(
                    "  4·hu axis (columns of W, U, b): \(InspectReport.gateLayout(units: l.units))  i input gate, "
                        + "f forget gate, c̃ candidate, o output gate"
                )
            }
            if case .gru(let g) = layer {
                let u = g.units
                lines.append(
                    "  3·hu axis (columns of W, U, b): [ z 0–\(u - 1) | r \(u)–\(2 * u - 1) | h̃ "
                        + "\(2 * u)–\(3 * u - 1) ]  z update gate, r reset gate, h̃ candidate"
                )
            }
        }
        lines.append("")
        lines.append(
            model.provenance.foldedParameterCount == 0
                ? "total parameters: \(model.parameterCount)"
                : "total parameters: \(model.fileParameterCount) as PyTorch counts them "
                    + "(\(model.parameterCount) once bias_ih + bias_hh are one b)"
        )
        if !model.provenance.ignoredTensors.isEmpty {
            lines.append(
                "left out (--ignore-tensors), not replayed: "
                    + "\(model.provenance.ignoredTensors.map(terminalSafe).joined(separator: ", "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static let widths = [5, 17, 9, 12, 6, 8, 9, 9, 9, 9]

    /// The layers as listed: a Bidirectional wrapper, then its two directions.
    static func displayed(_ layers: [Layer]) -> [Layer] {
        layers.flatMap { layer -> [Layer] in
            if case .bidirectional(let b) = layer { return [layer, b.forward, b.backward] }
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
            case .lstm(let l):
                fields += [
                    "\"units\": \(l.units)", "\"activation\": \(JSONText.string(l.activation.kerasName))",
                    "\"recurrent_activation\": \(JSONText.string(l.recurrentActivation.kerasName))",
                    "\"recurrent_activation_formula\": \(JSONText.string(l.recurrentActivation.formula))",
                    "\"return_sequences\": \(l.returnSequences)", "\"go_backwards\": \(l.goBackwards)",
                    "\"gate_layout\": ["
                        + LSTMGate.allCases.map { g in
                            let r = g.columns(units: l.units)
                            return
                                "{\"gate\": \(JSONText.string(g.traceName)), "
                                + "\"columns\": [\(r.lowerBound), \(r.upperBound)]}"
                        }.joined(separator: ", ") + "]",
                ]
            case .gru(let g):
                fields += [
                    "\"units\": \(g.units)", "\"activation\": \(JSONText.string(g.activation.kerasName))",
                    "\"recurrent_activation\": \(JSONText.string(g.recurrentActivation.kerasName))",
                    "\"reset_after\": \(g.resetAfter)", "\"return_sequences\": \(g.returnSequences)",
                    "\"go_backwards\": \(g.goBackwards)",
                    "\"gate_layout\": ["
                        + ["z", "r", "h_tilde"].enumerated().map { k, name in
                            "{\"gate\": \(JSONText.string(name)), \"columns\": [\(k * g.units), \((k + 1) * g.units)]}"
                        }.joined(separator: ", ") + "]",
                ]
            case .simpleRNN(let r):
                fields += [
                    "\"units\": \(r.units)", "\"activation\": \(JSONText.string(r.activation.kerasName))",
                    "\"recurrent_activation\": null", "\"return_sequences\": \(r.returnSequences)",
                    "\"go_backwards\": \(r.goBackwards)",
                ]
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
