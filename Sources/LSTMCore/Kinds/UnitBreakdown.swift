/// One unit of one step taken apart, as a kind explains itself in the explorer's Unit view:
/// each pre-activation split into x·W, h·U and b, then how the new state is made.
///
/// The kind gives the numbers and the formulas; the explorer only lays them out (glyphs,
/// number format and line wrapping are its business, hence ``Piece``).
public struct UnitBreakdown: Sendable {
    /// How the table is headed and laid out.
    public enum Layout: Sendable, Equatable {
        /// Every row is a gate (LSTM): the column is headed "gate" and the input row follows.
        case gates
        /// Rows are any of the kind's vectors: the title names the kind.
        case vectors
    }

    /// One pre-activation z = x·W + h·U + b and the vector value act(z).
    public struct Row: Sendable {
        /// The vector the row makes.
        public let vector: VectorName
        /// Its name in words (`input gate`, `update`); empty when the symbol says it all.
        public let title: String
        /// x·W for this column.
        public let fromInput: Float
        /// What the state adds: h·U (for a GRU's h̃ with reset_after, r·(h·U + b')).
        public let fromState: Float
        /// b for this column (a GRU's z and r: b + b').
        public let bias: Float
        /// The activation applied to z.
        public let activation: Activation
        /// The products that make x·W and h·U, named `x3`, `h1`, …
        public let terms: [(name: String, value: Float)]

        /// Creates a row.
        public init(
            _ vector: VectorName, _ title: String, fromInput: Float, fromState: Float, bias: Float,
            activation: Activation, terms: [(name: String, value: Float)]
        ) {
            self.vector = vector
            self.title = title
            self.fromInput = fromInput
            self.fromState = fromState
            self.bias = bias
            self.activation = activation
            self.terms = terms
        }

        /// z = x·W + h·U + b, summed in that order.
        public var total: Float { fromInput + fromState + bias }
        /// act(z).
        public var value: Float { activation(total) }
    }

    /// A piece of a formula: words, a number, or a symbol the explorer draws in its glyphs.
    public enum Piece: Sendable {
        case text(String)
        /// A number; `wrap` puts a negative one in parentheses (it follows an operator).
        case number(Float, wrap: Bool)
        /// The multiplication dot.
        case dot
        /// A vector's symbol (c̃, h̃).
        case symbol(VectorName)
    }

    /// A run of pieces read as one string.
    public typealias Formula = [Piece]

    /// An equation and its numbers: groups of `=`-joined parts, each group on a new line.
    public struct Equation: Sendable {
        /// The groups; the first part of the first is the equation in symbols.
        public let groups: [[Formula]]
        /// Words after the last part (`(kept + new)`).
        public let note: String
        /// Whether the first line is drawn as a heading.
        public let headed: Bool

        /// Creates an equation.
        public init(_ groups: [[Formula]], note: String = "", headed: Bool = true) {
            self.groups = groups
            self.note = note
            self.headed = headed
        }
    }

    /// A line of explanation above the equations.
    public struct Note: Sendable {
        public let formula: Formula
        public let heading: Bool

        /// Creates a note.
        public init(_ formula: Formula, heading: Bool) {
            self.formula = formula
            self.heading = heading
        }
    }

    /// The table's layout.
    public let layout: Layout
    /// The pre-activations, in the order of the kind's gate blocks.
    public let rows: [Row]
    /// Lines before the equations.
    public let notes: [Note]
    /// How the new state is made, one equation after another (a blank line between).
    public let equations: [Equation]

    /// Creates a breakdown.
    public init(layout: Layout, rows: [Row], notes: [Note] = [], equations: [Equation]) {
        self.layout = layout
        self.rows = rows
        self.notes = notes
        self.equations = equations
    }

    /// x[k]·W[k, column] named `x<k>`, then scale·v[k]·U[k, column] named `h<k>`.
    public static func terms(x: [Float], _ w: Matrix, state v: [Float], _ u: Matrix, column: Int, scale: Float = 1)
        -> [(name: String, value: Float)]
    {
        (0..<w.rows).map { ("x\($0)", x[$0] * w[$0, column]) }
            + (0..<u.rows).map { ("h\($0)", scale * v[$0] * u[$0, column]) }
    }

    /// v·M[:, column], summed in row order.
    public static func dot(_ v: [Float], _ m: Matrix, column: Int) -> Float {
        zip(v, 0..<m.rows).reduce(0) { $0 + $1.0 * m[$1.1, column] }
    }
}
