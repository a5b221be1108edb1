import LSTMCore

/// Why a file could not be loaded: always names the file, says what is wrong in words.
///
/// `description` is the one line the command-line tool prints:
/// `tutorial.h5: layer "dense": Dense kernel has 4 rows but the layer before it gives 5 values`.
public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of problem, so callers and tests can tell them apart.
    public enum Kind: Sendable, Equatable {
        case notFound, isDirectory, empty, unreadable, tooLarge
        case unknownFormat, notAnArchive, notKerasArchive, invalidConfig, invalidArray
        case missingWeights, unsupportedLayer, badShape, refused, badInput
    }

    /// The file, as the user named it.
    public let path: String
    /// The kind of problem.
    public let kind: Kind
    /// What is wrong, in words.
    public let problem: String

    /// Creates an error for `path`.
    public init(_ path: String, _ kind: Kind, _ problem: String) {
        self.path = path
        self.kind = kind
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

extension LoadError {
    static func shape(_ path: String, _ error: ShapeError) -> LoadError {
        LoadError(path, .badShape, error.message)
    }

    /// Runs `body` (which builds core layers), turning a ``ShapeError`` into a load error for
    /// `path` and passing load errors through.
    static func building<T>(_ path: String, _ body: () throws -> T) throws(LoadError) -> T {
        do {
            return try body()
        } catch let error as LoadError {
            throw error
        } catch let error as ShapeError {
            throw .shape(path, error)
        } catch {
            throw LoadError(path, .badShape, "\(error)")
        }
    }

    static func hdf5(_ path: String, _ error: HDF5Error) -> LoadError {
        switch error {
        case .externalReference: LoadError(path, .refused, error.message)
        case .missing: LoadError(path, .missingWeights, error.message)
        default: LoadError(path, .invalidArray, error.message)
        }
    }
}
