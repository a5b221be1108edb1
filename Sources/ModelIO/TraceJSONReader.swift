import Foundation
import LSTMCore

/// Reads lstmscope's trace JSON (`trace --format json`) one step at a time, as a stream: a full
/// trace of a long window is gigabytes, and Foundation's parser would hold all of it, as
/// objects, several times over.
///
/// The reader knows only the trace's schema and checks every byte it takes: objects with no key
/// twice, nesting at most 64 deep, strings at most 1 MiB, numbers as `trace` writes them (and
/// `NaN`, `Infinity`). A layer's `name` and `direction` come before its `steps`, and a step's
/// `t` before its vectors, as `trace` writes them; anything else is refused, not guessed.
struct TraceJSONReader {
    let file: TheirsFile

    func read(vector: (TheirValues.Key, [Float?]) throws -> Void, output: ([Float]) throws -> Void) throws {
        try file.data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var s = JSONScanner(bytes: raw.bindMemory(to: UInt8.self), path: file.path)
            var layer = 0
            try s.object { s, key in
                switch key {
                case "layers":
                    try s.array { s in
                        try readLayer(&s, position: layer, vector: vector)
                        layer += 1
                    }
                case "output":
                    let values = try s.flatNumbers(depth: 0)
                    try file.checkOutput(values)
                    try output(values)
                case "input", "output_shape", "expect": try s.skipValue()
                default: throw s.failure("a trace JSON with an unknown key \"\(key.prefix(40))\" at the top")
                }
            }
            s.skipWhitespace()
            guard s.atEnd else { throw s.failure("more after the trace's closing brace") }
        }
    }

    private func readLayer(_ s: inout JSONScanner, position: Int, vector: (TheirValues.Key, [Float?]) throws -> Void)
        throws
    {
        var name: String?, direction: String?
        var index: Int?
        var units: Int?
        var sawSteps = false
        try s.object { s, key in
            switch key {
            case "name": name = try s.string()
            case "direction": direction = try s.string()
            case "type", "merge_mode": try s.skipValue()
            // Checked once the layer is known: `trace` writes units before a half's direction.
            case "units": units = try s.int()
            case "steps":
                sawSteps = true
                let i = try resolve(name, direction, &index, position: position, s: s)
                try check(units, layer: i)
                var k = 0
                try s.array { s in
                    try readStep(&s, layer: i, at: "layers[\(position)].steps[\(k)]", vector: vector)
                    s.releaseRead()
                    k += 1
                }
            default: throw s.failure("layers[\(position)] has an unknown key \"\(key.prefix(40))\"")
            }
        }
        guard sawSteps else { throw s.failure("layers[\(position)] has no \"steps\" list") }
        if let index { try check(units, layer: index) }
    }

    private func check(_ units: Int?, layer i: Int) throws {
        guard let units, units != file.model.traced[i].units else { return }
        throw TheirsLoader.Mismatch(
            message:
                "\(file.path): theirs says layer \(TheirsLoader.describe(file.model.traced[i])) has \(units) units; "
                + "the model's has \(file.model.traced[i].units)")
    }

    /// The traced layer `name` (and `direction`) names, once; the name must come first.
    private func resolve(_ name: String?, _ direction: String?, _ index: inout Int?, position: Int, s: JSONScanner)
        throws -> Int
    {
        if let index { return index }
        guard let name else { throw s.failure("layers[\(position)] gives its steps or units before its \"name\"") }
        let found = try TheirsLoader.tracedIndex(file.model, name: name, direction: direction, path: file.path)
        index = found
        return found
    }

    private func readStep(
        _ s: inout JSONScanner, layer: Int, at: String, vector: (TheirValues.Key, [Float?]) throws -> Void
    ) throws {
        var t: Int?
        let units = file.model.traced[layer].units
        try s.object { s, key in
            switch key {
            case "t":
                let value = try s.int()
                guard (0..<file.steps).contains(value) else {
                    throw TheirsLoader.Mismatch(
                        message: "\(file.path): \(at) is t = \(value), but the window has \(file.steps) steps")
                }
                t = value
            case "x", "masked": try s.skipValue()
            default:
                let name = try TheirsLoader.vectorName(key, file.model, layer: layer, path: file.path)
                guard let t else { throw s.failure("\(at) gives \(key) before its \"t\"") }
                let values = try s.numbers()
                guard values.count == units else {
                    throw TheirsLoader.Mismatch(
                        message: "\(file.path): \(at).\(key) has \(values.count) values; the layer has \(units) units")
                }
                try vector(TheirValues.Key(layer: layer, t: t, vector: name), values)
            }
        }
        guard t != nil else { throw s.failure("\(at) has no integer \"t\"") }
    }
}

