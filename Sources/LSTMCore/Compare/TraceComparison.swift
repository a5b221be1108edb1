/// Where two runs of a model disagree: ours (or a variant of the model) against theirs.
public struct TraceComparison: Sendable {
    /// One value that differs by more than the tolerance.
    public struct Divergence: Sendable, Equatable {
        /// The traced layer (index in ``Model/traced``).
        public let layer: Int
        /// The window's row; nil for the output.
        public let t: Int?
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

    /// The largest difference over everything compared (NaN when a NaN met a number).
    public private(set) var largestDifference: Float = 0
    /// Per layer and vector, the largest difference.
    public private(set) var largestBySeries: [Series: Float] = [:]
    /// The largest difference of the output, when theirs gave one.
    public private(set) var outputDifference: Float?
    /// The earliest divergence: the earliest t, then the layer in processing order, the vector
    /// in its kind's order, the lowest unit; the output's when every step agrees.
    public private(set) var firstDivergence: Divergence?
    /// Values compared, and the window rows they cover.
    public private(set) var comparedValues = 0
    public private(set) var comparedSteps: Set<Int> = []

    /// |a − b| as ``OutputComparison`` counts it: NaN against NaN and equal infinities are 0.
    public static func difference(_ a: Float, _ b: Float) -> Float { a.isNaN && b.isNaN || a == b ? 0 : abs(a - b) }

    /// Compares `trace` (a replay of `model`, its layers in ``Model/traced`` order) with
    /// `theirs`; `times[l][s]` is the window row theirs calls step s of layer l.
    public init(_ trace: ModelTrace, times: [[Int]], theirs: TheirValues, tolerance: Float) {
        // Rows of each layer by window time, for lookup.
        let rowAt: [[Int: Int]] = times.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        let keys = theirs.vectors.keys.sorted { a, b in
            let orderA = trace.layers[a.layer].vectorNames.firstIndex(of: a.vector) ?? 0
            let orderB = trace.layers[b.layer].vectorNames.firstIndex(of: b.vector) ?? 0
            return (a.t, a.layer, orderA) < (b.t, b.layer, orderB)
        }
        for key in keys {
            guard let row = rowAt[key.layer][key.t], let ours = trace.layers[key.layer].vector(key.vector, at: row)
            else {
                continue
            }
            let given = theirs.vectors[key]!
            comparedSteps.insert(key.t)
            var largest: Float = 0
            for (unit, value) in given.enumerated() {
                guard let value else { continue }
                comparedValues += 1
                let d = Self.difference(ours[unit], value)
                largest = d.isNaN || largest.isNaN ? .nan : max(largest, d)
                if firstDivergence == nil, d.isNaN || d > tolerance {
                    firstDivergence = Divergence(
                        layer: key.layer, t: key.t, vector: key.vector, unit: unit, ours: ours[unit], theirs: value,
                        difference: d)
                }
            }
            let series = Series(layer: key.layer, vector: key.vector)
            let before = largestBySeries[series] ?? 0
            largestBySeries[series] = before.isNaN || largest.isNaN ? .nan : max(before, largest)
            largestDifference = largestDifference.isNaN || largest.isNaN ? .nan : max(largestDifference, largest)
        }
        if let output = theirs.output {
            var largest: Float = 0
            for (unit, (a, b)) in zip(trace.output, output).enumerated() {
                comparedValues += 1
                let d = Self.difference(a, b)
                largest = d.isNaN || largest.isNaN ? .nan : max(largest, d)
                if firstDivergence == nil, d.isNaN || d > tolerance {
                    firstDivergence = Divergence(
                        layer: trace.layers.count - 1, t: nil, vector: nil, unit: unit, ours: a, theirs: b,
                        difference: d)
                }
            }
            outputDifference = largest
            largestDifference = largestDifference.isNaN || largest.isNaN ? .nan : max(largestDifference, largest)
        }
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
