import Foundation

/// Holds a layer's ``LSTMKernel`` once it is built. A class so that copies of the layer (a
/// value type) share one packed copy of the weights; the lock makes the first build safe when
/// several threads replay the same model.
final class LazyKernel: @unchecked Sendable {
    private let lock = NSLock()
    private var built: [Int: LSTMKernel] = [:]

    /// The kernel packed for `threads` threads (each count packed once, on first use).
    func kernel(for layer: LSTMLayer, threads: Int) -> LSTMKernel {
        lock.lock()
        defer { lock.unlock() }
        if let kernel = built[threads] { return kernel }
        let kernel = LSTMKernel(layer, threads: threads)
        built[threads] = kernel
        return kernel
    }
}
