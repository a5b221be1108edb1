import Foundation

/// Holds a layer's fast kernels once they are built. A class so that copies of the layer (a
/// value type) share one packed copy of the weights; the lock makes the first build safe when
/// several threads replay the same model.
final class LazyKernel<Kernel: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var built: [Int: Kernel] = [:]

    /// The kernel packed for `threads` threads, made by `build` the first time it is asked for.
    func kernel(threads: Int, _ build: () -> Kernel) -> Kernel {
        lock.lock()
        defer { lock.unlock() }
        if let kernel = built[threads] { return kernel }
        let kernel = build()
        built[threads] = kernel
        return kernel
    }
}
