// GEMM emulated on the 8x8 grid next to Eigen's fp32 GEMM of the same shape, in the same binary.
//
// BM_EmulatedGemm times EnqueueProgram .. Finish only (WorkloadResult::emulator_ms, manual time); its
// counters give the Eigen time measured in the same run and the ratio the acceptance bound is about
// (emulator <= 3x Eigen at 1024^3 on two cores).
#include <chrono>

#include <benchmark/benchmark.h>

#include "tilesim/validation.h"
#include "tilesim/workloads.h"

namespace {

// Args: size (M = N = K), host threads (0 = all).
void BM_EmulatedGemm(benchmark::State& state) {
  tilesim::GemmOptions options;
  options.M = options.N = options.K = static_cast<uint32_t>(state.range(0));
  options.threads = static_cast<uint32_t>(state.range(1));
  double reference_ms = 0, emulator_ms = 0, instructions = 0, switches = 0;
  bool ok = true;
  for (auto _ : state) {
    const tilesim::WorkloadResult r = tilesim::RunGemm(options);
    state.SetIterationTime(r.emulator_ms / 1000.0);
    emulator_ms += r.emulator_ms;
    reference_ms += r.reference_ms;
    instructions = static_cast<double>(r.stats.instructions);
    switches = static_cast<double>(r.stats.context_switches);
    ok = ok && r.ok;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["eigen_ms"] = reference_ms / n;
  state.counters["emu_over_eigen"] = emulator_ms / reference_ms;
  state.counters["instructions"] = instructions;
  state.counters["context_switches"] = switches;
  // By hand: Google Benchmark's rate counters divide by CPU time, not by the manual (wall) time.
  state.counters["gflops"] = 2.0 * options.M * options.N * options.K * n / (emulator_ms / 1000.0) / 1e9;
  if (!ok) state.SkipWithError("the emulated GEMM failed validation");
}
BENCHMARK(BM_EmulatedGemm)
    ->Args({512, 0})
    ->Args({1024, 0})
    ->Args({1024, 1})
    ->Args({1024, 2})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The acceptance bound on thread scaling, in one place: each iteration runs the GEMM on one and then on
// two host threads (alternating, so drift in machine load hits both alike) and the counters give both
// emulator times, their ratio and the two-thread run against Eigen on two threads. The reported time is
// the two-thread run's. Arg: size (M = N = K).
void BM_GemmThreadScaling(benchmark::State& state) {
  tilesim::GemmOptions options;
  options.M = options.N = options.K = static_cast<uint32_t>(state.range(0));
  double one_ms = 0, two_ms = 0, reference_two_ms = 0;
  bool ok = true;
  for (auto _ : state) {
    options.threads = 1;
    const tilesim::WorkloadResult one = tilesim::RunGemm(options);
    options.threads = 2;
    const tilesim::WorkloadResult two = tilesim::RunGemm(options);
    state.SetIterationTime(two.emulator_ms / 1000.0);
    one_ms += one.emulator_ms;
    two_ms += two.emulator_ms;
    reference_two_ms += two.reference_ms;
    ok = ok && one.ok && two.ok;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["emu_1t_ms"] = one_ms / n;
  state.counters["emu_2t_ms"] = two_ms / n;
  state.counters["speedup_2t"] = one_ms / two_ms;
  state.counters["emu_2t_over_eigen_2t"] = two_ms / reference_two_ms;
  if (!ok) state.SkipWithError("the emulated GEMM failed validation");
}
BENCHMARK(BM_GemmThreadScaling)->Arg(1024)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_EigenGemm(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  const std::vector<float> a = tilesim::RandomUniform(size_t{n} * n, 1), b = tilesim::RandomUniform(size_t{n} * n, 2);
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(tilesim::ReferenceMatmul(a, b, n, n, n, static_cast<int>(state.range(1))));
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(elapsed);
    seconds += elapsed;
  }
  state.counters["gflops"] = 2.0 * n * n * n * static_cast<double>(state.iterations()) / seconds / 1e9;
}
BENCHMARK(BM_EigenGemm)->Args({512, 0})->Args({1024, 0})->Args({1024, 1})->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
