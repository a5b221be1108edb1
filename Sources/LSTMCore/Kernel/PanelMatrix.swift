/// A (rows × columns) weight matrix re-laid out for the fast kernel: column panels of up to
/// 128 floats, each panel's rows stored one after another.
///
/// In Keras's row-major layout a pass over a column block jumps 4·hu floats from row to row;
/// here each panel is one sequential stream, so the hardware prefetcher keeps up and the
/// panel's partial sums stay in registers for the whole pass over the rows (8 × 16 on AVX-512;
/// 4 × 16 in two passes where they would spill, see ``splitsFullPanels``). Columns are padded
/// with zeros to a multiple of 16.
struct PanelMatrix: Sendable {
    /// Widest panel: 8 vectors of 16, which with the loaded row leaves registers to spare on AVX-512.
    static let panelWidth = 128

    let rows: Int
    let columns: Int
    /// Columns rounded up to a multiple of 16: the stride of every output row.
    let paddedColumns: Int
    /// The panels, one after another; panel p starts at `p * rows * panelWidth`.
    let storage: PackedStorage

    /// Packs `m`; `hugePages` for a matrix streamed every step (see ``PackedStorage``).
    init(_ m: Matrix, hugePages: Bool = false) {
        rows = m.rows
        columns = m.columns
        paddedColumns = (m.columns + 15) / 16 * 16
        storage = PackedStorage(count: rows * paddedColumns, hugePages: hugePages)
        let packed = storage.pointer
        for start in stride(from: 0, to: paddedColumns, by: Self.panelWidth) {
            let width = min(Self.panelWidth, paddedColumns - start)
            let base = start * rows
            for r in 0..<rows {
                for c in 0..<min(width, columns - start) {
                    packed[base + r * width + c] = m.values[r * columns + start + c]
                }
            }
        }
    }

    /// out[j] = start[j] + Σ_k v[k] · M[k, j] for all padded columns j: a vector times this matrix.
    ///
    /// `start` may equal `out` (accumulate in place). `v` has `rows` elements. `backward` walks
    /// the panels and their rows last to first (the sums then round in the other order).
    func multiply(
        _ v: UnsafePointer<Float>, adding start: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
        backward: Bool = false
    ) {
        let w = storage.pointer
        let panels = (paddedColumns + Self.panelWidth - 1) / Self.panelWidth
        for n in 0..<panels {
            let panel = (backward ? panels - 1 - n : n) * Self.panelWidth
            let width = min(Self.panelWidth, paddedColumns - panel)
            let p = w + panel * rows
            if width == Self.panelWidth, Self.splitsFullPanels, rows <= Self.splitRows {
                // Two passes of 64 columns: the same sums, each in the same order.
                let rowStep = backward ? -1 : 1
                Self.halfPanel(p, rows: rows, column: 0, v, start + panel, out + panel, rowStep: rowStep)
                Self.halfPanel(p, rows: rows, column: 64, v, start + panel, out + panel, rowStep: rowStep)
            } else if width == Self.panelWidth {
                if backward {
                    Self.fullPanel(p, rows: rows, v, start + panel, out + panel, rowStep: -1)
                } else {
                    Self.fullPanel(p, rows: rows, v, start + panel, out + panel, rowStep: 1)
                }
            } else {
                Self.narrowPanel(p, rows: rows, width: width, v, start + panel, out + panel)
            }
        }
    }

