/// What a recurrent kind (LSTM, GRU, SimpleRNN, …) is to the rest of lstmscope.
///
/// A kind lives in its own folder under `Kinds/`: its layer type conforming here, its named
/// step struct, its readable `step`, and its fast kernel if it has one. The walker, the
/// reports and the explorer only ever see this protocol, so a new kind needs no `case` in
/// them; it needs a ``LayerKind`` case and a reader in ModelIO that builds it.
public protocol RecurrentLayer: Sendable {
    /// The step struct: every vector one step computes, by name.
    associatedtype Step: RecurrentStep

    /// The kind, whose raw value is the Keras class name.
    static var kind: LayerKind { get }
    /// The vectors a step keeps, in display order (the order of ``RecurrentStep/vectors``).
    static var vectorNames: [VectorName] { get }
    /// What is carried from one step to the next, h first: [h, c] for an LSTM, [h] for the rest.
    static var stateNames: [VectorName] { get }
    /// The gate blocks side by side along the columns of W, U and b; nil when the columns are
    /// the units themselves (SimpleRNN).
    static var gateLayout: [GateBlock]? { get }

    /// The layer's name in the model.
    var name: String { get set }
    /// W: input weights, xu rows.
    var kernel: Matrix { get }
    /// U: recurrent weights, hu rows.
    var recurrentKernel: Matrix { get }
    /// Whether the layer outputs h for every step or only the last.
    var returnSequences: Bool { get }
    /// Whether the layer reads its window from the last row to the first.
    var goBackwards: Bool { get }
    /// After a Masking layer: whether a skipped step outputs zeros (true) or repeats the
    /// previous output (false, Keras's default; Bidirectional sets it to return_sequences).
    var zeroOutputForMask: Bool { get set }
    /// The state a window starts from, in ``stateNames`` order (each vector `units` long); nil
    /// for zeros, as every Keras layer starts. A converted file can give one (ONNX's constant
    /// `initial_h` and `initial_c`); its reader checks the shapes.
    var initialState: [[Float]]? { get set }
    /// Trainable parameters, as Keras's `count_params()` counts them.
    var parameterCount: Int { get }

    /// One readable step from `state` (in ``stateNames`` order) on input row `x`, as Keras's
    /// cell computes it. The fast kernels are tested against this.
    func step(x: [Float], state: [[Float]]) -> Step

    /// Rows `order` of `input` through the fast kernel from `state`, left at the state after
    /// the last row. Returns the vectors `kept` asks for, steps × units each; nil when the kind
    /// has no fast kernel (the walker then runs the readable step).
    func fastRun(_ input: Matrix, order: [Int], state: inout [[Float]], kept: KeptVectors, threads: Int)
        -> [[Float]]?

    /// Several windows' rows (the same T each, in time order) through the fast kernel
    /// together, every vector kept: per window what ``fastRun(_:order:state:kept:threads:)``
    /// gives with `.all`, the same bits. Nil when the kind has no batched kernel.
    func fastRunBatch(_ inputs: [Matrix], states: inout [[[Float]]]) -> [[[Float]]]?

    /// Steps whose input projection x·W the fast kernel computes together (one pass over W) in
    /// a run of `steps`; 1 for a kind that runs step by step.
    static func inputBlockSteps(forRun steps: Int) -> Int

    /// Threads the fast kernel really uses when `threads` are asked for (1 for most kinds).
    func threadsUsed(asking threads: Int) -> Int

    /// The activation vector `name` comes out of, as the tables label it; nil for the states.
    func activation(of name: VectorName) -> Activation?

    /// The layer's weight arrays in Keras's order, with what their axes mean: `input` is what W
    /// reads (`xu`, `hu1`, …), `hu` this layer's units.
    func weightArrays(input: String, hu: String) -> [WeightArray]

    /// The kind's settings for `inspect`: `activation tanh, recurrent_activation sigmoid = …`.
    var settingsText: String { get }

