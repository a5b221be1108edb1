import Foundation
import LSTMCore

/// Theirs in lstmscope's own trace forms, the JSON of `trace --format json` and the CSV of
/// `trace --format csv`, with any subset of layers, steps, vectors (and, in CSV, units), read
/// as a stream: a full trace of a long window is gigabytes and is never held.
public struct TheirsFile: TheirsStream, Sendable {
    enum Format: Sendable { case json, csv }

    let path: String
    let data: Data
    let format: Format
    let model: Model
    let steps: Int

    public func forEach(
        vector: (TheirValues.Key, [Float?]) throws -> Void, output: ([Float]) throws -> Void
    ) throws {
        var given = 0
        var hadOutput = false
        let count = { (key: TheirValues.Key, values: [Float?]) throws in
            given += 1
            try vector(key, values)
        }
        let out = { (values: [Float]) throws in
            hadOutput = true
            try output(values)
        }
        switch format {
        case .json: try TraceJSONReader(file: self).read(vector: count, output: out)
        case .csv: try readCSV(vector: count, output: out)
        }
        guard given > 0 || hadOutput else {
            throw LoadError(path, .badInput, "a trace with no steps and no output: nothing to compare")
        }
    }

    /// Checks an output theirs gave against the model's.
    func checkOutput(_ values: [Float]) throws {
        let expected = try TheirsLoader.outputCount(model, steps: steps)
        guard values.count == expected else {
            throw TheirsLoader.Mismatch(
                message: "\(path): theirs gives \(values.count) output values; the model's output has \(expected)")
        }
    }

    private func readCSV(vector: (TheirValues.Key, [Float?]) throws -> Void, output: ([Float]) throws -> Void) throws {
        let traced = model.traced
        var outputs: [Int: Float] = [:]
        var seen: Set<TheirValues.Key> = []
        // Rows of one vector come together; they are handed on when the next vector starts.
        var pending: (key: TheirValues.Key, values: [Float?])?
        func flush() throws {
            if let p = pending { try vector(p.key, p.values) }
            pending = nil
        }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineNumber = 0
            var start = 0
            var released = 0
            while start < bytes.count {
                // A mapped trace of gigabytes gives its pages back as it is read.
                if start - released >= 4 << 20, let base = bytes.baseAddress {
                    MappedFile.release(UnsafeRawPointer(base) + released, count: start - released)
                    released = start
                }
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                lineNumber += 1
                defer { start = end + 1 }
                var stop = end
                if stop > start && bytes[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
                if lineNumber == 1 || stop == start { continue }
                let fields = try csvFields(bytes, start..<stop, line: lineNumber)
                guard fields.count == 5 else {
                    throw LoadError(
                        path, .badInput, "line \(lineNumber) has \(fields.count) fields, not layer,t,vector,unit,value")
                }
                let text = { (k: Int) in String(decoding: bytes[fields[k]], as: UTF8.self) }
                guard let unit = Int(text(3)), unit >= 0 else {
                    throw LoadError(
                        path, .badInput, "line \(lineNumber): unit \"\(text(3).prefix(30))\" is not a count")
                }
                guard let value = Numbers.float(bytes, fields[4]) else {
                    throw LoadError(
                        path, .badInput, "line \(lineNumber): value \"\(text(4).prefix(30))\" is not a number")
                }
                let layerText = text(0).replacingOccurrences(of: "\"\"", with: "\"")
                let tText = text(1), vectorText = text(2)
                if layerText == "output" && tText.isEmpty {
                    guard outputs.updateValue(value, forKey: unit) == nil else {
                        throw LoadError(path, .badInput, "line \(lineNumber): output unit \(unit) is given twice")
                    }
                    continue
                }
                if vectorText == "x" || vectorText == "masked" { continue }
                let slash = layerText.lastIndex(of: "/")
                let direction = slash.map { String(layerText[layerText.index(after: $0)...]) }
                let bidirectional = direction == "forward" || direction == "backward"
                let name = bidirectional ? String(layerText[..<slash!]) : layerText
                let index = try TheirsLoader.tracedIndex(
                    model, name: name, direction: bidirectional ? direction : nil, path: path)
                guard let t = Int(tText), (0..<steps).contains(t) else {
                    throw TheirsLoader.Mismatch(
                        message:
                            "\(path): line \(lineNumber) has t = \(tText.prefix(30)); the window has \(steps) steps")
                }
                let vectorName = try TheirsLoader.vectorName(vectorText, model, layer: index, path: path)
                let units = traced[index].units
                guard unit < units else {
                    throw TheirsLoader.Mismatch(
                        message:
                            "\(path): line \(lineNumber) is unit \(unit) of layer "
                            + "\(TheirsLoader.describe(traced[index])), "
                            + "which has \(units)")
                }
                let key = TheirValues.Key(layer: index, t: t, vector: vectorName)
                if pending?.key != key {
                    try flush()
                    guard seen.insert(key).inserted else {
                        throw LoadError(path, .badInput, "line \(lineNumber): \(vectorText) at t = \(t) is given again")
                    }
                    pending = (key, [Float?](repeating: nil, count: units))
                }
                guard pending!.values[unit] == nil else {
                    throw LoadError(path, .badInput, "line \(lineNumber): that value is given twice")
                }
                pending!.values[unit] = value
            }
        }
        try flush()
        if !outputs.isEmpty {
            let expected = try TheirsLoader.outputCount(model, steps: steps)
            guard outputs.keys.sorted() == Array(0..<expected) else {
                throw TheirsLoader.Mismatch(
                    message: "\(path): theirs gives output units \(outputs.count) of \(expected), not all of them")
            }
            try output((0..<expected).map { outputs[$0]! })
        }
    }