    /// 128 columns: eight running sums in registers, one sequential pass over the panel
    /// (first row to last, or last to first for `rowStep` -1).
    @inline(__always)
    static func fullPanel(
        _ p: UnsafePointer<Float>, rows: Int, _ v: UnsafePointer<Float>,
        _ start: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rowStep: Int
    ) {
        let raw = UnsafeRawPointer(p)
        var a0 = load(start, 0), a1 = load(start, 16), a2 = load(start, 32), a3 = load(start, 48)
        var a4 = load(start, 64), a5 = load(start, 80), a6 = load(start, 96), a7 = load(start, 112)
        var k = rowStep > 0 ? 0 : rows - 1
        for _ in 0..<rows {
            let x = Vec16(repeating: v[k])
            let row = raw + k * panelWidth * 4
            a0.addProduct(x, row.loadUnaligned(fromByteOffset: 0, as: Vec16.self))
            a1.addProduct(x, row.loadUnaligned(fromByteOffset: 64, as: Vec16.self))
            a2.addProduct(x, row.loadUnaligned(fromByteOffset: 128, as: Vec16.self))
            a3.addProduct(x, row.loadUnaligned(fromByteOffset: 192, as: Vec16.self))
            a4.addProduct(x, row.loadUnaligned(fromByteOffset: 256, as: Vec16.self))
            a5.addProduct(x, row.loadUnaligned(fromByteOffset: 320, as: Vec16.self))
            a6.addProduct(x, row.loadUnaligned(fromByteOffset: 384, as: Vec16.self))
            a7.addProduct(x, row.loadUnaligned(fromByteOffset: 448, as: Vec16.self))
            k += rowStep
        }
        store(a0, out, 0); store(a1, out, 16); store(a2, out, 32); store(a3, out, 48)
        store(a4, out, 64); store(a5, out, 80); store(a6, out, 96); store(a7, out, 112)
    }

    /// Whether a full panel's eight 16-lane sums overflow the register file: they are 8 of AVX-512's
    /// 32 registers, but all 16 of AVX2's (and all 32 of NEON's 128-bit ones), so there they spill
    /// to the stack and every row's FMA waits on a reload.
    #if LSTMSCOPE_AVX512
        static let splitsFullPanels = false
    #else
        static let splitsFullPanels = true
    #endif

    /// Up to this many rows a spilling build takes a full panel in two passes of 64 columns.
    /// Measured on AVX2 (`bench`, 2026-12-01): 1,32 (32 rows) +30%, 16,64 (64) +5–9%; at 256 rows
    /// (64,256) two passes were 25% slower: the second pass walks U's rows again at twice the stride.
    static let splitRows = 64

    /// 64 columns of a full panel from `column`: four running sums, the rows in `fullPanel`'s order.
    @inline(__always)
    static func halfPanel(
        _ p: UnsafePointer<Float>, rows: Int, column: Int, _ v: UnsafePointer<Float>,
        _ start: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rowStep: Int
    ) {
        let raw = UnsafeRawPointer(p) + column &* 4
        var a0 = load(start, column), a1 = load(start, column &+ 16)
        var a2 = load(start, column &+ 32), a3 = load(start, column &+ 48)
        var k = rowStep > 0 ? 0 : rows &- 1
        for _ in 0..<rows {
            let x = Vec16(repeating: v[k])
            let row = raw + k &* (panelWidth &* 4)
            a0.addProduct(x, row.loadUnaligned(fromByteOffset: 0, as: Vec16.self))
            a1.addProduct(x, row.loadUnaligned(fromByteOffset: 64, as: Vec16.self))
            a2.addProduct(x, row.loadUnaligned(fromByteOffset: 128, as: Vec16.self))
            a3.addProduct(x, row.loadUnaligned(fromByteOffset: 192, as: Vec16.self))
            k &+= rowStep
        }
        store(a0, out, column); store(a1, out, column &+ 16)
        store(a2, out, column &+ 32); store(a3, out, column &+ 48)
    }

