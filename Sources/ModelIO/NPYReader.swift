import Foundation

/// Parses NumPy `.npy` bytes (format versions 1–3) into an ``NDArray``.
///
/// Floats (`f2`, `f4`, `f8`) and integers of either byte order are accepted; object arrays are
/// refused because reading them would mean unpickling. The header's shape is checked against the
/// bytes that follow before anything is allocated for it.
enum NPYReader {
    static let magic = Data([0x93]) + Data("NUMPY".utf8)

    /// Parses `data`; `path` and `entry` name the array in messages.
    static func parse(_ data: Data, path: String, entry: String? = nil) throws(LoadError) -> NDArray {
        let layout = try self.layout(data, path: path, entry: entry)
        var values = layout.values(data, from: 0, count: layout.count)
        if layout.fortranOrder && layout.shape.count >= 2 {
            values = fromFortranOrder(values, shape: layout.shape)
        }
        return NDArray(shape: layout.shape, values: values, dtype: layout.dtypeName)
    }

    /// Where an array's values are in `.npy` bytes and how to read them, after checking the
    /// header and that the bytes hold every value the shape claims.
    struct Layout: Sendable {
        let shape: [Int]
        let count: Int
        let fortranOrder: Bool
        let itemSize: Int
        let dtypeName: String
        /// Offset of the first value from the data's start.
        let payloadStart: Int
        fileprivate let decode: @Sendable (UnsafeRawBufferPointer, Int) -> Float

        /// Values `from ..< from + count` (in storage order) of the array in `data`, as Float.
        func values(_ data: Data, from: Int, count: Int) -> [Float] {
            var values = [Float](repeating: 0, count: count)
            let start = data.startIndex + payloadStart + from * itemSize
            data[start..<(start + count * itemSize)].withUnsafeBytes { raw in
                for i in 0..<count { values[i] = decode(raw, i * itemSize) }
            }
            return values
        }
    }

    /// The layout of the array in `data`; `path` and `entry` name it in messages.
    static func layout(_ data: Data, path: String, entry: String? = nil) throws(LoadError) -> Layout {
        let what = entry.map { "array \($0)" } ?? "the .npy data"
        func fail(_ problem: String) -> LoadError { LoadError(path, .invalidArray, "\(what): \(problem)") }

        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, data.prefix(6) == magic else { throw fail("not a NumPy .npy array (bad magic bytes)") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major)")
        }
        guard headerLength <= 1 << 20, headerStart + headerLength <= data.count else { throw fail("truncated header") }
        let start = data.startIndex
        let header = String(decoding: data[start + headerStart..<start + headerStart + headerLength], as: UTF8.self)
        let fields = try parseHeader(header, fail: fail)

        let (count, overflow) = fields.shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        let body = data.count - headerStart - headerLength
        let (needed, overflow2) = count.multipliedReportingOverflow(by: fields.itemSize)
        guard !overflow, !overflow2, needed <= body else {
            throw fail(
                "header claims shape \(fields.shape) (\(overflow || overflow2 ? "too many" : String(needed)) bytes) "
                    + "but the file holds \(body) bytes of data"
            )
        }
        return Layout(
            shape: fields.shape, count: count, fortranOrder: fields.fortranOrder, itemSize: fields.itemSize,
            dtypeName: fields.dtypeName, payloadStart: headerStart + headerLength, decode: fields.decode)
    }

    private struct Header {
        var shape: [Int]
        var fortranOrder: Bool
        var itemSize: Int
        var dtypeName: String
        var decode: @Sendable (UnsafeRawBufferPointer, Int) -> Float
    }

    private static func parseHeader(_ header: String, fail: (String) -> LoadError) throws(LoadError) -> Header {
        guard let fields = NPYHeaderDictionary(header) else {
            throw fail(
                "the header is not the dictionary NumPy writes "
                    + "({'descr': …, 'fortran_order': …, 'shape': (…)} then spaces): \(terminalPreview(header))")
        }
        guard case .text(let descr)? = fields.values["descr"],
            case .flag(let fortran)? = fields.values["fortran_order"],
            case .tuple(let shape)? = fields.values["shape"], fields.values.count == 3
        else {
            throw fail(
                "the header must hold exactly descr (a string), fortran_order (True or False) "
                    + "and shape (a tuple), as NumPy requires: \(terminalPreview(header))")
        }
        guard descr.count >= 3 else { throw fail("unsupported dtype \(descr)") }
        let order = descr.first!
        let bigEndian = order == ">"
        let code = descr.dropFirst().first!
        guard let size = Int(descr.dropFirst(2)) else { throw fail("unsupported dtype \(descr)") }
        let decode: @Sendable (UnsafeRawBufferPointer, Int) -> Float
        let name: String
        switch (code, size) {
        case ("f", 2):
            name = "float16"
            decode = { raw, o in Float(Float16(bitPattern: load(UInt16.self, raw, o, bigEndian))) }
        case ("f", 4):
            name = "float32"
            decode = { raw, o in Float(bitPattern: load(UInt32.self, raw, o, bigEndian)) }
        case ("f", 8):
            name = "float64"
            decode = { raw, o in Float(Double(bitPattern: load(UInt64.self, raw, o, bigEndian))) }
        case ("i", 1): name = "int8"; decode = { raw, o in Float(Int8(bitPattern: raw[o])) }
        case ("u", 1): name = "uint8"; decode = { raw, o in Float(raw[o]) }
        case ("i", 2):
            name = "int16"; decode = { raw, o in Float(Int16(bitPattern: load(UInt16.self, raw, o, bigEndian))) }
        case ("i", 4):
            name = "int32"; decode = { raw, o in Float(Int32(bitPattern: load(UInt32.self, raw, o, bigEndian))) }
        case ("i", 8):
            name = "int64"; decode = { raw, o in Float(Int64(bitPattern: load(UInt64.self, raw, o, bigEndian))) }
        case ("O", _): throw fail("object arrays are refused (reading them would mean unpickling, which runs code)")
        default: throw fail("unsupported dtype \(descr); use float16, float32 or float64")
        }
        return Header(shape: shape, fortranOrder: fortran, itemSize: size, dtypeName: name, decode: decode)
    }

    private static func load<T: FixedWidthInteger>(
        _: T.Type, _ raw: UnsafeRawBufferPointer, _ offset: Int, _ bigEndian: Bool
    ) -> T {
        let v = raw.loadUnaligned(fromByteOffset: offset, as: T.self)
        return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
    }

    private static func fromFortranOrder(_ values: [Float], shape: [Int]) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        let rank = shape.count
        var index = [Int](repeating: 0, count: rank)
        for flat in 0..<values.count {
            // `flat` walks the C-order index; compute its Fortran-order offset.
            var offset = 0, stride = 1
            for axis in 0..<rank { offset += index[axis] * stride; stride *= shape[axis] }
            out[flat] = values[offset]
            var axis = rank - 1
            while axis >= 0 { index[axis] += 1; if index[axis] < shape[axis] { break }; index[axis] = 0; axis -= 1 }
        }
        return out
    }
}
