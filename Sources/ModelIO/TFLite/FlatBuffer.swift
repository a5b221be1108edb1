/// A bounds-checked reader of a FlatBuffers buffer (the format `.tflite` files are in).
///
/// FlatBuffers are offsets into one byte array: a table starts with a signed offset back to its
/// vtable, the vtable lists each field's offset in the table, and a field that refers to a
/// table, vector or string holds an unsigned offset forward from itself. Every one of those is
/// checked here before it is followed, so a damaged or hostile file can only make a read fail
/// with a ``FlatBufferError``, never read outside the bytes or allocate more than they hold.
struct FlatBuffer {
    let bytes: [UInt8]
    /// Bytes the vectors read so far may still take: a file whose tables all point at the same
    /// data (legal in FlatBuffers) would otherwise decode to far more than it holds.
    let budget: Budget

    /// What is left to decode, shared by every table of one buffer.
    final class Budget {
        var remaining: Int
        init(_ remaining: Int) { self.remaining = remaining }
    }

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        budget = Budget(2 * bytes.count + (1 << 16))
    }

    /// The root table (the uoffset at byte 0).
    func root() throws(FlatBufferError) -> FlatTable {
        try FlatTable(self, at: try offset(from: 0), what: "the root table")
    }

    /// The four-character file identifier after the root offset, if the buffer has one.
    var identifier: String? {
        guard bytes.count >= 8 else { return nil }
        return String(decoding: bytes[4..<8], as: UTF8.self)
    }

    func check(_ position: Int, _ length: Int, _ what: String) throws(FlatBufferError) {
        guard position >= 0, length >= 0, position <= bytes.count, length <= bytes.count - position else {
            throw FlatBufferError("\(what) at byte \(position) (\(length) bytes) lies past the end of the file")
        }
    }

    /// The little-endian integer at byte `p`, after checking that it lies in the buffer.
    func integer<T: FixedWidthInteger>(_ p: Int, as _: T.Type) throws(FlatBufferError) -> T {
        let size = MemoryLayout<T>.size
        try check(p, size, "a \(8 * size)-bit field")
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: p, as: T.self)) }
    }

    func uint8(_ p: Int) throws(FlatBufferError) -> UInt8 { try integer(p, as: UInt8.self) }
    func uint16(_ p: Int) throws(FlatBufferError) -> UInt16 { try integer(p, as: UInt16.self) }
    func uint32(_ p: Int) throws(FlatBufferError) -> UInt32 { try integer(p, as: UInt32.self) }
    func uint64(_ p: Int) throws(FlatBufferError) -> UInt64 { try integer(p, as: UInt64.self) }

    /// The position an unsigned offset stored at `p` points to.
    func offset(from p: Int) throws(FlatBufferError) -> Int {
        let target = p + Int(try uint32(p))
        try check(target, 0, "an offset's target")
        return target
    }
}

/// What went wrong reading a FlatBuffers buffer, for a person.
struct FlatBufferError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// One table of a ``FlatBuffer``: its fields by id, each read only when asked for.
struct FlatTable {
    let buffer: FlatBuffer
    let position: Int
    private let vtable: Int
    private let vtableLength: Int
    private let tableLength: Int

    init(_ buffer: FlatBuffer, at position: Int, what: String) throws(FlatBufferError) {
        self.buffer = buffer
        self.position = position
        let back = Int(Int32(bitPattern: try buffer.uint32(position)))
        let vtable = position - back
        let vtableLength = Int(try buffer.uint16(vtable))
        let tableLength = Int(try buffer.uint16(vtable + 2))
        guard vtableLength >= 4, vtableLength % 2 == 0, tableLength >= 4 else {
            throw FlatBufferError("\(what) at byte \(position) has a damaged vtable (length \(vtableLength))")
        }
        try buffer.check(vtable, vtableLength, "the vtable of \(what)")
        try buffer.check(position, tableLength, what)
        self.vtable = vtable
        self.vtableLength = vtableLength
        self.tableLength = tableLength
    }

    /// The position of field `id` in the table, or nil when the file leaves it out (its default).
    func field(_ id: Int, size: Int) throws(FlatBufferError) -> Int? {
        let entry = 4 + 2 * id
        guard entry + 2 <= vtableLength else { return nil }
        let offset = Int(try buffer.uint16(vtable + entry))
        guard offset != 0 else { return nil }
        guard offset + size <= tableLength else {
            throw FlatBufferError("field \(id) of the table at byte \(position) lies outside the table")
        }
        return position + offset
    }

