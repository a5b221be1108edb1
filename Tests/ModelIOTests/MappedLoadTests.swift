import Foundation
import LSTMCore
@testable import ModelIO
import TestSupport
import Testing

/// Big files are mapped, read in place and handed back page by page; the result must be the
/// same model as reading the file into memory.
@Suite struct MappedLoadTests {
    @Test(arguments: [
        "sample-weights/tutorial.keras", "sample-weights/stacked.h5", "sample-weights/wide.keras",
        "sample-weights/tutorial.npz",
    ])
    func mappedFilesLoadTheSameModel(file: String) throws {
        let path = Fixtures.root.appendingPathComponent(file).path
        let read = try ModelLoader.load(data: FileBytes.read(path, mappingThreshold: .max), path: path)
        let mapped = try ModelLoader.load(data: FileBytes.read(path, mappingThreshold: 0), path: path)
        #expect(mapped.layers == read.layers)
        // Loading again from the same mapping, after its pages were handed back, still reads the file.
        let data = try FileBytes.read(path, mappingThreshold: 0)
        let first = try ModelLoader.load(data: data, path: path)
        let second = try ModelLoader.load(data: data, path: path)
        #expect(first.layers == second.layers && second.layers == read.layers)
    }

    @Test func releasingTouchesOnlyRegisteredMappings() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lstmscope-mapped-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = (0..<(1 << 16)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Data(bytes).write(to: url)
        let mapped = try #require(MappedFile.map(url.path, size: bytes.count))
        mapped.withUnsafeBytes { MappedFile.release($0.baseAddress!, count: $0.count) }
        #expect(Array(mapped) == bytes)  // dropped pages come back from the file

        // Memory that is not a registered mapping is never released (it would be zeroed).
        var heap = bytes
        heap.withUnsafeBytes { MappedFile.release($0.baseAddress!, count: $0.count) }
        #expect(heap == bytes)
        heap[0] = 1
        #expect(heap[0] == 1)
    }
}
