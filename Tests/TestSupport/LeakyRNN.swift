import LSTMCore

/// A recurrent kind the library has never seen, written as a new kind would be written in
/// `Sources/LSTMCore/Kinds/`: the walker, every report and the explorer take it with no change.
/// (A real new kind also adds its `LayerKind` case, and `VectorName` cases for new vectors,
/// and a reader in ModelIO; this one borrows SimpleRNN's kind name and h̃, h.)
public struct LeakyRNN: RecurrentLayer, Equatable {
    public struct Step: RecurrentStep {
        public var candidate: [Float]
        public var h: [Float]
        public var vectors: [[Float]] { [candidate, h] }
    }

    public static let kind = LayerKind.simpleRNN
    public static let vectorNames: [VectorName] = [.hTilde, .h]
    public static let stateNames: [VectorName] = [.h]
    public static let gateLayout: [GateBlock]? = nil
    public static func inputBlockSteps(forRun steps: Int) -> Int { 1 }

    public var name = "leaky"
    public let kernel: Matrix
    public let recurrentKernel: Matrix
    public let leak: Float = 0.25
    public var returnSequences = false
    public var goBackwards = false
    public var zeroOutputForMask = false
    public var initialState: [[Float]]?
    public var parameterCount: Int { kernel.count + recurrentKernel.count }

    public init(kernel: Matrix, recurrentKernel: Matrix, returnSequences: Bool = false) {
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.returnSequences = returnSequences
    }

    /// h̃ = tanh(x·W + h·U), h = leak·h_prev + (1 − leak)·h̃.
    public func step(x: [Float], state: [[Float]]) -> Step {
        let h = state[0]
        let candidate: [Float] = (0..<units).map { j in
            let z = UnitBreakdown.dot(x, kernel, column: j) + UnitBreakdown.dot(h, recurrentKernel, column: j)
            return Activation.tanh(z)
        }
        return Step(candidate: candidate, h: (0..<units).map { leak * h[$0] + (1 - leak) * candidate[$0] })
    }

    public func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?
    { nil }

    public func activation(of name: VectorName) -> Activation? { name == .hTilde ? .tanh : nil }

    public func weightArrays(input: String, hu: String) -> [WeightArray] {
        [
            WeightArray("W", "kernel", kernel, axes: [input, hu], gated: false),
            WeightArray("U", "recurrent_kernel", recurrentKernel, axes: [hu, hu], gated: false),
        ]
    }

    public var settingsText: String { "leak \(leak): h = leak·h_prev + (1 − leak)·tanh(x·W + h·U)" }
    public var settings: [LayerSetting] { [LayerSetting("leak", .string(String(leak)))] }

    public func unitBreakdown(unit u: Int, x: [Float], previous: [[Float]], current: [[Float]]) -> UnitBreakdown {
        let row = UnitBreakdown.Row(
            .hTilde, "candidate", fromInput: UnitBreakdown.dot(x, kernel, column: u),
            fromState: UnitBreakdown.dot(previous[0], recurrentKernel, column: u), bias: 0, activation: .tanh,
            terms: UnitBreakdown.terms(x: x, kernel, state: previous[0], recurrentKernel, column: u))
        let equation = UnitBreakdown.Equation(
            [
                [
                    [.text("h = leak"), .dot, .text("h_prev + (1 − leak)"), .dot, .symbol(.hTilde)],
                    [.number(current[1][u], wrap: false)],
                ]
            ])
        return UnitBreakdown(layout: .vectors, rows: [row], equations: [equation])
    }
}
