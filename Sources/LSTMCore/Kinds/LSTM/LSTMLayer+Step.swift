/// The state an LSTM carries from one step to the next.
public struct LSTMState: Sendable, Equatable {
    /// Hidden state h.
    public var h: [Float]
    /// Cell state c.
    public var c: [Float]

    /// The zero state every Keras window starts from.
    public static func zero(units: Int) -> LSTMState {
        LSTMState(h: [Float](repeating: 0, count: units), c: [Float](repeating: 0, count: units))
    }

    /// Creates a state from h and c.
    public init(h: [Float], c: [Float]) {
        self.h = h
        self.c = c
    }
}

/// Everything one LSTM step computes: the four gates, the new cell state and the new hidden state.
public struct LSTMStep: Sendable, Equatable {
    /// Input gate σ(x·Wi + h·Ui + bi).
    public var i: [Float]
    /// Forget gate σ(x·Wf + h·Uf + bf).
    public var f: [Float]
    /// Candidate tanh(x·Wc + h·Uc + bc).
    public var cTilde: [Float]
    /// Output gate σ(x·Wo + h·Uo + bo).
    public var o: [Float]
    /// New cell state f∗c_prev + i∗c̃.
    public var c: [Float]
    /// New hidden state o∗tanh(c).
    public var h: [Float]

    /// The state to carry into the next step.
    public var state: LSTMState { LSTMState(h: h, c: c) }
}

/// A gate's pre-activation for one unit, split into the three sums that make it.
public struct GateContribution: Sendable, Equatable {
    /// x·W for this gate column.
    public var fromInput: Float
    /// h_prev·U for this gate column.
    public var fromRecurrent: Float
    /// b for this gate column (0 without bias).
    public var bias: Float
    /// x[k]·W[k, column] for each input k, to show which inputs matter most.
    public var perInput: [Float]
    /// h_prev[k]·U[k, column] for each unit k.
    public var perRecurrent: [Float]

    /// The pre-activation z = x·W + h·U + b.
    public var total: Float { fromInput + fromRecurrent + bias }
}

extension LSTMLayer {
    /// One LSTM step from state `previous` on input row `x`, as in Keras's `LSTMCell.call` (for a
    /// ``hybrid`` layer, with z's products as TFLite's hybrid kernel computes them).
    ///
    /// ```
    /// z = x·W + h·U + b                      (4·hu values, blocks i | f | c̃ | o)
    /// i = σ(z_i)  f = σ(z_f)  c̃ = tanh(z_c)  o = σ(z_o)
    /// c = f∗c_prev + i∗c̃      h = o∗tanh(c)
    /// ```
    public func step(x: [Float], previous: LSTMState) -> LSTMStep {
        let hu = units
        var z = [Float](repeating: 0, count: 4 * hu)
        if let hybrid, let u = hybrid.recurrentKernel {
            // TFLite's order: the bias, then x's product, then h's.
            if let bias { z = bias }
            addHybridProduct(x, hybrid.kernel, inputs: hybrid.inputs, into: &z)
            addHybridProduct(previous.h, u, inputs: hybrid.inputs, into: &z)
        } else {
            addVectorMatrixProduct(x, kernel, into: &z)
            addVectorMatrixProduct(previous.h, recurrentKernel, into: &z)
            if let bias {
                for j in 0..<4 * hu { z[j] += bias[j] }
            }
        }

        // A hybrid layer's h is quantized again next step, so its activations are TFLite's own.
        let activation =
            hybrid == nil ? self.activation.callAsFunction : { EigenActivations.apply(self.activation, $0) }
        let recurrentActivation =
            hybrid == nil
            ? self.recurrentActivation.callAsFunction : { EigenActivations.apply(self.recurrentActivation, $0) }
        if let clip = preactivationClip {
            for j in 0..<4 * hu { z[j] = max(min(clip, z[j]), -clip) }
        }
        var s = LSTMStep(i: [], f: [], cTilde: [], o: [], c: [], h: [])
        for j in 0..<hu {
            let i = recurrentActivation(z[j])
            let f = couplesForgetGate ? 1 - i : recurrentActivation(z[hu + j])
            let cTilde = activation(z[2 * hu + j])
            let o = recurrentActivation(z[3 * hu + j])
            var c = f * previous.c[j] + i * cTilde
            if let clip = cellClip { c = max(min(clip, c), -clip) }
            let h = o * activation(c)
            s.i.append(i); s.f.append(f); s.cTilde.append(cTilde); s.o.append(o)
            s.c.append(c); s.h.append(h)
        }
        return s
    }

    /// The pre-activation of `gate` for `unit`, split into x·W, h·U and b, for the unit detail view.
    public func contribution(of gate: LSTMGate, unit: Int, x: [Float], previousH: [Float]) -> GateContribution {
        let column = gate.columns(units: units).lowerBound + unit
        let perInput = (0..<inputSize).map { x[$0] * kernel[$0, column] }
        let perRecurrent = (0..<units).map { previousH[$0] * recurrentKernel[$0, column] }
        return GateContribution(
            fromInput: perInput.reduce(0, +),
            fromRecurrent: perRecurrent.reduce(0, +),
            bias: bias?[column] ?? 0,
            perInput: perInput,
            perRecurrent: perRecurrent)
    }
}
