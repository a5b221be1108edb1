import Foundation
import LSTMCore

/// Ports of a model written as a user writes one: a plain loop over the Keras arrays, in
/// Double, independent of lstmscope's steps and kernels, with one bug planted at a time.
/// What they print is what `compare` gets as theirs.
enum PortBug: Equatable {
    case none
    /// Block k of the 4·hu (3·hu) axis read as gate `order[k]` (letters i f c o; z r h).
    case gateOrder([Character])
    case recurrentActivation(String)
    case activation(String)
    case noBias
    case noRecurrentBias
    case forgetBiasPlusOne
    case stateResetEachStep
    case timeReversed
    /// W or U (or Wout) read as if stored (columns, rows).
    case transposed(String)
    case resetBefore
    case resetAfter
    case float16
    case bfloat16
}

/// Activations by Keras name, computed in Double.
func portActivation(_ name: String) -> (Double) -> Double {
    switch name {
    case "sigmoid": { 1 / (1 + exp(-$0)) }
    case "tanh": { tanh($0) }
    case "relu": { max(0, $0) }
    case "linear": { $0 }
    case "hard_sigmoid_keras2": { min(1, max(0, 0.2 * $0 + 0.5)) }
    case "hard_sigmoid_keras3": { min(1, max(0, $0 / 6 + 0.5)) }
    default: fatalError("no port activation \(name)")
    }
}

/// (rows, columns) row-major data as a port indexes it: w(k, j), or the other order.
struct PortMatrix {
    let values: [Float]
    let rows: Int, columns: Int
    var transposed = false
    var round: ((Float) -> Float)?

    init(_ m: Matrix, transposed: Bool = false, round: ((Float) -> Float)? = nil) {
        values = m.values
        rows = m.rows
        columns = m.columns
        self.transposed = transposed
        self.round = round
    }

    func callAsFunction(_ k: Int, _ j: Int) -> Double {
        let v = transposed ? values[(j * rows + k) % values.count] : values[k * columns + j]
        return Double(round?(v) ?? v)
    }
}

func roundFunction(_ bug: PortBug) -> ((Float) -> Float)? {
    switch bug {
    case .float16: { Float(Float16($0)) }
    case .bfloat16:
        { x in
            let bits = x.bitPattern
            return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
        }
    default: nil
    }
}

/// An LSTM port: every step's i, f, c̃, o, c, h.
func lstmPort(_ layer: LSTMLayer, _ x: [[Float]], bug: PortBug, recurrent: String, activation: String = "tanh")
    -> [[VectorName: [Float]]]
{
    let hu = layer.units, xu = layer.inputSize
    let round = roundFunction(bug)
    let w = PortMatrix(layer.kernel, transposed: bug == .transposed("W"), round: round)
    let u = PortMatrix(layer.recurrentKernel, transposed: bug == .transposed("U"), round: round)
    let b: [Double] = (0..<4 * hu).map { j in
        guard bug != .noBias, let bias = layer.bias else { return 0 }
        return Double(round?(bias[j]) ?? bias[j]) + (bug == .forgetBiasPlusOne && j >= hu && j < 2 * hu ? 1 : 0)
    }
    var order: [Character] = ["i", "f", "c", "o"]
    if case .gateOrder(let o) = bug { order = o }
    var rec = portActivation(recurrent), act = portActivation(activation)
    if case .recurrentActivation(let name) = bug { rec = portActivation(name) }
    if case .activation(let name) = bug { act = portActivation(name) }
    var h = [Double](repeating: 0, count: hu), c = h
    let rows = bug == .timeReversed ? Array(x.reversed()) : x
    return rows.map { xt in
        if bug == .stateResetEachStep {
            h = [Double](repeating: 0, count: hu)
            c = h
        }
        var z = b
        for j in 0..<4 * hu {
            for k in 0..<xu { z[j] += Double(xt[k]) * w(k, j) }
            for k in 0..<hu { z[j] += h[k] * u(k, j) }
        }
        func block(_ gate: Character) -> [Double] {
            let k = order.firstIndex(of: gate)!
            return Array(z[k * hu..<(k + 1) * hu])
        }
        let i = block("i").map(rec), f = block("f").map(rec), g = block("c").map(act), o = block("o").map(rec)
        c = (0..<hu).map { f[$0] * c[$0] + i[$0] * g[$0] }
        h = (0..<hu).map { o[$0] * act(c[$0]) }
        func float(_ v: [Double]) -> [Float] { v.map(Float.init) }
        return [.i: float(i), .f: float(f), .cTilde: float(g), .o: float(o), .c: float(c), .h: float(h)]
    }
}

