import Foundation

/// Holds a layer's ``LSTMKernel`` once it is built. A class so that copies of the layer (a
/// value type) share one packed copy of the weights; the lock makes the first build safe when
/// several threads replay the same model.
final class LazyKernel: @unchecked Sendable {
    private let lock = NSLock()
    private var built: LSTMKernel?

    func kernel(for layer: LSTMLayer) -> LSTMKernel {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let kernel = LSTMKernel(layer)
        built = kernel
        return kernel
    }
}
