// The cost of --perf: the 1024^3 GEMM workload with and without the timing model, side by side.
//
// Issue 4 asks that `tilesim run gemm --M 1024 --N 1024 --K 1024 --perf` cost at most 1.5x the run
// without --perf. Each iteration times the whole workload call (device, upload, emulated run with or
// without the event log, timing replay, Eigen reference, comparison), i.e. the process minus start-up.
// BM_GemmPerfCost/1 reports the ratio to the run without perf measured in the same benchmark process as
// the counter `over_plain` (alternating the two, so that both see the same machine load).
#include <chrono>

#include <benchmark/benchmark.h>

#include "tilesim/workloads.h"

namespace {

double RunOnceMs(bool perf, bool& ok) {
  tilesim::GemmOptions options;
  options.M = options.N = options.K = 1024;
  if (perf) options.perf = tilesim::perf::PerfOptions{};
  const auto start = std::chrono::steady_clock::now();
  const tilesim::WorkloadResult r = tilesim::RunGemm(options);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ok = ok && r.ok && (perf == r.perf.has_value());
  return ms;
}

// Arg: 0 = without perf, 1 = with perf.
void BM_GemmPerfCost(benchmark::State& state) {
  const bool perf = state.range(0) != 0;
  bool ok = true;
  double with_ms = 0, plain_ms = 0;
  for (auto _ : state) {
    const double ms = RunOnceMs(perf, ok);
    state.SetIterationTime(ms / 1000.0);
    (perf ? with_ms : plain_ms) += ms;
    if (perf) plain_ms += RunOnceMs(false, ok);  // not in the manual iteration time
  }
  if (perf && plain_ms > 0) state.counters["over_plain"] = with_ms / plain_ms;
  if (!ok) state.SkipWithError("the GEMM failed validation or its perf result is missing/unexpected");
}
BENCHMARK(BM_GemmPerfCost)->Arg(0)->Arg(1)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
