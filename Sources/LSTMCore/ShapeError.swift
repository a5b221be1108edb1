/// A weight or input whose shape does not fit the layer or model it is given to.
///
/// The message names the layer, the parameter and both shapes, e.g.
/// `layer "lstm": recurrent kernel U has shape (4, 20) but must be (5, 20) = (hu, 4·hu)`.
public struct ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A readable explanation of the mismatch.
    public let message: String

    /// Creates an error with a readable message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Formats a shape the way NumPy prints it: `(4, 20)`, `(20,)`.
public func formatShape(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
