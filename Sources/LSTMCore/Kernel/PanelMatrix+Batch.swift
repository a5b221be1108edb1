extension PanelMatrix {
    /// Out[b] = Start[b] + V[b] · M for `count` vectors at once (V has stride `rows`; Start and
    /// Out stride `paddedColumns`), each rounded exactly as ``multiply(_:adding:into:backward:)``
    /// rounds it alone: a full panel's rows in the same order (last to first when `backward`),
    /// four vectors sharing every load of the panel; the narrower last panel one vector at a time.
    ///
    /// This is h·U for a batch of windows at the same step (`scan`): M streams through the
    /// cache once for all of them instead of once per window.
    func multiplyEach(
        _ v: UnsafePointer<Float>, count: Int, adding start: UnsafePointer<Float>,
        into out: UnsafeMutablePointer<Float>, backward: Bool
    ) {
        let w = storage.pointer
        var panel = 0
        while panel < paddedColumns {
            let width = min(Self.panelWidth, paddedColumns - panel)
            let p = w + panel * rows
            if width == Self.panelWidth {
                // Column strip by strip (32 floats wide), and down each strip 256 rows at a time
                // (32 KB, in L1) for every block of three vectors, their sums carried in `out`
                // between chunks: each sum still takes the rows one by one in a lone vector's order.
                let blocks = count / 3 * 3
                let chunk = 256
                for column in stride(from: 0, to: width, by: 32) {
                    for c in 0..<(rows + chunk - 1) / chunk {
                        let first = backward ? max(0, rows - (c + 1) * chunk) : c * chunk
                        let part = min(chunk, rows - c * chunk)
                        for b in stride(from: 0, to: blocks, by: 3) {
                            let at = b * paddedColumns + panel + column
                            Self.block3x2(
                                UnsafeRawPointer(p), rows: first..<first + part, width: width, column: column,
                                v + b * rows, stride: rows, c == 0 ? start + at : UnsafePointer(out + at), out + at,
                                outStride: paddedColumns, descending: backward)
                        }
                    }
                }
                for r in blocks..<count {
                    Self.fullPanel(
                        p, rows: rows, v + r * rows, start + r * paddedColumns + panel,
                        out + r * paddedColumns + panel, rowStep: backward ? -1 : 1)
                }
            } else {
                for r in 0..<count {
                    Self.narrowPanel(
                        p, rows: rows, width: width, v + r * rows, start + r * paddedColumns + panel,
                        out + r * paddedColumns + panel)
                }
            }
            panel += width
        }
    }

    /// Three vectors times 32 columns of a panel: six sums in registers (12 of AVX2's 16 ymm,
    /// with the three broadcasts 15), two loads of the panel for six FMAs; the panel's rows in
    /// the order a lone vector takes them. Measured at 1,024 units (AVX2 EPYC), 4 × 16 reached
    /// 37% of the FMA peak.
    @inline(__always)
    static func block3x2(
        _ panel: UnsafeRawPointer, rows: Range<Int>, width: Int, column: Int,
        _ v: UnsafePointer<Float>, stride: Int,
        _ start: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, outStride: Int, descending: Bool
    ) {
        let s1 = start + outStride, s2 = start + 2 * outStride
        var a00 = load(start, 0), a01 = load(start, 16)
        var a10 = load(s1, 0), a11 = load(s1, 16)
        var a20 = load(s2, 0), a21 = load(s2, 16)
        let v1 = v + stride, v2 = v + 2 * stride
        var k = descending ? rows.upperBound - 1 : rows.lowerBound
        let step = descending ? -1 : 1
        for _ in rows {
            let row = panel + (k &* width &+ column) &* 4
            let w0 = row.loadUnaligned(as: Vec16.self)
            let w1 = row.loadUnaligned(fromByteOffset: 64, as: Vec16.self)
            let x0 = Vec16(repeating: v[k]), x1 = Vec16(repeating: v1[k]), x2 = Vec16(repeating: v2[k])
            a00.addProduct(x0, w0)
            a01.addProduct(x0, w1)
            a10.addProduct(x1, w0)
            a11.addProduct(x1, w1)
            a20.addProduct(x2, w0)
            a21.addProduct(x2, w1)
            k &+= step
        }
        let o1 = out + outStride, o2 = out + 2 * outStride
        store(a00, out, 0)
        store(a01, out, 16)
        store(a10, o1, 0)
        store(a11, o1, 16)
        store(a20, o2, 0)
        store(a21, o2, 16)
    }
}
