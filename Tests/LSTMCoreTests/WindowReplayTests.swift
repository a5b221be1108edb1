import Foundation
import LSTMCore
import TestSupport
import Testing

/// The lazy replay (checkpoints + segments recomputed on demand) against the full trace.
@Suite struct WindowReplayTests {
    private static func lstm(_ name: String, xu: Int, hu: Int, sequences: Bool, backwards: Bool = false, seed: Float)
        throws -> LSTMLayer
    {
        let s = 1 / Float(hu).squareRoot()
        return try LSTMLayer(
            name: name,
            kernel: Matrix(
                rows: xu, columns: 4 * hu, values: (0..<xu * 4 * hu).map { sin(Float($0) * seed + 0.3) * s }),
            recurrentKernel: Matrix(
                rows: hu, columns: 4 * hu, values: (0..<hu * 4 * hu).map { cos(Float($0) * seed) * s }),
            bias: (0..<4 * hu).map { sin(Float($0)) * 0.2 }, returnSequences: sequences, goBackwards: backwards)
    }

    private static func dense(_ inputs: Int, _ units: Int) throws -> DenseLayer {
        try DenseLayer(
            name: "dense",
            kernel: Matrix(rows: inputs, columns: units, values: (0..<inputs * units).map { cos(Float($0)) }),
            bias: [Float](repeating: 0.1, count: units))
    }

    /// Stacked, first layer backwards, a Dense between? no: LSTM → LSTM → Dense; per-step head; Flatten head.
    static let models: [@Sendable () throws -> Model] = [
        {
            try Model(
                layers: [
                    .lstm(lstm("a", xu: 3, hu: 7, sequences: true, backwards: true, seed: 0.3)),
                    .lstm(lstm("b", xu: 7, hu: 5, sequences: false, seed: 0.7)), .dense(dense(5, 2)),
                ], inputSize: 3)
        },
        {
            try Model(
                layers: [.lstm(lstm("a", xu: 2, hu: 18, sequences: true, seed: 0.11)), .dense(dense(18, 3))],
                inputSize: 2)
        },
        {
            try Model(
                layers: [
                    .lstm(lstm("a", xu: 2, hu: 4, sequences: true, seed: 0.5)), .flatten(name: "flat"),
                    .dense(dense(4 * 200, 1)),
                ],
                inputSize: 2, lookBack: 200)
        },
    ]

    @Test(arguments: 0..<3)
    func lazySegmentsEqualTheFullTrace(model index: Int) throws {
        let model = try Self.models[index]()
        let window = Matrix.sineWindow(steps: 200, features: model.inputSize)
        let full = try ModelTrace(model: model, input: window)
        var lazy = try WindowReplay(model: model, input: window, eagerLimit: 0)
        #expect(lazy.isLazy && lazy.computedSteps == 0 && lazy.output == nil)
        lazy.advance(steps: 50)  // rounds up to whole intervals
        #expect(lazy.computedSteps == 64)
        while !lazy.isComplete { lazy.advance(steps: 33) }
        #expect(lazy.output == full.output)
        #expect(lazy.outputShape == full.outputShape)
        for (l, layerTrace) in full.layers.enumerated() {
            for range in [0..<1, 31..<33, 63..<64, 100..<200, 0..<200, 199..<200] {
                #expect(lazy.segment(layer: l, steps: range) == layerTrace.slice(range), "layer \(l) \(range)")
            }
            let largest = layerTrace.series.map { $0.values.map(abs).max()! }
            #expect(lazy.largestMagnitude[l] == largest)
        }
        for t in [0, 17, 199] {
            #expect(lazy.output(ifWindowEndedAt: t) == full.output(ifWindowEndedAt: t, model: model))
        }
    }

