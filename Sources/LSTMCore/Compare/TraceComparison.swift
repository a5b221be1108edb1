/// Where two runs of a model disagree: ours (or a variant of the model) against theirs.
public struct TraceComparison: Sendable {
    /// One value that differs by more than the tolerance.
    public struct Divergence: Sendable, Equatable {
        /// The traced layer (index in ``Model/traced``).
        public let layer: Int
        /// The window's row; nil for the output.
        public let t: Int?
        /// The layer's own step (in the order it reads the window: a layer that reads backwards
        /// takes row T − 1 first); nil for the output.
        public let step: Int?
        /// The vector; nil for the output.
        public let vector: VectorName?
        public let unit: Int
        public let ours: Float
        public let theirs: Float
        /// |ours − theirs|, NaN when only one of them is NaN.
        public let difference: Float
    }

    /// A layer's vector, for the table of largest differences.
    public struct Series: Hashable, Sendable, Comparable {
        public let layer: Int
        public let vector: VectorName

        /// Creates a key.
        public init(layer: Int, vector: VectorName) {
            self.layer = layer
            self.vector = vector
        }

        public static func < (a: Series, b: Series) -> Bool {
            (a.layer, a.vectorOrder) < (b.layer, b.vectorOrder)
        }

        /// The vector's place in the display order shared by every kind (i f c̃ o c h z r h̃).
        var vectorOrder: Int { VectorName.allCases.firstIndex(of: vector)! }
    }

    /// The tolerance a value must be within to agree.
    public let tolerance: Float
    /// The largest difference over everything compared (NaN when a NaN met a number).
    public private(set) var largestDifference: Float = 0
    /// Per layer and vector, the largest difference.
    public private(set) var largestBySeries: [Series: Float] = [:]
    /// The largest difference of the output, when theirs gave one.
    public private(set) var outputDifference: Float?
    /// Values compared, and the window rows they cover.
    public private(set) var comparedValues = 0
    public private(set) var comparedSteps: Set<Int> = []
    /// The traced layers and vectors theirs gave.
    public private(set) var comparedLayers: Set<Int> = []
    public private(set) var comparedVectors: Set<VectorName> = []
    private var stepDivergence: (order: [Int], divergence: Divergence)?
    private var outputDivergence: Divergence?

    /// The earliest divergence: the earliest step (each layer's own, in the order it reads the
    /// window), then the layer in processing order, the vector in its kind's order, the lowest
    /// unit; the output's when every step agrees.
    public var firstDivergence: Divergence? { stepDivergence?.divergence ?? outputDivergence }

    /// |a − b| as ``OutputComparison`` counts it: NaN against NaN and equal infinities are 0.
    public static func difference(_ a: Float, _ b: Float) -> Float { a.isNaN && b.isNaN || a == b ? 0 : abs(a - b) }

    private static func larger(_ a: Float, _ b: Float) -> Float { a.isNaN || b.isNaN ? .nan : max(a, b) }

    /// Nothing compared yet.
    public init(tolerance: Float) { self.tolerance = tolerance }

    /// Compares one vector theirs gave (`key`; `step`, the layer's own step at that window row;
    /// `vectorOrder`, the vector's place in its kind's order) with ours; in any order, the
    /// earliest divergence is kept.
    public mutating func add(_ key: TheirValues.Key, step: Int, vectorOrder: Int, ours: [Float], theirs: [Float?]) {
        comparedSteps.insert(key.t)
        comparedLayers.insert(key.layer)
        comparedVectors.insert(key.vector)
        var largest: Float = 0
        for (unit, value) in theirs.enumerated() {
            guard let value else { continue }
            comparedValues += 1
            let d = Self.difference(ours[unit], value)
            largest = Self.larger(largest, d)
            guard d.isNaN || d > tolerance else { continue }
            let order = [step, key.layer, vectorOrder, unit]
            if let current = stepDivergence, !order.lexicographicallyPrecedes(current.order) { continue }
            stepDivergence = (
                order,
                Divergence(
                    layer: key.layer, t: key.t, step: step, vector: key.vector, unit: unit, ours: ours[unit],
                    theirs: value, difference: d)
            )
        }
        let series = Series(layer: key.layer, vector: key.vector)
        largestBySeries[series] = Self.larger(largestBySeries[series] ?? 0, largest)
        largestDifference = Self.larger(largestDifference, largest)
    }

    /// Compares the output theirs gave with ours (`layer`: the last traced layer, for the report).
    public mutating func addOutput(ours: [Float], theirs: [Float], layer: Int) {
        var largest: Float = 0
        for (unit, (a, b)) in zip(ours, theirs).enumerated() {
            comparedValues += 1
            let d = Self.difference(a, b)
            largest = Self.larger(largest, d)
            if outputDivergence == nil, d.isNaN || d > tolerance {
                outputDivergence = Divergence(
                    layer: layer, t: nil, step: nil, vector: nil, unit: unit, ours: a, theirs: b, difference: d)
            }
        }
        outputDifference = largest
        largestDifference = Self.larger(largestDifference, largest)
    }

    /// Compares `trace` (a replay of the model, its layers in ``Model/traced`` order) with
    /// `theirs`; `times[l][s]` is the window row theirs calls step s of layer l.
    public init(_ trace: ModelTrace, times: [[Int]], theirs: TheirValues, tolerance: Float) {
        self.init(tolerance: tolerance)
        let rowAt: [[Int: Int]] = times.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        for (key, given) in theirs.vectors {
            guard let row = rowAt[key.layer][key.t], let ours = trace.layers[key.layer].vector(key.vector, at: row),
                let order = trace.layers[key.layer].vectorNames.firstIndex(of: key.vector)
            else { continue }
            add(key, step: row, vectorOrder: order, ours: ours, theirs: given)
        }
        if let output = theirs.output { addOutput(ours: trace.output, theirs: output, layer: trace.layers.count - 1) }
    }

    /// Whether everything theirs gave is within `tolerance` of ours.
    public func agrees(tolerance: Float) -> Bool { !largestDifference.isNaN && largestDifference <= tolerance }
}

extension Model {
    /// Per traced layer, the window row of each of its steps (step s of a layer that reads
    /// backwards is row T − 1 − s), as `trace` numbers them.
    public func windowTimes(steps: Int) -> [[Int]] {
        traced.map { $0.readsBackwards ? Array((0..<steps).reversed()) : Array(0..<steps) }
    }
}
