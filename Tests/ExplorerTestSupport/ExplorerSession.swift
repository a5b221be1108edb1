import Explorer
import LSTMCore
import ModelIO
import TestSupport

/// Explorer states for tests, as a person would open them, and keys pressed on them.
public enum ExplorerSession {
    /// The bundled sample `name` with its window and Keras's output, at `width` × `height`. The
    /// path is the repository-relative one, so golden frames do not depend on the checkout.
    public static func sample(_ name: String = "tutorial", width: Int = 80, height: Int = 24) throws
        -> ExplorerState
    {
        var model = try ModelLoader.load(Fixtures.sample("\(name).keras"))
        model.provenance.path = "sample-weights/\(name).keras"
        let input = try InputLoader.loadWindow(Fixtures.sample("\(name)-input.npy"), columns: model.inputSize)
        let expected = try InputLoader.loadFlat(Fixtures.sample("\(name)-expected.npy"))
        return try ExplorerState(
            model: model, input: input, inputSource: "sample-weights/\(name)-input.npy",
            expected: expected, width: width, height: height)
    }

    /// Presses `keys` in order and returns the commands they asked the shell for.
    @discardableResult
    public static func press(_ state: inout ExplorerState, _ keys: Key...) -> [Command] {
        keys.flatMap { state.update(.key($0)) }
    }
}