    /// The last, narrower panel (16 to 112 columns): per 16 columns two sums (even and odd rows)
    /// hide the add latency, and 32 columns go together so that four independent sums are in
    /// flight (one column of 16 at a time left a layer of 16 units waiting on one FMA chain after
    /// another: its h·U took a third of the step). Each column's sums run in the same order either
    /// way, so the bits do not depend on the grouping.
    @inline(__always)
    static func narrowPanel(
        _ p: UnsafePointer<Float>, rows: Int, width: Int, _ v: UnsafePointer<Float>,
        _ start: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
    ) {
        let raw = UnsafeRawPointer(p)
        let rowBytes = width &* 4
        var c = 0
        while c &+ 32 <= width {
            var even0 = load(start, c), even1 = load(start, c &+ 16)
            var odd0 = Vec16(), odd1 = Vec16()
            var row = raw + c &* 4
            var k = 0
            while k &+ 1 < rows {
                let x0 = Vec16(repeating: v[k]), x1 = Vec16(repeating: v[k &+ 1])
                let next = row + rowBytes
                even0.addProduct(x0, row.loadUnaligned(as: Vec16.self))
                even1.addProduct(x0, row.loadUnaligned(fromByteOffset: 64, as: Vec16.self))
                odd0.addProduct(x1, next.loadUnaligned(as: Vec16.self))
                odd1.addProduct(x1, next.loadUnaligned(fromByteOffset: 64, as: Vec16.self))
                row = next + rowBytes
                k &+= 2
            }
            if k < rows {
                let x0 = Vec16(repeating: v[k])
                even0.addProduct(x0, row.loadUnaligned(as: Vec16.self))
                even1.addProduct(x0, row.loadUnaligned(fromByteOffset: 64, as: Vec16.self))
            }
            store(even0 + odd0, out, c)
            store(even1 + odd1, out, c &+ 16)
            c &+= 32
        }
        if c < width {
            var even = load(start, c)
            var odd = Vec16()
            var row = raw + c &* 4
            var k = 0
            while k &+ 1 < rows {
                let next = row + rowBytes
                even.addProduct(Vec16(repeating: v[k]), row.loadUnaligned(as: Vec16.self))
                odd.addProduct(Vec16(repeating: v[k &+ 1]), next.loadUnaligned(as: Vec16.self))
                row = next + rowBytes
                k &+= 2
            }
            if k < rows { even.addProduct(Vec16(repeating: v[k]), row.loadUnaligned(as: Vec16.self)) }
            store(even + odd, out, c)
        }
    }

    /// Out[t, j] = Start[t, j] + Σ_k V[t, k] · M[k, j] for `count` rows of V at once (V has
    /// stride `rows`; Out has stride `paddedColumns`, Start `startStride`: 0 for one start row,
    /// such as the bias, shared by every row).
    ///
    /// This is the input projection x·W for a block of timesteps: each panel is read once for
    /// all of them (four rows at a time share every load), instead of once per step.
    func multiplyRows(
        _ v: UnsafePointer<Float>, count: Int, adding start: UnsafePointer<Float>, startStride: Int? = nil,
        into out: UnsafeMutablePointer<Float>
    ) {
        let w = storage.pointer
        let startStride = startStride ?? paddedColumns
        var panel = 0
        while panel < paddedColumns {
            let width = min(Self.panelWidth, paddedColumns - panel)
            let raw = UnsafeRawPointer(w + panel * rows)
            var c = 0
            while c < width {
                let slices = min(4, (width - c) / 16)
                var t = 0
                while t + 4 <= count, slices == 4 {
                    Self.block4x4(
                        raw, rows: rows, width: width, column: c, v + t * rows, stride: rows,
                        start + t * startStride + panel + c, startStride: startStride,
                        out + t * paddedColumns + panel + c, outStride: paddedColumns)
                    t += 4
                }
                for row in t..<count {
                    Self.rowOfPanel(
                        raw, rows: rows, width: width, columns: c..<c + 16 * slices, v + row &* rows,
                        start + row &* startStride + panel, out + row &* paddedColumns + panel)
                }
                c += 16 * slices
            }
            panel += width
        }
    }

