// swift-tools-version:6.0
import Foundation
import PackageDescription

// The fast kernel is SIMD code: unoptimised it runs ~100× slower, which the explorer on a big
// model (and the test suite) would feel even in debug builds, so the core is always optimised.
// On x86_64 it is compiled for the CPU it is built on (AVX2 / AVX-512 where present): lstmscope
// is built from source where it runs; pass LSTMSCOPE_PORTABLE=1 to build for any x86_64.
// LSTMSCOPE_TARGET_CPU=x86-64-v3 (or haswell, znver3, …) builds for another CPU: the AVX2 path
// on an AVX-512 machine.
// The core is told which vector ISA it gets (LSTMSCOPE_AVX512, LSTMSCOPE_AVX2), so its kernels
// can pick register blocks for the register file and `bench` can say what it measured.
var coreFlags: [String] = ["-O"]
var coreDefines: [SwiftSetting] = []
#if arch(x86_64)
    let targetCPU =
        Context.environment["LSTMSCOPE_PORTABLE"] != nil ? nil : Context.environment["LSTMSCOPE_TARGET_CPU"] ?? "native"
    if let targetCPU {
        // This Swift's clang knows no x86-64-v3/v4 levels: they are Haswell's and Skylake-AVX512's sets.
        let levels = ["x86-64-v3": "haswell", "x86-64-v4": "skylake-avx512"]
        coreFlags += ["-target-cpu", levels[targetCPU] ?? targetCPU]
        // What "native" means here, from the kernel's own list of the CPU's flags.
        let flags =
            targetCPU == "native"
            ? ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
                .split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ")) } ?? [])
            : []
        let avx512 =
            flags.contains("avx512f")
            || [
                "x86-64-v4", "skylake-avx512", "icelake-server", "sapphirerapids",
                "znver4", "znver5",
            ].contains(targetCPU)
        let avx2 =
            avx512 || flags.contains("avx2")
            || ["x86-64-v3", "haswell", "skylake", "znver2", "znver3"]
                .contains(targetCPU)
        if avx512 { coreDefines.append(.define("LSTMSCOPE_AVX512")) }
        if avx2 { coreDefines.append(.define("LSTMSCOPE_AVX2")) }
    }
#endif

// libhdf5: statically where Debian's static library is installed (libhdf5-dev has it), so that
// start-up does not load the 30 shared libraries its .so depends on (~7 ms of every
// `lstmscope inspect`); otherwise the shared library through pkg-config.
let staticHDF5 = ["x86_64", "aarch64"].map { "/usr/lib/\($0)-linux-gnu/hdf5/serial/libhdf5.a" }
    .first { FileManager.default.fileExists(atPath: $0) && Context.environment["LSTMSCOPE_SHARED_HDF5"] == nil }
let hdf5Include = staticHDF5.map {
    URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("include").path
}
let hdf5Target: Target =
    if let staticHDF5, let hdf5Include {
        .target(
            name: "CHDF5",
            path: "Sources/CHDF5Static",
            cSettings: [.unsafeFlags(["-I" + hdf5Include])],
            linkerSettings: [.unsafeFlags([staticHDF5, "-lsz", "-laec", "-lz", "-lm", "-ldl"])]
        )
    } else {
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])])
    }

let package = Package(
    name: "lstmscope",
    products: [
        .executable(name: "lstmscope", targets: ["lstmscope"]),
        .library(name: "LSTMCore", targets: ["LSTMCore"]),
        .library(name: "ModelIO", targets: ["ModelIO"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        // ONNX files: onnx.pb.swift is generated once from onnx.proto3 (scripts/onnx/generate.sh).
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // Numbers only: matrices, activations, layers, step, trace. No I/O, no dependencies.
        .target(name: "LSTMCore", swiftSettings: [.unsafeFlags(coreFlags)] + coreDefines),

        // libhdf5 (see hdf5Target above), with C getters for the macros Swift cannot import.
        hdf5Target,
        // zlib's crc32 (C, several times faster than checking in Swift) for entries read in place.
        .systemLibrary(
            name: "CZlibCRC",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Files → core values, with typed errors. Never prints.
        .target(
            name: "ModelIO",
            dependencies: [
                "LSTMCore",
                "CHDF5",
                "CZlibCRC",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            // A C target's include path does not reach the Swift code that imports it.
            swiftSettings: hdf5Include.map { [.unsafeFlags(["-Xcc", "-I" + $0])] } ?? []
        ),

        // inspect / trace output as text, JSON and CSV: plain strings from core values.
        .target(name: "Reports", dependencies: ["LSTMCore"]),
        // A model as standalone C99 (and later NumPy): text out, no files.
        .target(name: "Export", dependencies: ["LSTMCore"]),

        // The interface's state, update and rendering into a Canvas. No terminal, no files.
        .target(name: "Explorer", dependencies: ["LSTMCore", "Reports"]),

        // ncursesw with shims for its macros; the only code that touches the terminal.
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(name: "CursesTerminal", dependencies: ["CNCurses", "Explorer"]),

        .executableTarget(
            name: "lstmscope",
            dependencies: [
                "LSTMCore", "ModelIO", "Reports", "Explorer", "CursesTerminal", "Export",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Fuzzing: the parser harness (scripts/fuzz.sh builds it with -sanitize=fuzzer) and the
        // declaration of libFuzzer's driver it calls then.
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "lstmscope-fuzz", dependencies: ["CFuzzDriver", "ModelIO", "LSTMCore"], path: "Sources/FuzzHarness"),

        .target(name: "TestSupport", dependencies: ["LSTMCore"], path: "Tests/TestSupport"),
        // Explorer states opened as a person would (the bundled samples) and keys pressed on them.
        .target(
            name: "ExplorerTestSupport", dependencies: ["Explorer", "ModelIO", "LSTMCore", "TestSupport"],
            path: "Tests/ExplorerTestSupport"),
        .testTarget(name: "LSTMCoreTests", dependencies: ["LSTMCore", "TestSupport"]),
        .testTarget(name: "ModelIOTests", dependencies: ["ModelIO", "LSTMCore", "TestSupport"]),
        // Golden frames are read from the source tree (see TestSupport/Snapshot.swift), not bundled.
        .testTarget(
            name: "ExplorerTests",
            dependencies: ["Explorer", "ExplorerTestSupport", "ModelIO", "LSTMCore", "Reports", "TestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        // The exported C, built with the toolchain's clang and run.
        .testTarget(name: "ExportTests", dependencies: ["Export", "ModelIO", "LSTMCore", "TestSupport"]),
        // compare against ports with planted bugs (written in the tests, not by lstmscope).
        .testTarget(name: "CompareTests", dependencies: ["LSTMCore", "ModelIO", "Reports", "TestSupport"]),
        // In-process goldens of the JSON and CSV contracts, read from the source tree like the frames.
        .testTarget(
            name: "ReportsTests", dependencies: ["Reports", "ModelIO", "LSTMCore", "TestSupport"],
            exclude: ["Snapshots"]),
    ],
    swiftLanguageModes: [.v6]
)