    /// The fields of one CSV line as byte ranges, quotes taken off; a quoted field may hold
    /// commas and doubled quotes (the caller undoubles them in the layer name).
    private func csvFields(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, line number: Int) throws
        -> [Range<Int>]
    {
        var fields: [Range<Int>] = []
        var i = line.lowerBound
        while true {
            if i < line.upperBound && bytes[i] == UInt8(ascii: "\"") {
                var j = i + 1
                // A doubled quote inside is a quote of the name (`csvField` writes them so).
                while j < line.upperBound {
                    if bytes[j] == UInt8(ascii: "\"") {
                        guard j + 1 < line.upperBound, bytes[j + 1] == UInt8(ascii: "\"") else { break }
                        j += 1
                    }
                    j += 1
                }
                guard j < line.upperBound else {
                    throw LoadError(path, .badInput, "line \(number) has a quote that is never closed")
                }
                fields.append(i + 1..<j)
                i = j + 1
            } else {
                var j = i
                while j < line.upperBound && bytes[j] != UInt8(ascii: ",") { j += 1 }
                fields.append(i..<j)
                i = j
            }
            guard i < line.upperBound, bytes[i] == UInt8(ascii: ",") else { break }
            i += 1
            if fields.count > 5 { break }
        }
        return fields
    }
}

/// Numbers as lstmscope's traces write them: plain decimals, and `NaN`, `Infinity`, `-Infinity`.
enum Numbers {
    nonisolated(unsafe) private static let cLocale = newlocale(1 << LC_NUMERIC, "C", nil)

    static func float(_ bytes: UnsafeBufferPointer<UInt8>, _ cell: Range<Int>) -> Float? {
        guard !cell.isEmpty, cell.count <= 64 else { return nil }
        if let fast = DecimalFastPath.float(bytes, cell) { return fast }
        switch String(decoding: bytes[cell], as: UTF8.self) {
        case "NaN", "nan": return .nan
        case "Infinity", "inf": return .infinity
        case "-Infinity", "-inf": return -.infinity
        default: break
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 66) { buffer -> Float? in
            for (k, i) in cell.enumerated() { buffer[k] = CChar(bitPattern: bytes[i]) }
            buffer[cell.count] = 0
            let previous = uselocale(cLocale)
            defer { uselocale(previous) }
            var end: UnsafeMutablePointer<CChar>?
            let value = strtof(buffer.baseAddress!, &end)
            guard let end, end - buffer.baseAddress! == cell.count else { return nil }
            return value
        }
    }
}
