import Foundation

/// Parses a CSV window in one pass over its bytes, straight into the final float buffer.
///
/// Rows are lines; cells are separated by one comma or semicolon, or by spaces and tabs (runs of
/// them count as one). Blank lines and lines starting with `#` are skipped, and one header line
/// (names only: no cell a number) is allowed before the first row. An empty cell (`1,,2`) is an
/// error, never a value dropped. With `columns` known, a row longer than that fails at once,
/// before the rest of a ten-million-cell line is read.
enum CSVWindowParser {
    /// Most cells a row may have (a model's input width is far smaller).
    static let maximumColumns = 1 << 16
    /// Longest text of one number.
    static let maximumCellBytes = 63

    /// The window as a (rows, columns) array; `path` names the file in errors.
    static func parse(_ data: Data, path: String, columns: Int?, maximumValues: Int) throws(LoadError) -> NDArray {
        // This thread reads numbers in the C locale while it parses, whatever the process's is.
        let previous = uselocale(cLocale)
        defer { uselocale(previous) }
        let result: Result<NDArray, LoadError> = data.withUnsafeBytes { raw in
            var parser = Parser(
                bytes: raw.bindMemory(to: UInt8.self), path: path, expected: columns,
                maximumValues: maximumValues)
            do throws(LoadError) {
                return .success(try parser.run())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// C-locale number parsing: the user's locale (set for the terminal) must not turn `0.5` into 0.
    nonisolated(unsafe) private static let cLocale = newlocale(1 << LC_NUMERIC, "C", nil)

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let path: String
        let expected: Int?
        let maximumValues: Int
        var values: [Float] = []
        var width: Int?
        var headerWidth: Int?
        var rows = 0
        var line = 0

        init(bytes: UnsafeBufferPointer<UInt8>, path: String, expected: Int?, maximumValues: Int) {
            self.bytes = bytes
            self.path = path
            self.expected = expected
            self.maximumValues = maximumValues
        }

        func fail(_ problem: String, _ kind: LoadError.Kind = .badInput) -> LoadError { LoadError(path, kind, problem) }

        mutating func run() throws(LoadError) -> NDArray {
            let count = bytes.count
            guard count > 0 else { throw fail("no rows of numbers") }
            if memchr(bytes.baseAddress!, 0, count) != nil {
                throw fail("not a text file (expected CSV, JSON or .npy)")
            }
            let base = UnsafeRawPointer(bytes.baseAddress!)
            func lineEnd(from start: Int) -> Int {
                guard let hit = memchr(base + start, 0x0A, count - start) else { return count }
                return UnsafeRawPointer(hit) - base
            }
            var lineCount = 1
            var scan = 0
            while scan < count {
                scan = lineEnd(from: scan) + 1
                lineCount += 1
            }
            // Excel writes a UTF-8 byte order mark first; it is not part of the first cell.
            var start = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            // A mapped file's pages are handed back as the rows are read (see ``MappedFile``), so
            // the text and the window are not both in memory at the end.
            var released = 0
            while start < count {
                let end = lineEnd(from: start)
                line += 1
                try row(from: start, to: end, lineCount: lineCount)
                start = end + 1
                if start - released >= 4 << 20 {
                    MappedFile.release(base + released, count: start - released)
                    released = start
                }
            }
            guard let width, rows > 0 else { throw fail("no rows of numbers") }
            return NDArray(shape: [rows, width], values: values, dtype: "float32")
        }

        private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

        private func isSeparator(_ byte: UInt8) -> Bool { byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") }

        /// The cells of one line as byte ranges.
        private func cells(from start: Int, to end: Int, limit: Int) throws(LoadError) -> [Range<Int>] {
            var cells: [Range<Int>] = []
            var at = start
            var expectCell = true  // at the start, and right after a comma or semicolon
            while true {
                while at < end, isSpace(bytes[at]) { at += 1 }
                if at == end {
                    if !cells.isEmpty && expectCell {
                        throw fail("line \(line) ends with an empty cell after its last separator")
                    }
                    return cells
                }
                if isSeparator(bytes[at]) {
                    if expectCell { throw fail("line \(line), column \(cells.count + 1): empty cell") }
                    expectCell = true
                    at += 1
                    continue
                }
                let cellStart = at
                while at < end, !isSpace(bytes[at]), !isSeparator(bytes[at]) { at += 1 }
                cells.append(cellStart..<at)
                expectCell = false
                if cells.count > limit { return cells }
            }
        }

        private mutating func row(from start: Int, to end: Int, lineCount: Int) throws(LoadError) {
            var first = start
            while first < end, isSpace(bytes[first]) { first += 1 }
            if first == end || bytes[first] == UInt8(ascii: "#") { return }
            if let width, fastRow(from: first, to: end, width: width) {
                rows += 1
                guard values.count <= maximumValues else { throw fail("more than \(maximumValues) values", .tooLarge) }
                return
            }
            // Stop reading a line as soon as it is longer than any row can be.
            let known = width ?? headerWidth
            let limit = min(known ?? expected ?? CSVWindowParser.maximumColumns, CSVWindowParser.maximumColumns)
            let cells = try cells(from: first, to: end, limit: limit)
            if cells.count > limit {
                if let known {
                    throw fail(
                        "line \(line) has more than \(known) values "
                            + "but the rows before it have \(known) (ragged rows)")
                }
                throw expected.map {
                    fail(
                        "line \(line) has more than \($0) values "
                            + "but the model expects \($0) features per step (xu = \($0))")
                }
                    ?? fail("line \(line) has more than \(CSVWindowParser.maximumColumns) values", .tooLarge)
            }
            if rows == 0, headerWidth == nil, try isHeader(cells) {
                headerWidth = cells.count
                return
            }
            for (column, cell) in cells.enumerated() {
                guard let value = number(cell) else {
                    throw fail("line \(line), column \(column + 1): \"\(text(cell))\" is not a number")
                }
                values.append(value)
            }
            if let known, cells.count != known {
                throw fail("line \(line) has \(cells.count) values but the rows before it have \(known) (ragged rows)")
            }
            if width == nil {
                width = cells.count
                values.reserveCapacity(min(lineCount * cells.count, maximumValues))
            }
            rows += 1
            guard values.count <= maximumValues else { throw fail("more than \(maximumValues) values", .tooLarge) }
        }

        /// A row of exactly `width` numbers read straight into ``values`` with no array of cells:
        /// the common case once the first row has set the width. Anything else (an empty cell,
        /// text, another count) undoes what it appended and returns false, and the careful path
        /// reads the line again to say what is wrong.
        private mutating func fastRow(from start: Int, to end: Int, width: Int) -> Bool {
            let mark = values.count
            var at = start
            var count = 0
            while true {
                guard count < width else { break }
                if let (value, next) = DecimalFastPath.prefix(bytes, from: at, to: end),
                    next == end || isSpace(bytes[next]) || isSeparator(bytes[next])
                {
                    values.append(value)
                    at = next
                } else {
                    let cellStart = at
                    while at < end, !isSpace(bytes[at]), !isSeparator(bytes[at]) { at += 1 }
                    guard at > cellStart, let value = number(cellStart..<at) else { break }
                    values.append(value)
                }
                count += 1
                while at < end, isSpace(bytes[at]) { at += 1 }
                if at == end {
                    if count == width { return true }
                    break
                }
                if isSeparator(bytes[at]) {
                    at += 1
                    while at < end, isSpace(bytes[at]) { at += 1 }
                    if at == end { break }
                }
            }
            values.removeSubrange(mark...)
            return false
        }

        /// Whether the first line of cells is a header: only names, no numbers. A line of both
        /// is neither (skipping it would drop a row with a typo); `0,1,…,n−1` is what pandas
        /// writes as the header of an unnamed frame, and would otherwise be read as a row.
        private func isHeader(_ cells: [Range<Int>]) throws(LoadError) -> Bool {
            let numeric = cells.map { number($0) != nil }
            if numeric.allSatisfy({ !$0 }) { return true }
            if let name = cells.indices.first(where: { !numeric[$0] }) {
                throw fail(
                    "line \(line) mixes numbers and text (\"\(text(cells[name]))\" in column \(name + 1)): "
                        + "a header has only names, a row only numbers")
            }
            let columnNumbers = cells.enumerated().allSatisfy { k, cell in text(cell) == String(k) }
            if cells.count >= 2, columnNumbers {
                throw fail(
                    "line \(line) is 0,1,…,\(cells.count - 1), the header pandas writes for unnamed columns; "
                        + "remove it (df.to_csv(header=False)), or write it as 0.0,1.0,… if it is data")
            }
            return false
        }

        /// A cell's text, at most 30 bytes of it, for messages.
        private func text(_ cell: Range<Int>) -> String { String(decoding: bytes[cell].prefix(30), as: UTF8.self) }

        /// The cell as a number, or nil when it is not exactly one.
        private func number(_ cell: Range<Int>) -> Float? {
            guard cell.count <= CSVWindowParser.maximumCellBytes else { return nil }
            if let fast = DecimalFastPath.float(bytes, cell) { return fast }
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Float? in
                for (k, i) in cell.enumerated() { buffer[k] = CChar(bitPattern: bytes[i]) }
                buffer[cell.count] = 0
                var end: UnsafeMutablePointer<CChar>?
                let value = strtof(buffer.baseAddress!, &end)
                guard let end, end - buffer.baseAddress! == cell.count else { return nil }
                return value
            }
        }
    }
}
