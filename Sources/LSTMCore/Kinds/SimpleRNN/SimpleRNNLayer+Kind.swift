extension SimpleRNNStep: RecurrentStep {
    public var vectors: [[Float]] { [h] }
}

extension SimpleRNNLayer: RecurrentLayer {
    public static let kind = LayerKind.simpleRNN
    public static let vectorNames: [VectorName] = [.h]
    public static let stateNames: [VectorName] = [.h]
    public static let gateLayout: [GateBlock]? = nil

    public func step(x: [Float], state: [[Float]]) -> SimpleRNNStep { step(x: x, previous: state[0]) }

    /// None: a SimpleRNN step is one product, and the readable step is what runs.
    public func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?
    { nil }

    public static func inputBlockSteps(forRun steps: Int) -> Int { 1 }

    public func activation(of name: VectorName) -> Activation? { nil }

    public func weightArrays(input: String, hu: String) -> [WeightArray] {
        var arrays = [
            WeightArray("W", "kernel", kernel, axes: [input, hu], gated: false),
            WeightArray("U", "recurrent_kernel", recurrentKernel, axes: [hu, hu], gated: false),
        ]
        if let bias { arrays.append(.vector("b", "bias", bias, axis: hu, gated: false)) }
        return arrays
    }

    public var settingsText: String {
        preactivationClip.map { "h = \(activation.kerasName)(clip(x·W + b + h·U, ±\($0)))" }
            ?? "h = \(activation.kerasName)(x·W + b + h·U)"
    }

    public var settings: [LayerSetting] {
        [LayerSetting("activation", .string(activation.kerasName)), LayerSetting("recurrent_activation", .null)]
            + (preactivationClip.map { [LayerSetting("clip", .string("\($0)"))] } ?? [])
    }

    public func unitBreakdown(unit u: Int, x: [Float], previous: [[Float]], current: [[Float]]) -> UnitBreakdown {
        let hPrev = previous[0]
        let row = UnitBreakdown.Row(
            .h, "", fromInput: UnitBreakdown.dot(x, kernel, column: u),
            fromState: UnitBreakdown.dot(hPrev, recurrentKernel, column: u), bias: bias?[u] ?? 0,
            activation: activation, terms: UnitBreakdown.terms(x: x, kernel, state: hPrev, recurrentKernel, column: u))
        let equation = UnitBreakdown.Equation(
            [
                [
                    [.text("h = \(activation.kerasName)(x"), .dot, .text("W + h_prev"), .dot, .text("U + b)")],
                    [.number(row.value, wrap: false)],
                ]
            ], headed: false)
        return UnitBreakdown(layout: .vectors, rows: [row], equations: [equation])
    }
}