    /// out = start + v · M for one row v (a stream's x·W): the arithmetic `multiplyRows` does
    /// for a lone row, without its loops over rows and blocks (at 1 input and 8 units they cost
    /// as much as the step's gates).
    @inline(__always)
    func multiplyRow(
        _ v: UnsafePointer<Float>, adding start: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
    ) {
        let w = storage.pointer
        var panel = 0
        while panel < paddedColumns {
            let width = min(Self.panelWidth, paddedColumns &- panel)
            Self.rowOfPanel(
                UnsafeRawPointer(w + panel &* rows), rows: rows, width: width, columns: 0..<width, v, start + panel,
                out + panel)
            panel &+= width
        }
    }

    /// One row of V times the panel's `columns` (`start` and `out` at the panel's first column):
    /// 64 columns at a time, then 32, then 16, each column summed over the rows in order.
    @inline(__always)
    private static func rowOfPanel(
        _ raw: UnsafeRawPointer, rows: Int, width: Int, columns: Range<Int>, _ v: UnsafePointer<Float>,
        _ start: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
    ) {
        var c = columns.lowerBound
        while c &+ 64 <= columns.upperBound {
            block1x4(raw, rows: rows, width: width, column: c, v, start + c, out + c)
            c &+= 64
        }
        if c &+ 32 <= columns.upperBound {
            block1x2(raw, rows: rows, width: width, column: c, v, start + c, out + c)
            c &+= 32
        }
        if c < columns.upperBound {
            var acc = load(start, c)
            var wRow = raw + c &* 4
            for k in 0..<rows {
                acc.addProduct(Vec16(repeating: v[k]), wRow.loadUnaligned(as: Vec16.self))
                wRow += width &* 4
            }
            store(acc, out, c)
        }
    }

    /// The input projection for a block of steps: Out[r] = bias + x_r · M for the input rows
    /// `rows` (indexes into `input`, `self.rows` floats each), Out with stride `paddedColumns`
    /// (`bias` has that many floats). Rows out of order (a layer reading backwards) are first
    /// gathered into `gathered`; rows in order are read where they are.
    func projectBlock(
        _ input: UnsafePointer<Float>, rows: ArraySlice<Int>, gathered: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
    ) {
        let width = self.rows
        guard let first = rows.first else { return }
        let inOrder = zip(rows, rows.dropFirst()).allSatisfy { $1 == $0 + 1 }
        let v: UnsafePointer<Float>
        if inOrder {
            v = input + first * width
        } else {
            for (r, row) in rows.enumerated() {
                copyFloats(input + row * width, to: gathered + r * width, count: width)
            }
            v = UnsafePointer(gathered)
        }
        multiplyRows(v, count: rows.count, adding: bias, startStride: 0, into: out)
    }

    /// One row of V times 32 columns of a panel: two independent sums, in the one-column loop's order.
    @inline(__always)
    private static func block1x2(
        _ panel: UnsafeRawPointer, rows: Int, width: Int, column: Int, _ v: UnsafePointer<Float>,
        _ start: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
    ) {
        var a0 = load(start, 0), a1 = load(start, 16)
        var row = panel + column &* 4
        for k in 0..<rows {
            let x = Vec16(repeating: v[k])
            a0.addProduct(x, row.loadUnaligned(fromByteOffset: 0, as: Vec16.self))
            a1.addProduct(x, row.loadUnaligned(fromByteOffset: 64, as: Vec16.self))
            row += width &* 4
        }
        store(a0, out, 0); store(a1, out, 16)
    }

