/// Bugs any kind can have, as kinds of their own wrapping the real layer: a port that starts
/// every step from zero state, and one that reads the window the other way round.
struct StateResetEachStep<Base: RecurrentLayer>: RecurrentLayer {
    typealias Step = Base.Step
    static var kind: LayerKind { Base.kind }
    static var vectorNames: [VectorName] { Base.vectorNames }
    static var stateNames: [VectorName] { Base.stateNames }
    static var gateLayout: [GateBlock]? { Base.gateLayout }
    static func inputBlockSteps(forRun steps: Int) -> Int { 1 }

    var base: Base
    var name: String {
        get { base.name }
        set { base.name = newValue }
    }
    var kernel: Matrix { base.kernel }
    var recurrentKernel: Matrix { base.recurrentKernel }
    var returnSequences: Bool { base.returnSequences }
    var goBackwards: Bool { base.goBackwards }
    var zeroOutputForMask: Bool {
        get { base.zeroOutputForMask }
        set { base.zeroOutputForMask = newValue }
    }
    var parameterCount: Int { base.parameterCount }
    var settingsText: String { base.settingsText }
    var settings: [LayerSetting] { base.settings }

    /// The base's step from zero state, whatever the state was.
    func step(x: [Float], state: [[Float]]) -> Base.Step { base.step(x: x, state: base.zeroState) }
    func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?
    { nil }
    func activation(of name: VectorName) -> Activation? { base.activation(of: name) }
    func weightArrays(input: String, hu: String) -> [WeightArray] { base.weightArrays(input: input, hu: hu) }
    func unitBreakdown(unit: Int, x: [Float], previous: [[Float]], current: [[Float]]) -> UnitBreakdown {
        base.unitBreakdown(unit: unit, x: x, previous: previous, current: current)
    }
    func isEqual(to other: any RecurrentLayer) -> Bool { false }
}

/// The layer reading its window the other way round (go_backwards ignored, or added).
struct TimeReversed<Base: RecurrentLayer>: RecurrentLayer {
    typealias Step = Base.Step
    static var kind: LayerKind { Base.kind }
    static var vectorNames: [VectorName] { Base.vectorNames }
    static var stateNames: [VectorName] { Base.stateNames }
    static var gateLayout: [GateBlock]? { Base.gateLayout }
    static func inputBlockSteps(forRun steps: Int) -> Int { Base.inputBlockSteps(forRun: steps) }

    var base: Base
    var name: String {
        get { base.name }
        set { base.name = newValue }
    }
    var kernel: Matrix { base.kernel }
    var recurrentKernel: Matrix { base.recurrentKernel }
    var returnSequences: Bool { base.returnSequences }
    var goBackwards: Bool { !base.goBackwards }
    var zeroOutputForMask: Bool {
        get { base.zeroOutputForMask }
        set { base.zeroOutputForMask = newValue }
    }
    var parameterCount: Int { base.parameterCount }
    var settingsText: String { base.settingsText }
    var settings: [LayerSetting] { base.settings }

    func step(x: [Float], state: [[Float]]) -> Base.Step { base.step(x: x, state: state) }
    /// The base's kernel, on the rows in this layer's order.
    func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?
    { base.fastRun(input, order: order, state: &state, kept: kept, threads: threads) }
    func activation(of name: VectorName) -> Activation? { base.activation(of: name) }
    func weightArrays(input: String, hu: String) -> [WeightArray] { base.weightArrays(input: input, hu: hu) }
    func unitBreakdown(unit: Int, x: [Float], previous: [[Float]], current: [[Float]]) -> UnitBreakdown {
        base.unitBreakdown(unit: unit, x: x, previous: previous, current: current)
    }
    func isEqual(to other: any RecurrentLayer) -> Bool { false }
}

extension RecurrentLayer {
    /// This layer's own variants and the two every kind can have.
    func allPortingVariants() -> [PortingVariant] {
        portingVariants() + [
            PortingVariant(
                Hypothesis(
                    .stateResetEachStep, layer: name,
                    text: "theirs starts every step of layer \(name) from zero state: the state is not carried "
                        + "(the first step agrees, the rest do not)"),
                make: { StateResetEachStep(base: self) }),
            PortingVariant(
                Hypothesis(
                    .timeReversed, layer: name,
                    text: goBackwards
                        ? "theirs reads the window forwards, but layer \(name) has go_backwards=True"
                        : "theirs reads the window of layer \(name) backwards"),
                make: { TimeReversed(base: self) }),
        ]
    }
}