    /// A Bidirectional layer alone runs its halves in blocks, the backward one from the
    /// window's end; with return_sequences each time step's outputs are merged (row t with
    /// the backward half's step T − 1 − t) once both halves have run past it.
    /// `swapped`: Keras's Bidirectional(LSTM(go_backwards=True)), whose forward layer reads
    /// backwards and whose backward layer reads forwards.
    @Test(
        arguments: [(BidirectionalLayer.Merge.concat, false), (.ave, false), (.mul, false), (.concat, true)],
        [false, true])
    func aBidirectionalLayerReplaysInBlocks(halves: (merge: BidirectionalLayer.Merge, swapped: Bool), sequences: Bool)
        throws
    {
        let (merge, swapped) = halves
        let bidi = try BidirectionalLayer(
            name: "bi",
            forward: .lstm(Self.lstm("f", xu: 3, hu: 6, sequences: sequences, backwards: swapped, seed: 0.3)),
            backward: .lstm(Self.lstm("b", xu: 3, hu: 6, sequences: sequences, backwards: !swapped, seed: 0.6)),
            merge: merge)
        let model = try Model(
            layers: [.dense(Self.dense(2, 3)), .bidirectional(bidi), .dense(Self.dense(bidi.outputSize, 2))],
            inputSize: 2)
        // Longer than the 1,024 time steps the merged head is applied to at a time.
        let window = Matrix.sineWindow(steps: 2100, features: 2)
        let full = try ModelTrace(model: model, input: window)
        var lazy = try WindowReplay(model: model, input: window, eagerLimit: 0)
        #expect(lazy.isLazy && lazy.layers.map(\.direction) == [.forward, .backward])
        #expect(lazy.layers.map(\.readsBackwards) == [swapped, !swapped])
        // Blocks long enough that the merged head is applied in more than one chunk of 1,024.
        for budget in [1050, 1050] where !lazy.isComplete { lazy.advance(steps: budget) }
        #expect(lazy.output == full.output && lazy.outputShape == full.outputShape)
        for l in 0..<2 {
            for range in [0..<1, 15..<17, 40..<120, 2000..<2100] {
                #expect(lazy.segment(layer: l, steps: range) == full.layers[l].slice(range), "half \(l) \(range)")
            }
        }
        // The checkpoints (two halves, h and c, 132 intervals), and the plots' summary: two floats
        // and a flag per vector and unit for each block of steps.
        let summary = try #require(lazy.summary)
        #expect(summary.heldFloats == (2100 + summary.blockSize - 1) / summary.blockSize * 2 * 6 * 6 * 9 / 4)
        #expect(lazy.heldFloats - summary.heldFloats <= 2 * 132 * 2 * 6)

        // A Flatten head needs the whole merged sequence, at the window's end.
        guard sequences else { return }
        let flat = try Model(
            layers: [.bidirectional(bidi), .flatten(name: "flat"), .dense(Self.dense(300 * bidi.outputSize, 1))],
            inputSize: 3, lookBack: 300)
        let short = Matrix.sineWindow(steps: 300, features: 3)
        var flatLazy = try WindowReplay(model: flat, input: short, eagerLimit: 0)
        while !flatLazy.isComplete { flatLazy.advance(steps: 100) }
        let flatFull = try ModelTrace(model: flat, input: short)
        #expect(flatLazy.isLazy && flatLazy.output == flatFull.output)
    }

    @Test func innerLayersReadingBackwardsAreTracedAtOnce() throws {
        let model = try Model(
            layers: [
                .lstm(Self.lstm("a", xu: 2, hu: 3, sequences: true, seed: 0.2)),
                .lstm(Self.lstm("b", xu: 3, hu: 3, sequences: false, backwards: true, seed: 0.4)),
            ], inputSize: 2)
        let window = Matrix.sineWindow(steps: 100, features: 2)
        let replay = try WindowReplay(model: model, input: window, eagerLimit: 0)
        #expect(!replay.isLazy && replay.isComplete)
        #expect(replay.output == (try ModelTrace(model: model, input: window)).output)
    }

    /// What the explorer asks before it starts, to warn about a long window traced whole.
    @Test func whatIsTracedWholeIsKnownBeforehand() throws {
        let lstmOnly = try Self.models[1]()  // LSTM(18) → Dense
        #expect(WindowReplay.canReplayLazily(lstmOnly))
        #expect(WindowReplay.traceFloats(lstmOnly, steps: 100) == 6 * 18 * 100)
        #expect(WindowReplay.tracesWhole(lstmOnly, steps: 100, eagerLimit: 6 * 18 * 100))
        #expect(!WindowReplay.tracesWhole(lstmOnly, steps: 101, eagerLimit: 6 * 18 * 100))
        #expect(
            try WindowReplay(model: lstmOnly, input: .sineWindow(steps: 101, features: 2), eagerLimit: 6 * 18 * 100)
                .isLazy)

        let innerBackwards = try Model(
            layers: [
                .lstm(Self.lstm("a", xu: 2, hu: 3, sequences: true, seed: 0.2)),
                .lstm(Self.lstm("b", xu: 3, hu: 3, sequences: false, backwards: true, seed: 0.4)),
            ], inputSize: 2)
        #expect(!WindowReplay.canReplayLazily(innerBackwards))
        #expect(WindowReplay.tracesWhole(innerBackwards, steps: 10_000, eagerLimit: 0))
    }

    @Test func segmentsJoinAndSlice() throws {
        let model = try Self.models[1]()
        let trace = try ModelTrace(model: model, input: Matrix.sineWindow(steps: 50, features: 2)).layers[0]
        #expect(trace.slice(0..<20).joined(trace.slice(20..<50)) == trace)
        let part = trace.slice(10..<30)
        #expect(part.vector(.h, at: 10) == trace.vector(.h, at: 10))
        #expect(part.vector(.h, at: 9) == nil && part.vector(.h, at: 30) == nil)
        #expect(part.input(at: 29) == trace.input(at: 29))
        #expect(part.value(.c, at: 12, unit: 3) == trace.series(.c)![12, 3])
    }
}
