import Foundation
@testable import LSTMCore
import Testing

/// The h·U and x·W paths chosen per register file and per shape give the same bits as each other,
/// so a model's numbers do not depend on which one a build or a size takes: a full panel in one
/// pass (AVX-512) or two (AVX2, NEON), the bias as a shared start row or copied into every row.
@Suite struct PanelMatrixTests {
    private func matrix(rows: Int, columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, values: (0..<rows * columns).map { sin(Float($0) * 0.73) * 0.4 })
    }

    @Test(arguments: [1, 7, 32, 64, 65, 200], [1, -1])
    func aFullPanelInTwoPassesIsTheOnePassBitForBit(rows: Int, rowStep: Int) {
        let packed = PanelMatrix(matrix(rows: rows, columns: 128))
        let v = (0..<rows).map { cos(Float($0) * 1.1) }
        let start = (0..<128).map { Float($0) * 0.003 - 0.2 }
        var one = [Float](repeating: 0, count: 128), two = one
        v.withUnsafeBufferPointer { v in
            start.withUnsafeBufferPointer { s in
                let p = UnsafePointer(packed.storage.pointer)
                PanelMatrix.fullPanel(p, rows: rows, v.baseAddress!, s.baseAddress!, &one, rowStep: rowStep)
                two.withUnsafeMutableBufferPointer { out in
                    for column in [0, 64] {
                        PanelMatrix.halfPanel(
                            p, rows: rows, column: column, v.baseAddress!, s.baseAddress!, out.baseAddress!,
                            rowStep: rowStep)
                    }
                }
            }
        }
        #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
    }

    /// Narrow panels of 16 to 112 columns (two vectors at a time, then one) against the even/odd
    /// sums written out per column, bit for bit.
    @Test(arguments: [16, 32, 48, 80, 112], [1, 2, 9])
    func aNarrowPanelSumsEachColumnEvenAndOddRows(columns: Int, rows: Int) {
        let m = matrix(rows: rows, columns: columns)
        let packed = PanelMatrix(m)
        let v = (0..<rows).map { cos(Float($0) * 0.9) + 0.1 }
        let start = (0..<columns).map { Float($0) * 0.01 - 0.3 }
        var out = [Float](repeating: 0, count: columns)
        packed.multiply(v, adding: start, into: &out)
        let expected = (0..<columns).map { j -> Float in
            var even = start[j], odd: Float = 0
            for k in stride(from: 0, to: rows, by: 2) {
                even.addProduct(v[k], m[k, j])  // fused, as the vector FMA
                if k + 1 < rows { odd.addProduct(v[k + 1], m[k + 1, j]) }
            }
            return even + odd
        }
        #expect(out.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test(arguments: [(1, 32), (3, 48), (16, 64), (5, 144), (2, 272)])
    func theBiasAsASharedStartRowIsTheBiasCopiedIntoEveryRow(inputs: Int, columns: Int) {
        let packed = PanelMatrix(matrix(rows: inputs, columns: columns))
        let padded = packed.paddedColumns, count = 7
        let x = (0..<count * inputs).map { sin(Float($0) * 0.31) }
        let bias = (0..<padded).map { Float($0) * 0.02 - 0.5 }
        var shared = [Float](repeating: 0, count: count * padded)
        var copied = (0..<count).flatMap { _ in bias }
        packed.multiplyRows(x, count: count, adding: bias, startStride: 0, into: &shared)
        copied.withUnsafeMutableBufferPointer { c in
            packed.multiplyRows(x, count: count, adding: c.baseAddress!, into: c.baseAddress!)
        }
        #expect(shared.map(\.bitPattern) == copied.map(\.bitPattern))
    }
}