/// A bounds-checked walk over JSON bytes, for ``TraceJSONReader``.
struct JSONScanner {
    static let maximumDepth = 64
    static let maximumStringBytes = 1 << 20

    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    private(set) var i = 0
    private var depth = 0
    /// Bytes before this have been handed back to the kernel (a mapped file's pages).
    private var released = 0

    init(bytes: UnsafeBufferPointer<UInt8>, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var atEnd: Bool { i >= bytes.count }

    /// Gives the pages read so far back to the kernel, every 4 MiB: a mapped trace of gigabytes
    /// would otherwise stay resident as it is read.
    mutating func releaseRead() {
        guard i - released >= 4 << 20, let base = bytes.baseAddress else { return }
        MappedFile.release(UnsafeRawPointer(base) + released, count: i - released)
        released = i
    }

    func failure(_ problem: String) -> LoadError { LoadError(path, .badInput, "\(problem) (JSON byte \(i))") }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func take(_ c: UInt8) -> Bool {
        skipWhitespace()
        guard i < bytes.count, bytes[i] == c else { return false }
        i += 1
        return true
    }

    private mutating func expect(_ c: UInt8, _ what: String) throws {
        guard take(c) else { throw failure(atEnd ? "the JSON ends early (a truncated file?)" : "expected \(what)") }
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("JSON nested more than \(Self.maximumDepth) deep") }
    }

    /// An object: `body` reads each key's value (and must read all of it).
    mutating func object(_ body: (inout JSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "an object")
        try enter()
        defer { depth -= 1 }
        if take(UInt8(ascii: "}")) { return }
        var keys: Set<String> = []
        repeat {
            skipWhitespace()
            let key = try string()
            guard keys.insert(key).inserted else { throw failure("an object names \"\(key.prefix(40))\" twice") }
            try expect(UInt8(ascii: ":"), "a colon after a key")
            try body(&self, key)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"), "a comma or the end of the object")
    }

    /// A list: `body` reads each element.
    mutating func array(_ body: (inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "a list")
        try enter()
        defer { depth -= 1 }
        if take(UInt8(ascii: "]")) { return }
        repeat { try body(&self) } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"), "a comma or the end of the list")
    }

    /// A string, escapes decoded.
    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""), "a string")
        let start = i
        var escaped = false
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") {
                escaped = true
                i += 1
            }
            i += 1
            guard i - start <= Self.maximumStringBytes else { throw failure("a string over 1 MiB") }
        }
        guard i < bytes.count else { throw failure("the JSON ends inside a string (a truncated file?)") }
        let raw = Data(bytes[start..<i])
        i += 1
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        // Escapes are rare in a trace (a layer name with a quote): Foundation decodes them.
        guard let list = try? JSONSerialization.jsonObject(with: Data("[\"".utf8) + raw + Data("\"]".utf8)) as? [Any],
            let text = list.first as? String
        else { throw failure("a string with a broken escape") }
        return text
    }

    /// The token at `i` (a number or a literal) as a byte range.
    private mutating func token() -> Range<Int> {
        skipWhitespace()
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            let isPart =
                (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A)
            guard isPart, i - start < 64 else { break }
            i += 1
        }
        return start..<i
    }

    mutating func number() throws -> Float {
        let cell = token()
        guard let value = Numbers.float(bytes, cell) else {
            throw failure(atEnd ? "the JSON ends early (a truncated file?)" : "expected a number")
        }
        return value
    }

    mutating func int() throws -> Int {
        let cell = token()
        guard let value = Int(String(decoding: bytes[cell], as: UTF8.self)) else {
            throw failure("expected an integer")
        }
        return value
    }

    /// A list of numbers.
    mutating func numbers() throws -> [Float?] {
        var out: [Float?] = []
        try array { s in out.append(try s.number()) }
        return out
    }

    /// Numbers in lists nested up to 4 deep, flattened (an output of shape (T, yu)).
    mutating func flatNumbers(depth level: Int) throws -> [Float] {
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "["), level < 4 else { return [try number()] }
        var out: [Float] = []
        try array { s in out += try s.flatNumbers(depth: level + 1) }
        return out
    }

    /// Any value, not kept.
    mutating func skipValue() throws {
        skipWhitespace()
        guard i < bytes.count else { throw failure("the JSON ends early (a truncated file?)") }
        switch bytes[i] {
        case UInt8(ascii: "{"): try object { s, _ in try s.skipValue() }
        case UInt8(ascii: "["): try array { s in try s.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        default:
            let cell = token()
            let text = String(decoding: bytes[cell], as: UTF8.self)
            guard ["true", "false", "null"].contains(text) || Numbers.float(bytes, cell) != nil else {
                throw failure("expected a value")
            }
        }
    }
}