/// A GRU port: every step's z, r, h̃, h.
func gruPort(_ layer: GRULayer, _ x: [[Float]], bug: PortBug) -> [[VectorName: [Float]]] {
    let hu = layer.units, xu = layer.inputSize
    let round = roundFunction(bug)
    let w = PortMatrix(layer.kernel, transposed: bug == .transposed("W"), round: round)
    let u = PortMatrix(layer.recurrentKernel, transposed: bug == .transposed("U"), round: round)
    func bias(_ v: [Float]?) -> [Double] {
        (0..<3 * hu).map { j in bug == .noBias ? 0 : v.map { Double(round?($0[j]) ?? $0[j]) } ?? 0 }
    }
    let b = bias(layer.inputBias)
    let b2 = bug == .noRecurrentBias ? [Double](repeating: 0, count: 3 * hu) : bias(layer.recurrentBias)
    var order: [Character] = ["z", "r", "h"]
    if case .gateOrder(let o) = bug { order = o }
    let resetAfter = bug == .resetAfter || (layer.resetAfter && bug != .resetBefore)
    let sigma = portActivation("sigmoid")
    var h = [Double](repeating: 0, count: hu)
    return x.map { xt in
        // Column of gate `gate`, unit j, as the port finds it.
        func col(_ gate: Character, _ j: Int) -> Int { order.firstIndex(of: gate)! * hu + j }
        var xw = [Double](repeating: 0, count: 3 * hu), hu_ = xw
        for j in 0..<3 * hu {
            for k in 0..<xu { xw[j] += Double(xt[k]) * w(k, j) }
            for k in 0..<hu { hu_[j] += h[k] * u(k, j) }
        }
        let z = (0..<hu).map { sigma(xw[col("z", $0)] + b[col("z", $0)] + hu_[col("z", $0)] + b2[col("z", $0)]) }
        let r = (0..<hu).map { sigma(xw[col("r", $0)] + b[col("r", $0)] + hu_[col("r", $0)] + b2[col("r", $0)]) }
        let candidate: [Double] = (0..<hu).map { j in
            let c = col("h", j)
            if resetAfter { return tanh(xw[c] + b[c] + r[j] * (hu_[c] + b2[c])) }
            // Reset before: (r∗h)·Uh, and the biases summed.
            var rh = 0.0
            for k in 0..<hu { rh += r[k] * h[k] * u(k, c) }
            return tanh(xw[c] + b[c] + b2[c] + rh)
        }
        h = (0..<hu).map { z[$0] * h[$0] + (1 - z[$0]) * candidate[$0] }
        func float(_ v: [Double]) -> [Float] { v.map(Float.init) }
        return [.z: float(z), .r: float(r), .hTilde: float(candidate), .h: float(h)]
    }
}

/// The Dense head on the last h, as a port computes it.
func densePort(_ dense: DenseLayer, _ h: [Float], transposed: Bool = false) -> [Float] {
    let w = PortMatrix(dense.kernel, transposed: transposed)
    return (0..<dense.units).map { j in
        var y = Double(dense.bias?[j] ?? 0)
        for k in 0..<h.count { y += Double(h[k]) * w(k, j) }
        return Float(y)
    }
}

extension TheirValues {
    /// A port's steps of traced layer `layer` as theirs (`only`: just those vectors), numbered
    /// as `trace` numbers them.
    static func from(
        _ steps: [[VectorName: [Float]]], layer: Int, times: [Int], only: Set<VectorName>? = nil,
        into values: inout TheirValues
    ) {
        for (s, vectors) in steps.enumerated() {
            for (name, v) in vectors where only?.contains(name) ?? true {
                _ = values.set(Key(layer: layer, t: times[s], vector: name), to: v)
            }
        }
    }
}
