import Foundation

/// Reads a `.safetensors` file: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw data.
///
/// Every claim is checked against the file before anything is allocated: the header length,
/// each range inside the data section, each range's size against dtype × shape (with overflow
/// checks). Nothing in the file is executed; that is the point of the format.
enum SafetensorsReader {
    /// Headers are a few kilobytes; a larger claim is a damaged or hostile file.
    static let maximumHeader = 100 << 20

    /// Whether `data` starts like a safetensors file (a plausible length, then `{`).
    static func looksLike(_ data: Data) -> Bool {
        guard data.count >= 10, let length = headerLength(data) else { return false }
        return length >= 2 && data[data.startIndex + 8] == UInt8(ascii: "{")
    }

    /// The tensors in data order, as float arrays.
    static func read(_ data: Data, path: String) throws(LoadError) -> [(String, NDArray)] {
        func bad(_ problem: String) -> LoadError {
            LoadError(path, .invalidArray, "damaged safetensors file: \(problem)")
        }
        guard let length = headerLength(data), length <= maximumHeader, length <= data.count - 8 else {
            throw bad("the header length is larger than the file")
        }
        let header = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + length))
        try JSONBounds.check(header, path: path)
        guard let object = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        let base = 8 + length
        let available = data.count - base
        var tensors: [(offset: Int, end: Int, name: String, array: NDArray)] = []
        // In name order, so that of several faults the same one is reported on every run.
        for name in object.keys.sorted() where name != "__metadata__" {
            let value = object[name]!
            // Whole numbers only: a "5" or 5.5 in a shape is a damaged header, not a dimension to skip.
            func integers(_ key: String) -> [Int]? {
                guard let list = (value as? [String: Any])?[key] as? [Any] else { return nil }
                let numbers = list.compactMap(JSONValue.int)
                return numbers.count == list.count ? numbers : nil
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = integers("shape"), let range = integers("data_offsets"),
                range.count == 2, shape.allSatisfy({ $0 >= 0 })
            else { throw bad("tensor \(name) has no dtype, shape or data_offsets (lists of whole numbers)") }
            guard let size = elementSize(dtype) else {
                throw LoadError(
                    path, .invalidArray, "tensor \(name) has dtype \(dtype); lstmscope reads F16, BF16, F32 and F64")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d)
                return (p, acc.1 || o)
            }
            let bytes = count.multipliedReportingOverflow(by: size)
            guard !overflow, !bytes.overflow, range[0] >= 0, range[0] <= range[1], range[1] <= available,
                range[1] - range[0] == bytes.partialValue
            else {
                throw bad(
                    "tensor \(name) claims shape \(shape) of \(dtype) at bytes \(range) of a "
                        + "\(available)-byte data section"
                )
            }
            let values = data.withUnsafeBytes { raw in
                decode(
                    UnsafeRawBufferPointer(rebasing: raw[(base + range[0])..<(base + range[1])]), dtype: dtype,
                    count: count)
            }
            tensors.append((range[0], range[1], name, NDArray(shape: shape, values: values, dtype: dtypeName(dtype))))
        }
        // As the safetensors library requires: the tensors tile the data section, each starting
        // where the one before it ends, with no overlap (two tensors sharing bytes) and no gap.
        let ordered = tensors.sorted { ($0.offset, $0.name) < ($1.offset, $1.name) }
        var end = 0
        for tensor in ordered {
            guard tensor.offset == end else {
                throw bad(
                    tensor.offset < end
                        ? "tensor \(tensor.name) at byte \(tensor.offset) overlaps the tensor "
                            + "before it (which ends at \(end))"
                        : "\(tensor.offset - end) bytes before tensor \(tensor.name) belong to no tensor")
            }
            end = tensor.end
        }
        guard end == available else { throw bad("\(available - end) bytes after the last tensor belong to no tensor") }
        return ordered.map { ($0.name, $0.array) }
    }

    private static func headerLength(_ data: Data) -> Int? {
        guard data.count >= 8 else { return nil }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        return value <= UInt64(Int.max) ? Int(value) : nil
    }

    private static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F16", "BF16": 2
        case "F32": 4
        case "F64": 8
        default: nil
        }
    }

    private static func dtypeName(_ dtype: String) -> String {
        ["F16": "float16", "BF16": "bfloat16", "F32": "float32", "F64": "float64"][dtype] ?? dtype
    }

    /// Little-endian values of `dtype` as Float.
    private static func decode(_ raw: UnsafeRawBufferPointer, dtype: String, count: Int) -> [Float] {
        (0..<count).map { i -> Float in
            switch dtype {
            case "F16":
                Float(
                    Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                )
            case "BF16":
                Float(
                    bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                        << 16)
            case "F64":
                Float(
                    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            default: Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        }
    }
}