    /// One row of V times 64 columns of a panel: four independent sums, each in the order the
    /// one-column loop takes (a lone step's x·W, as the stream computes it, waited on one FMA
    /// chain per 16 columns after another).
    @inline(__always)
    private static func block1x4(
        _ panel: UnsafeRawPointer, rows: Int, width: Int, column: Int, _ v: UnsafePointer<Float>,
        _ start: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>
    ) {
        var a0 = load(start, 0), a1 = load(start, 16), a2 = load(start, 32), a3 = load(start, 48)
        var row = panel + column &* 4
        for k in 0..<rows {
            let x = Vec16(repeating: v[k])
            a0.addProduct(x, row.loadUnaligned(fromByteOffset: 0, as: Vec16.self))
            a1.addProduct(x, row.loadUnaligned(fromByteOffset: 64, as: Vec16.self))
            a2.addProduct(x, row.loadUnaligned(fromByteOffset: 128, as: Vec16.self))
            a3.addProduct(x, row.loadUnaligned(fromByteOffset: 192, as: Vec16.self))
            row += width &* 4
        }
        store(a0, out, 0); store(a1, out, 16); store(a2, out, 32); store(a3, out, 48)
    }

    /// Four rows of V times 64 columns of a panel: 16 sums in registers, 4 loads per 16 FMAs.
    @inline(__always)
    private static func block4x4(
        _ panel: UnsafeRawPointer, rows: Int, width: Int, column: Int,
        _ v: UnsafePointer<Float>, stride: Int,
        _ start: UnsafePointer<Float>, startStride: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        let s0 = start, s1 = start + startStride, s2 = start + 2 * startStride, s3 = start + 3 * startStride
        var a00 = load(s0, 0), a01 = load(s0, 16), a02 = load(s0, 32), a03 = load(s0, 48)
        var a10 = load(s1, 0), a11 = load(s1, 16), a12 = load(s1, 32), a13 = load(s1, 48)
        var a20 = load(s2, 0), a21 = load(s2, 16), a22 = load(s2, 32), a23 = load(s2, 48)
        var a30 = load(s3, 0), a31 = load(s3, 16), a32 = load(s3, 32), a33 = load(s3, 48)
        for k in 0..<rows {
            let row = panel + (k * width + column) * 4
            let w0 = row.loadUnaligned(fromByteOffset: 0, as: Vec16.self)
            let w1 = row.loadUnaligned(fromByteOffset: 64, as: Vec16.self)
            let w2 = row.loadUnaligned(fromByteOffset: 128, as: Vec16.self)
            let w3 = row.loadUnaligned(fromByteOffset: 192, as: Vec16.self)
            let x0 = Vec16(repeating: v[k]), x1 = Vec16(repeating: v[stride + k])
            let x2 = Vec16(repeating: v[2 * stride + k]), x3 = Vec16(repeating: v[3 * stride + k])
            a00.addProduct(x0, w0); a01.addProduct(x0, w1); a02.addProduct(x0, w2); a03.addProduct(x0, w3)
            a10.addProduct(x1, w0); a11.addProduct(x1, w1); a12.addProduct(x1, w2); a13.addProduct(x1, w3)
            a20.addProduct(x2, w0); a21.addProduct(x2, w1); a22.addProduct(x2, w2); a23.addProduct(x2, w3)
            a30.addProduct(x3, w0); a31.addProduct(x3, w1); a32.addProduct(x3, w2); a33.addProduct(x3, w3)
        }
        let o0 = out, o1 = out + outStride, o2 = out + 2 * outStride, o3 = out + 3 * outStride
        store(a00, o0, 0); store(a01, o0, 16); store(a02, o0, 32); store(a03, o0, 48)
        store(a10, o1, 0); store(a11, o1, 16); store(a12, o1, 32); store(a13, o1, 48)
        store(a20, o2, 0); store(a21, o2, 16); store(a22, o2, 32); store(a23, o2, 48)
        store(a30, o3, 0); store(a31, o3, 16); store(a32, o3, 32); store(a33, o3, 48)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ offset: Int) -> Vec16 {
        UnsafeRawPointer(p + offset).loadUnaligned(as: Vec16.self)
    }

    @inline(__always)
    static func store(_ v: Vec16, _ p: UnsafeMutablePointer<Float>, _ offset: Int) {
        UnsafeMutableRawPointer(p + offset).storeBytes(of: v, as: Vec16.self)
    }
}
