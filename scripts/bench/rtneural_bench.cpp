// RTNeural's compile-time LSTM(H) -> Dense(1) on X inputs, timed as compare.py times the others:
// whole windows of T steps from a reset state, one sample (x_t) a call, as an audio plug-in runs it.
//
//   g++ -O3 -march=native -std=c++17 -DNDEBUG -DRTNEURAL_USE_EIGEN=1 -DRTNEURAL_DEFAULT_ALIGNMENT=32 \
//       -DEIGEN_STACK_ALLOCATION_LIMIT=0 -DBENCH_X=1 -DBENCH_H=8 \
//       -I$RTNEURAL_DIR -I$RTNEURAL_DIR/modules/Eigen rtneural_bench.cpp
//   ./a.out DIR T MIN_CALLS MIN_SECONDS BUDGET_SECONDS
//
// compare.py builds and runs it (--rtneural DIR). The model lives on the heap, so Eigen's limit on
// fixed-size objects on the stack (which refuses 256 units) is lifted.
//
// DIR holds W.f32 (X, 4H), U.f32 (H, 4H), b.f32 (4H), Wout.f32 (H, 1), bout.f32 (1) in Keras's
// layout (gate blocks i, f, c~, o; RTNeural's setters take it as it is) and x.f32 (T, X), all raw
// little-endian float32. Prints one JSON line: the seconds of each timed call and the output.
#include <RTNeural/RTNeural.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#ifndef BENCH_X
#error "define BENCH_X (inputs) and BENCH_H (units)"
#endif

namespace {

constexpr int X = BENCH_X;
constexpr int H = BENCH_H;
using Model = RTNeural::ModelT<float, X, 1, RTNeural::LSTMLayerT<float, X, H>, RTNeural::DenseT<float, H, 1>>;

std::vector<float> readFloats(const std::string& path, size_t count) {
    std::ifstream in(path, std::ios::binary);
    std::vector<float> values(count);
    if (!in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * sizeof(float)))) {
        std::fprintf(stderr, "%s: expected %zu float32 values\n", path.c_str(), count);
        std::exit(1);
    }
    return values;
}

std::vector<std::vector<float>> rows(const std::vector<float>& flat, int rowCount, int columns) {
    std::vector<std::vector<float>> out(rowCount, std::vector<float>(columns));
    for (int r = 0; r < rowCount; ++r)
        for (int c = 0; c < columns; ++c) out[r][c] = flat[static_cast<size_t>(r) * columns + c];
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s DIR T MIN_CALLS MIN_SECONDS BUDGET_SECONDS\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const int steps = std::atoi(argv[2]);
    const size_t minCalls = static_cast<size_t>(std::atoi(argv[3]));
    const double minSeconds = std::atof(argv[4]), budget = std::atof(argv[5]);

    // The model holds Eigen fixed-size matrices: on the heap, not the stack.
    auto model = std::make_unique<Model>();
    auto& lstm = model->get<0>();
    auto& dense = model->get<1>();
    lstm.setWVals(rows(readFloats(dir + "/W.f32", size_t(X) * 4 * H), X, 4 * H));
    lstm.setUVals(rows(readFloats(dir + "/U.f32", size_t(H) * 4 * H), H, 4 * H));
    lstm.setBVals(readFloats(dir + "/b.f32", 4 * H));
    // Dense weights are (out, in) in RTNeural: Keras's Wout (H, 1) transposed.
    dense.setWeights(rows(readFloats(dir + "/Wout.f32", H), 1, H));
    dense.setBias(readFloats(dir + "/bout.f32", 1).data());
    // RTNeural maps each input row as a 32-byte aligned Eigen vector (it asserts so without
    // NDEBUG): every row starts on a 64-byte boundary, the stride rounded up to 16 floats.
    constexpr size_t stride = (X + 15) / 16 * 16;
    const std::vector<float> rowsRead = readFloats(dir + "/x.f32", size_t(steps) * X);
    std::unique_ptr<float[], decltype(&std::free)> window(
        static_cast<float*>(std::aligned_alloc(64, size_t(steps) * stride * sizeof(float))), &std::free);
    for (int t = 0; t < steps; ++t)
        std::copy_n(rowsRead.begin() + size_t(t) * X, X, window.get() + size_t(t) * stride);

    float output = 0;
    auto run = [&] {
        model->reset();
        for (int t = 0; t < steps; ++t) output = model->forward(window.get() + size_t(t) * stride);
    };
    run();  // warm-up
    std::vector<double> times;
    double spent = 0;
    while (times.size() < 3 || (spent < budget && (times.size() < minCalls || spent < minSeconds))) {
        const auto start = std::chrono::steady_clock::now();
        run();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        times.push_back(seconds);
        spent += seconds;
    }
    std::printf("{\"output\": %.9g, \"times_s\": [", static_cast<double>(output));
    for (size_t k = 0; k < times.size(); ++k) std::printf("%s%.9g", k ? ", " : "", times[k]);
    std::printf("]}\n");
    return 0;
}
