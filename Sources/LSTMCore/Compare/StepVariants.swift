/// A kind that is another layer changed in one way: everything it does not say otherwise is
/// the base layer's.
protocol ChangedLayer: RecurrentLayer where Step == Base.Step {
    associatedtype Base: RecurrentLayer
    var base: Base { get set }
}

extension ChangedLayer {
    static var kind: LayerKind { Base.kind }
    static var vectorNames: [VectorName] { Base.vectorNames }
    static var stateNames: [VectorName] { Base.stateNames }
    static var gateLayout: [GateBlock]? { Base.gateLayout }
    static func inputBlockSteps(forRun steps: Int) -> Int { Base.inputBlockSteps(forRun: steps) }

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
    var initialState: [[Float]]? {
        get { base.initialState }
        set { base.initialState = newValue }
    }
    var parameterCount: Int { base.parameterCount }
    var settingsText: String { base.settingsText }
    var settings: [LayerSetting] { base.settings }

    func step(x: [Float], state: [[Float]]) -> Base.Step { base.step(x: x, state: state) }
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

/// A port that starts every step from zero state.
struct StateResetEachStep<Base: RecurrentLayer>: ChangedLayer {
    var base: Base

    static func inputBlockSteps(forRun steps: Int) -> Int { 1 }

    /// The base's step from zero state, whatever the state was.
    func step(x: [Float], state: [[Float]]) -> Base.Step { base.step(x: x, state: base.zeroState) }
    /// None: the readable step runs, from zero state each time.
    func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?
    { nil }
}

/// A port that reads the window the other way round (go_backwards ignored, or added); the
/// base's kernel runs on the rows in this layer's order.
struct TimeReversed<Base: RecurrentLayer>: ChangedLayer {
    var base: Base

    var goBackwards: Bool { !base.goBackwards }
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
        ] + initialStateVariants
    }

    /// A port that starts the window from zeros when the file gives the layer an initial state.
    private var initialStateVariants: [PortingVariant] {
        guard initialState != nil else { return [] }
        return [
            PortingVariant(
                Hypothesis(
                    .initialStateIgnored, layer: name,
                    text: "theirs starts layer \(name) from zeros, not from the initial state the file gives it"),
                make: {
                    var zeroed = self
                    zeroed.initialState = nil
                    return zeroed
                })
        ]
    }
}
