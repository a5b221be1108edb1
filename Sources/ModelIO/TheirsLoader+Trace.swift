import Foundation
import LSTMCore

/// Theirs in lstmscope's own trace forms: the JSON of `trace --format json` and the CSV of
/// `trace --format csv`, with any subset of layers, steps, vectors (and, in CSV, units).
extension TheirsLoader {
    static func traceJSON(_ object: [String: Any], path: String, model: Model, steps: Int) throws -> Content {
        let known: Set = ["input", "layers", "output", "output_shape", "expect"]
        if let odd = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw LoadError(path, .badInput, "a trace JSON with an unknown key \"\(odd)\" at the top")
        }
        guard let layers = object["layers"] as? [Any] else {
            throw LoadError(path, .badInput, "a trace JSON whose \"layers\" is not a list")
        }
        var theirs = TheirValues()
        for (position, item) in layers.enumerated() {
            guard let entry = item as? [String: Any], let name = entry["name"] as? String else {
                throw LoadError(path, .badInput, "layers[\(position)] is not an object with a \"name\"")
            }
            let index = try tracedIndex(model, name: name, direction: entry["direction"] as? String, path: path)
            let traced = model.traced[index]
            if let units = entry["units"], JSONValue.int(units) != traced.units {
                throw Mismatch(
                    message:
                        "\(path): theirs says layer \(describe(traced)) has \(JSONValue.describe(units)) units; "
                        + "the model's has \(traced.units)")
            }
            guard let list = entry["steps"] as? [Any] else {
                throw LoadError(path, .badInput, "layers[\(position)] (\(name)) has no \"steps\" list")
            }
            for (k, stepItem) in list.enumerated() {
                let at = "layers[\(position)].steps[\(k)]"
                guard let step = stepItem as? [String: Any], let tValue = step["t"], let t = JSONValue.int(tValue)
                else { throw LoadError(path, .badInput, "\(at) is not an object with an integer \"t\"") }
                guard (0..<steps).contains(t) else {
                    throw Mismatch(message: "\(path): \(at) is t = \(t), but the window has \(steps) steps")
                }
                for (key, value) in step where key != "t" && key != "x" && key != "masked" {
                    let vector = try vectorName(key, model, layer: index, path: path)
                    let values = try numbers(value, count: traced.units, at: "\(at).\(key)", path: path)
                    guard theirs.set(TheirValues.Key(layer: index, t: t, vector: vector), to: values) else {
                        throw LoadError(path, .badInput, "\(at): \(key) at t = \(t) of \(name) is given twice")
                    }
                }
            }
        }
        if let output = object["output"] {
            theirs.output = try flatNumbers(output, at: "output", path: path)
            let expected = try outputCount(model, steps: steps)
            guard theirs.output!.count == expected else {
                throw Mismatch(
                    message:
                        "\(path): theirs gives \(theirs.output!.count) output values; "
                        + "the model's output has \(expected)"
                )
            }
        }
        guard theirs.hasSteps || theirs.output != nil else {
            throw LoadError(path, .badInput, "a trace JSON with no steps and no output: nothing to compare")
        }
        return .values(theirs, description: "a trace JSON: " + summary(theirs, model))
    }

    static func traceCSV(_ data: Data, path: String, model: Model, steps: Int) throws -> Content {
        var theirs = TheirValues()
        var output: [Int: Float] = [:]
        let traced = model.traced
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if lineNumber == 1 { continue }
            var text = String(decoding: line, as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            if text.isEmpty { continue }
            let fields = try csvFields(text, line: lineNumber, path: path)
            guard fields.count == 5 else {
                throw LoadError(
                    path, .badInput, "line \(lineNumber) has \(fields.count) fields, not layer,t,vector,unit,value")
            }
            guard let unit = Int(fields[3]), unit >= 0 else {
                throw LoadError(path, .badInput, "line \(lineNumber): unit \"\(fields[3])\" is not a count")
            }
            guard let value = Float(fields[4]) ?? special(fields[4]) else {
                throw LoadError(path, .badInput, "line \(lineNumber): value \"\(fields[4])\" is not a number")
            }
            if fields[0] == "output" && fields[1].isEmpty {
                guard output.updateValue(value, forKey: unit) == nil else {
                    throw LoadError(path, .badInput, "line \(lineNumber): output unit \(unit) is given twice")
                }
                continue
            }
            if fields[2] == "x" || fields[2] == "masked" { continue }
            let slash = fields[0].lastIndex(of: "/")
            let direction = slash.map { String(fields[0][fields[0].index(after: $0)...]) }
            let bidirectional = direction == "forward" || direction == "backward"
            let name = bidirectional ? String(fields[0][..<slash!]) : fields[0]
            let index = try tracedIndex(model, name: name, direction: bidirectional ? direction : nil, path: path)
            guard let t = Int(fields[1]), (0..<steps).contains(t) else {
                throw Mismatch(
                    message: "\(path): line \(lineNumber) has t = \(fields[1]); the window has \(steps) steps")
            }
            let vector = try vectorName(fields[2], model, layer: index, path: path)
            guard unit < traced[index].units else {
                throw Mismatch(
                    message:
                        "\(path): line \(lineNumber) is unit \(unit) of layer \(describe(traced[index])), which has "
                        + "\(traced[index].units)")
            }
            guard
                theirs.set(
                    TheirValues.Key(layer: index, t: t, vector: vector), unit: unit, of: traced[index].units, to: value)
            else { throw LoadError(path, .badInput, "line \(lineNumber): that value is given twice") }
        }
        if !output.isEmpty {
            let expected = try outputCount(model, steps: steps)
            guard output.keys.sorted() == Array(0..<expected) else {
                throw Mismatch(
                    message: "\(path): theirs gives output units \(output.count) of \(expected), not all of them")
            }
            theirs.output = (0..<expected).map { output[$0]! }
        }
        guard theirs.hasSteps || theirs.output != nil else {
            throw LoadError(path, .badInput, "a trace CSV with no rows: nothing to compare")
        }
        return .values(theirs, description: "a trace CSV: " + summary(theirs, model))
    }

    /// `3 layers, 12 steps, vectors h c, and the output`.
    static func summary(_ theirs: TheirValues, _ model: Model) -> String {
        let keys = theirs.vectors.keys
        let layers = Set(keys.map(\.layer)).count, steps = Set(keys.map(\.t)).count
        let vectors = VectorName.allCases.filter { v in keys.contains { $0.vector == v } }.map(\.rawValue)
        var parts: [String] = []
        if !keys.isEmpty {
            parts.append(
                "\(layers) layer\(layers == 1 ? "" : "s"), \(steps) step\(steps == 1 ? "" : "s"), vectors "
                    + vectors.joined(separator: " "))
        }
        if theirs.output != nil { parts.append("the output") }
        return parts.joined(separator: ", and ")
    }

    /// NaN and ±inf as `trace` writes them.
    private static func special(_ s: String) -> Float? {
        switch s {
        case "NaN", "nan": .nan
        case "Infinity", "inf": .infinity
        case "-Infinity", "-inf": -.infinity
        default: nil
        }
    }

    private static func numbers(_ value: Any, count: Int, at: String, path: String) throws -> [Float] {
        guard let list = value as? [Any] else { throw LoadError(path, .badInput, "\(at) is not a list of numbers") }
        guard list.count == count else {
            throw Mismatch(message: "\(path): \(at) has \(list.count) values; the layer has \(count) units")
        }
        return try list.map { item in
            guard let number = JSONValue.number(item) else {
                throw LoadError(path, .badInput, "\(at) holds \(JSONValue.describe(item)), not a number")
            }
            return Float(number)
        }
    }

    private static func flatNumbers(_ value: Any, at: String, path: String, depth: Int = 0) throws -> [Float] {
        if let list = value as? [Any], depth < 4 {
            return try list.flatMap { try flatNumbers($0, at: at, path: path, depth: depth + 1) }
        }
        guard let number = JSONValue.number(value) else {
            throw LoadError(path, .badInput, "\(at) holds \(JSONValue.describe(value)), not a number")
        }
        return [Float(number)]
    }

    /// The fields of one CSV line; a field in quotes may hold commas and doubled quotes.
    private static func csvFields(_ line: String, line number: Int, path: String) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    var lookahead = chars
                    if lookahead.next() == "\"" {
                        field.append("\"")
                        chars = lookahead
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
                wasQuoted = false
            } else {
                field.append(c)
            }
        }
        if quoted { throw LoadError(path, .badInput, "line \(number) has a quote that is never closed") }
        fields.append(field)
        return fields
    }
}