    func uint8(_ id: Int, default value: UInt8 = 0) throws(FlatBufferError) -> UInt8 {
        guard let p = try field(id, size: 1) else { return value }
        return try buffer.uint8(p)
    }

    func int8(_ id: Int, default value: Int8 = 0) throws(FlatBufferError) -> Int8 {
        Int8(bitPattern: try uint8(id, default: UInt8(bitPattern: value)))
    }

    func bool(_ id: Int) throws(FlatBufferError) -> Bool { try uint8(id) != 0 }

    func uint32(_ id: Int, default value: UInt32 = 0) throws(FlatBufferError) -> UInt32 {
        guard let p = try field(id, size: 4) else { return value }
        return try buffer.uint32(p)
    }

    func int32(_ id: Int, default value: Int32 = 0) throws(FlatBufferError) -> Int32 {
        Int32(bitPattern: try uint32(id, default: UInt32(bitPattern: value)))
    }

    func uint64(_ id: Int) throws(FlatBufferError) -> UInt64 {
        guard let p = try field(id, size: 8) else { return 0 }
        return try buffer.uint64(p)
    }

    func float(_ id: Int, default value: Float = 0) throws(FlatBufferError) -> Float {
        Float(bitPattern: try uint32(id, default: value.bitPattern))
    }

    /// The table field `id` refers to, or nil.
    func table(_ id: Int) throws(FlatBufferError) -> FlatTable? {
        guard let p = try field(id, size: 4) else { return nil }
        return try FlatTable(buffer, at: try buffer.offset(from: p), what: "field \(id) of the table at \(position)")
    }

    /// Where vector field `id`'s elements start and how many there are, checked against the
    /// buffer for elements of `size` bytes; nil when the field is left out.
    func vector(_ id: Int, elementSize size: Int) throws(FlatBufferError) -> (start: Int, count: Int)? {
        guard let p = try field(id, size: 4) else { return nil }
        let at = try buffer.offset(from: p)
        let count = Int(try buffer.uint32(at))
        guard count <= (buffer.bytes.count - at - 4) / size else {
            throw FlatBufferError(
                "a vector at byte \(at) declares \(count) elements of \(size) bytes, more than the file holds")
        }
        buffer.budget.remaining -= 4 + count * size
        guard buffer.budget.remaining >= 0 else {
            throw FlatBufferError(
                "its tables point at the same data over and over: reading them would take more than twice the "
                    + "file's \(buffer.bytes.count) bytes")
        }
        return (at + 4, count)
    }

    func string(_ id: Int) throws(FlatBufferError) -> String? {
        guard let (start, count) = try vector(id, elementSize: 1) else { return nil }
        return String(decoding: buffer.bytes[start..<(start + count)], as: UTF8.self)
    }

    func tables(_ id: Int) throws(FlatBufferError) -> [FlatTable] {
        guard let (start, count) = try vector(id, elementSize: 4) else { return [] }
        var out: [FlatTable] = []
        out.reserveCapacity(count)
        for k in 0..<count {
            let p = start + 4 * k
            out.append(try FlatTable(buffer, at: try buffer.offset(from: p), what: "element \(k) of a vector"))
        }
        return out
    }

    /// Vector field `id` of little-endian integers (empty when the field is left out).
    func integers<T: FixedWidthInteger>(_ id: Int, as _: T.Type) throws(FlatBufferError) -> [T] {
        let size = MemoryLayout<T>.size
        guard let (start, count) = try vector(id, elementSize: size) else { return [] }
        var out: [T] = []
        out.reserveCapacity(count)
        for k in 0..<count { out.append(try buffer.integer(start + size * k, as: T.self)) }
        return out
    }

    func int32s(_ id: Int) throws(FlatBufferError) -> [Int32] { try integers(id, as: Int32.self) }
    func int64s(_ id: Int) throws(FlatBufferError) -> [Int64] { try integers(id, as: Int64.self) }

    func floats(_ id: Int) throws(FlatBufferError) -> [Float] {
        try int32s(id).map { Float(bitPattern: UInt32(bitPattern: $0)) }
    }

    /// The byte range of a `[ubyte]` field, without copying it.
    func byteRange(_ id: Int) throws(FlatBufferError) -> Range<Int>? {
        guard let (start, count) = try vector(id, elementSize: 1) else { return nil }
        return start..<(start + count)
    }
}
