import Foundation

/// Finds the bundled sample model from any working directory.
enum SampleLocator {
    /// `sample-weights/tutorial.keras`: `$LSTMSCOPE_SAMPLES`, then beside or above the executable,
    /// then the source tree this binary was built from.
    static func tutorialModel() -> String? { find("tutorial.keras") }

    /// The sample's input window, if the model is the bundled sample.
    static func input(for modelPath: String) -> String? {
        let url = URL(fileURLWithPath: modelPath)
        let stem = url.deletingPathExtension().lastPathComponent
        let candidate = url.deletingLastPathComponent().appendingPathComponent("\(stem)-input.npy").path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    /// The sample's Keras output, if the model is a bundled sample.
    static func expected(for modelPath: String) -> String? {
        let url = URL(fileURLWithPath: modelPath)
        let stem = url.deletingPathExtension().lastPathComponent
        let candidate = url.deletingLastPathComponent().appendingPathComponent("\(stem)-expected.npy").path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    private static func find(_ file: String) -> String? {
        var folders: [URL] = []
        if let env = ProcessInfo.processInfo.environment["LSTMSCOPE_SAMPLES"] {
            folders.append(URL(fileURLWithPath: env))
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            folders.append(dir.appendingPathComponent("sample-weights"))
            folders.append(dir.appendingPathComponent("share/lstmscope/sample-weights"))
            dir = dir.deletingLastPathComponent()
        }
        // The source tree: Sources/lstmscope/SampleLocator.swift → ../../sample-weights.
        folders.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("sample-weights"))
        return folders.map { $0.appendingPathComponent(file).path }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
