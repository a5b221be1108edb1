extension LSTMStep: RecurrentStep {
    public var vectors: [[Float]] { [i, f, cTilde, o, c, h] }
}

extension LSTMLayer: RecurrentLayer {
    public static let kind = LayerKind.lstm
    public static let vectorNames: [VectorName] = [.i, .f, .cTilde, .o, .c, .h]
    public static let stateNames: [VectorName] = [.h, .c]
    public static let gateLayout: [GateBlock]? = LSTMGate.allCases.map { GateBlock($0.vector, $0.title) }

    public func step(x: [Float], state: [[Float]]) -> LSTMStep {
        step(x: x, previous: LSTMState(h: state[0], c: state[1]))
    }

    public func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?
    {
        guard hasFastKernel else { return nil }
        var lstmState = LSTMState(h: state[0], c: state[1])
        defer { state = [lstmState.h, lstmState.c] }
        let kernel = fastKernel(threads: threads)
        let count = order.count * units
        switch kept {
        case .lastState:
            kernel.run(input, order: order, state: &lstmState)
            return []
        case .hidden:
            return [Float].uninitialized(1, count: count) { v in
                kernel.run(input, order: order, state: &lstmState, sink: .hidden(v[0]))
            }
        case .all:
            return [Float].uninitialized(6, count: count) { v in
                kernel.run(
                    input, order: order, state: &lstmState,
                    sink: TraceSink(i: v[0], f: v[1], cTilde: v[2], o: v[3], c: v[4], h: v[5]))
            }
        }
    }

    public func fastRunBatch(_ inputs: [Matrix], states: inout [[[Float]]]) -> [[[Float]]]? {
        guard hasFastKernel else { return nil }
        var h = states.map { $0[0] }, c = states.map { $0[1] }
        let series = fastKernel(threads: 1).shards[0].runBatch(inputs, h: &h, c: &c)
        states = zip(h, c).map { [$0, $1] }
        return series
    }

    public func activation(of name: VectorName) -> Activation? {
        switch name {
        case .cTilde: activation
        case .i, .f, .o: recurrentActivation
        default: nil
        }
    }

    public func weightArrays(input: String, hu: String) -> [WeightArray] {
        var arrays = [
            WeightArray("W", "kernel", kernel, axes: [input, "4·" + hu], gated: true),
            WeightArray("U", "recurrent_kernel", recurrentKernel, axes: [hu, "4·" + hu], gated: true),
        ]
        if let bias { arrays.append(.vector("b", "bias", bias, axis: "4·" + hu, gated: true)) }
        return arrays
    }

    public var settingsText: String {
        "activation \(activation.kerasName), recurrent_activation \(recurrentActivation.kerasName) = "
            + recurrentActivation.formula + (cellClip.map { ", cell_clip ±\($0) (c clamped every step)" } ?? "")
            + (preactivationClip.map { ", clip ±\($0) (every z clamped before its activation)" } ?? "")
            + (couplesForgetGate ? ", input_forget (f = 1 − i)" : "")
    }

    public var settings: [LayerSetting] {
        [
            LayerSetting("activation", .string(activation.kerasName)),
            LayerSetting("recurrent_activation", .string(recurrentActivation.kerasName)),
            LayerSetting("recurrent_activation_formula", .string(recurrentActivation.formula)),
        ] + (cellClip.map { [LayerSetting("cell_clip", .string("\($0)"))] } ?? [])
            + (preactivationClip.map { [LayerSetting("clip", .string("\($0)"))] } ?? [])
            + (couplesForgetGate ? [LayerSetting("input_forget", .bool(true))] : [])
    }

    public func unitBreakdown(unit: Int, x: [Float], previous: [[Float]], current: [[Float]]) -> UnitBreakdown {
        let hPrev = previous[0], cPrev = previous[1][unit]
        let rows = LSTMGate.allCases.map { gate in
            let column = gate.columns(units: units).lowerBound + unit
            return UnitBreakdown.Row(
                gate.vector, gate.title, fromInput: UnitBreakdown.dot(x, kernel, column: column),
                fromState: UnitBreakdown.dot(hPrev, recurrentKernel, column: column), bias: bias?[column] ?? 0,
                activation: self.activation(for: gate),
                terms: UnitBreakdown.terms(x: x, kernel, state: hPrev, recurrentKernel, column: column))
        }
        let i = rows[0].value, f = rows[1].value, cTilde = rows[2].value, o = rows[3].value
        let c = current[4][unit], h = current[5][unit]
        let act = activation.kerasName
        func n(_ v: Float, wrap: Bool = false) -> UnitBreakdown.Piece { .number(v, wrap: wrap) }
        let cell = UnitBreakdown.Equation(
            [
                [[.text("c = f"), .dot, .text("c_prev + i"), .dot, .symbol(.cTilde)]],
                [[n(f), .dot, n(cPrev, wrap: true), .text(" + "), n(i), .dot, n(cTilde, wrap: true)]],
                [[n(f * cPrev, wrap: true), .text(" + "), n(i * cTilde, wrap: true)], [n(c)]],
            ], note: "(kept from the old cell + written)")
        let hidden = UnitBreakdown.Equation([
            [
                [.text("h = o"), .dot, .text("\(act)(c)")], [n(o), .dot, .text("\(act)("), n(c), .text(")")],
                [n(o), .dot, n(activation(c), wrap: true)], [n(h)],
            ]
        ])
        return UnitBreakdown(layout: .gates, rows: rows, equations: [cell, hidden])
    }
}
