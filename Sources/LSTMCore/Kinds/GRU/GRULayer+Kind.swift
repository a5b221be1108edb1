extension GRUStep: RecurrentStep {
    public var vectors: [[Float]] { [z, r, hTilde, h] }
}

extension GRULayer: RecurrentLayer {
    public static let kind = LayerKind.gru
    public static let vectorNames: [VectorName] = [.z, .r, .hTilde, .h]
    public static let stateNames: [VectorName] = [.h]
    public static let gateLayout: [GateBlock]? = [
        GateBlock(.z, "update gate"), GateBlock(.r, "reset gate"), GateBlock(.hTilde, "candidate"),
    ]

    public func step(x: [Float], state: [[Float]]) -> GRUStep { step(x: x, previous: state[0]) }

    public func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?
    {
        guard preactivationClip == nil else { return nil }  // the readable step clips; the kernel does not
        // One thread: `--threads` splits LSTM layers only.
        return [Float].uninitialized(kept == .all ? 4 : 1, count: order.count * units) { v in
            fastKernel.run(
                input, order: order, state: &state[0],
                sink: kept == .all ? GRUTraceSink(z: v[0], r: v[1], hTilde: v[2], h: v[3]) : GRUTraceSink(h: v[0]))
        }
    }

    public static func inputBlockSteps(forRun steps: Int) -> Int { LSTMKernel.blockSteps(forRun: steps) }

    public func activation(of name: VectorName) -> Activation? {
        switch name {
        case .hTilde: activation
        case .z, .r: recurrentActivation
        default: nil
        }
    }

    public func weightArrays(input: String, hu: String) -> [WeightArray] {
        var arrays = [
            WeightArray("W", "kernel", kernel, axes: [input, "3·" + hu], gated: true),
            WeightArray("U", "recurrent_kernel", recurrentKernel, axes: [hu, "3·" + hu], gated: true),
        ]
        if let b = inputBias {
            if let b2 = recurrentBias {
                arrays.append(
                    WeightArray("b", "bias", Matrix(rowArrays: [b, b2]), axes: ["b | b'", "3·" + hu], gated: true))
            } else {
                arrays.append(.vector("b", "bias", b, axis: "3·" + hu, gated: true))
            }
        }
        return arrays
    }

    public var settingsText: String {
        "activation \(activation.kerasName), recurrent_activation \(recurrentActivation.kerasName), reset_after="
            + (resetAfter ? "True: r multiplies h·U + b'" : "False: r multiplies h before U")
            + (preactivationClip.map { ", clip ±\($0) (every pre-activation clamped before its activation)" } ?? "")
    }

    public var settings: [LayerSetting] {
        [
            LayerSetting("activation", .string(activation.kerasName)),
            LayerSetting("recurrent_activation", .string(recurrentActivation.kerasName)),
            LayerSetting("reset_after", .bool(resetAfter)),
        ] + (preactivationClip.map { [LayerSetting("clip", .string("\($0)"))] } ?? [])
    }

    public func unitBreakdown(unit u: Int, x: [Float], previous: [[Float]], current: [[Float]]) -> UnitBreakdown {
        let hu = units, hPrev = previous[0]
        let w = kernel, uu = recurrentKernel
        let b = { (k: Int) in inputBias?[k * hu + u] ?? 0 }
        let bRec = { (k: Int) in recurrentBias?[k * hu + u] ?? 0 }
        func dot(_ v: [Float], _ column: Int) -> Float { UnitBreakdown.dot(v, uu, column: column) }
        // For z and r both biases are plain sums: the b column shows b + b'.
        let z = UnitBreakdown.Row(
            .z, "update", fromInput: UnitBreakdown.dot(x, w, column: u), fromState: dot(hPrev, u), bias: b(0) + bRec(0),
            activation: recurrentActivation, terms: UnitBreakdown.terms(x: x, w, state: hPrev, uu, column: u))
        let r = UnitBreakdown.Row(
            .r, "reset", fromInput: UnitBreakdown.dot(x, w, column: hu + u), fromState: dot(hPrev, hu + u),
            bias: b(1) + bRec(1), activation: recurrentActivation,
            terms: UnitBreakdown.terms(x: x, w, state: hPrev, uu, column: hu + u))
        let rValue = r.value
        let rT = current[1]
        // The reset comes after U (r·(h·Uh + b')) or before it ((r∗h)·Uh).
        let reset = zip(rT, hPrev).map(*)
        let candidate = UnitBreakdown.Row(
            .hTilde, "candidate", fromInput: UnitBreakdown.dot(x, w, column: 2 * hu + u),
            fromState: resetAfter ? rValue * (dot(hPrev, 2 * hu + u) + bRec(2)) : dot(reset, 2 * hu + u), bias: b(2),
            activation: activation,
            terms: resetAfter
                ? UnitBreakdown.terms(x: x, w, state: hPrev, uu, column: 2 * hu + u, scale: rValue)
                : UnitBreakdown.terms(x: x, w, state: reset, uu, column: 2 * hu + u))
        let zValue = z.value, hTilde = candidate.value, h = current[3][u]
        var notes = [
            UnitBreakdown.Note(
                resetAfter
                    ? [
                        .text(" reset after U: h·U of "), .symbol(.hTilde), .text(" is r"), .dot,
                        .text("(h_prev·Uh + b')"),
                    ]
                    : [.text(" reset before U: h·U of "), .symbol(.hTilde), .text(" is (r∗h_prev)·Uh")],
                heading: true)
        ]
        if recurrentBias != nil {
            notes.append(
                UnitBreakdown.Note([.text(" b of z and r is b + b' (input and recurrent bias)")], heading: false))
        }
        let equation = UnitBreakdown.Equation(
            [
                [[.text("h = z"), .dot, .text("h_prev + (1 − z)"), .dot, .symbol(.hTilde)]],
                [
                    [
                        .number(zValue, wrap: false), .dot, .number(hPrev[u], wrap: true), .text(" + "),
                        .number(1 - zValue, wrap: false), .dot, .number(hTilde, wrap: true),
                    ],
                    [.number(h, wrap: false)],
                ],
            ], note: "(kept + new)")
        return UnitBreakdown(layout: .vectors, rows: [z, r, candidate], notes: notes, equations: [equation])
    }
}