    /// The same settings as typed fields for the JSON form, between `units` and `return_sequences`.
    var settings: [LayerSetting] { get }

    /// Unit `unit` of step `current` (the step's vectors, in ``vectorNames`` order), taken from
    /// `previous` (the state before it) on input `x`: each pre-activation split into its sums,
    /// and how the new state is made, for the explorer's Unit view.
    func unitBreakdown(unit: Int, x: [Float], previous: [[Float]], current: [[Float]]) -> UnitBreakdown

    /// The layer as a port might get it wrong, one named way each (gate blocks in another
    /// order, another activation, a bias left out, …): what `compare` replays to diagnose.
    /// Ways every kind can go wrong (state reset, time reversed) are added by ``Diagnosis``.
    func portingVariants() -> [PortingVariant]

    /// Whether `other` is this same layer (kind, weights and settings).
    func isEqual(to other: any RecurrentLayer) -> Bool
}

/// Every vector one step of a recurrent kind computes.
public protocol RecurrentStep: Sendable {
    /// The vectors in the kind's ``RecurrentLayer/vectorNames`` order.
    var vectors: [[Float]] { get }
}

/// What a run through a fast kernel keeps.
public enum KeptVectors: Sendable, Equatable {
    /// Every vector of every step, in ``RecurrentLayer/vectorNames`` order.
    case all
    /// Only h at every step (what a layer with return_sequences passes on).
    case hidden
    /// Nothing per step: the state after the last row is all that is wanted.
    case lastState
}

extension RecurrentLayer where Self: Equatable {
    public func isEqual(to other: any RecurrentLayer) -> Bool { (other as? Self) == self }
}

extension RecurrentLayer {
    /// The kind, from the instance.
    public var kind: LayerKind { Self.kind }
    /// The vectors a step keeps, from the instance.
    public var vectorNames: [VectorName] { Self.vectorNames }
    /// What is carried from step to step, from the instance.
    public var stateNames: [VectorName] { Self.stateNames }
    /// The gate blocks, from the instance.
    public var gateLayout: [GateBlock]? { Self.gateLayout }
    /// xu: size of one input row.
    public var inputSize: Int { kernel.rows }
    /// hu: number of hidden units.
    public var units: Int { recurrentKernel.rows }

    /// `LSTM(5)`, `GRU(8, seq)`.
    public var label: String { "\(Self.kind)(\(units)\(returnSequences ? ", seq" : ""))" }

    /// The zero state every Keras window starts from, in ``stateNames`` order.
    public var zeroState: [[Float]] {
        [[Float]](repeating: [Float](repeating: 0, count: units), count: Self.stateNames.count)
    }

    /// The state a window starts from: ``initialState``, or zeros.
    public var startState: [[Float]] { initialState ?? zeroState }

    /// Unit `unit` of state vector `name` (h, c) before the first step; nil for a vector that
    /// is not carried.
    public func startValue(_ name: VectorName, unit: Int) -> Float? {
        Self.stateNames.firstIndex(of: name).map { startState[$0][unit] }
    }

    /// The rows of a `steps`-row window in the order the layer reads them.
    public func readingOrder(steps: Int) -> [Int] {
        goBackwards ? Array((0..<steps).reversed()) : Array(0..<steps)
    }

    /// None, for a kind that names no bugs of its own yet.
    public func portingVariants() -> [PortingVariant] { [] }

    /// One thread, for kinds whose kernel does not split.
    public func threadsUsed(asking threads: Int) -> Int { 1 }

    /// No batched kernel: the walker runs such a kind a window at a time.
    public func fastRunBatch(_ inputs: [Matrix], states: inout [[[Float]]]) -> [[[Float]]]? { nil }

    /// The state a step leaves (in ``stateNames`` order), taken from its vectors.
    public func state(after step: Step) -> [[Float]] {
        let vectors = step.vectors
        return Self.stateNames.map { vectors[Self.vectorNames.firstIndex(of: $0)!] }
    }
}
