/// The vector instructions the core was compiled for, as `bench` reports them: the kernels'
/// register blocks are chosen for its register file (Package.swift defines which).
public enum KernelISA {
    /// `AVX-512 (32 × 512-bit registers)`, `AVX2 (16 × 256-bit registers)`, …
    public static var description: String {
        #if LSTMSCOPE_AVX512
            "AVX-512 (32 × 512-bit registers)"
        #elseif LSTMSCOPE_AVX2
            "AVX2 (16 × 256-bit registers)"
        #elseif arch(x86_64)
            "x86-64 without AVX2 (SSE2: 16 × 128-bit registers; LSTMSCOPE_PORTABLE or an unknown target CPU)"
        #elseif arch(arm64)
            "arm64 NEON (32 × 128-bit registers)"
        #else
            "generic SIMD"
        #endif
    }
}
