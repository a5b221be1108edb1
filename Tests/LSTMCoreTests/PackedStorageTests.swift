@testable import LSTMCore
import Testing

/// The kernel's weight memory: zeroed, aligned, and whole, on either side of the size where it
/// switches to its own 2 MB-aligned mapping.
@Suite struct PackedStorageTests {
    @Test(arguments: [
        1, 1000, PackedStorage.hugePageThreshold / 4 - 1, PackedStorage.hugePageThreshold / 4 + 1, 3 << 20,
    ])
    func zeroedAlignedAndWritableToTheEnd(count: Int) {
        let storage = PackedStorage(count: count, hugePages: true)
        #expect(Int(bitPattern: storage.pointer) % 64 == 0)
        #if os(Linux)
            if count * 4 >= PackedStorage.hugePageThreshold {
                #expect(Int(bitPattern: storage.pointer) % (2 << 20) == 0)
            }
        #endif
        #expect((0..<count).allSatisfy { storage.pointer[$0] == 0 })
        for k in 0..<count { storage.pointer[k] = Float(k % 1000) }
        #expect(storage.pointer[count - 1] == Float((count - 1) % 1000))
    }
}
