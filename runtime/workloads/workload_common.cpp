// Shared workload plumbing, WorkloadResult's reports and the workload list.
#include "runtime/workloads/workload_common.h"

#include <atomic>

#include <fmt/format.h>

namespace tilesim {

namespace workloads {

namespace {
std::atomic<int> g_next_device_id{1 << 20};
}

ScopedDevice::ScopedDevice(const DeviceOptions& options) : device_(CreateDevice(g_next_device_id++, options)) {}
ScopedDevice::~ScopedDevice() { CloseDevice(device_); }

void CheckGrid(const char* workload, uint32_t grid_x, uint32_t grid_y) {
  if (grid_x < 1 || grid_y < 1 || grid_x > 64 || grid_y > 64) {
    throw ApiError(fmt::format("{}: grid {}x{} is not between 1x1 and 64x64", workload, grid_x, grid_y));
  }
}

std::shared_ptr<Buffer> DramBuffer(Device* device, uint64_t bytes, uint64_t page_size) {
  return CreateBuffer(InterleavedBufferConfig{device, bytes, page_size, BufferType::DRAM});
}

double TimedRun(Device* device, Program& program) {
  CommandQueue& cq = device->command_queue();
  Stopwatch watch;
  EnqueueProgram(cq, program, false);
  Finish(cq);
  return watch.ms();
}

void FillRunInfo(WorkloadResult& result, Device* device, double emulator_ms, uint32_t cores) {
  result.emulator_ms = emulator_ms;
  result.threads = device->threads();
  result.cores = cores;
  result.stats = device->last_run_stats();
  if (const perf::PerfResult* timing = device->last_perf()) result.perf = *timing;
  result.ok = result.comparison.passed;
}

}  // namespace workloads

std::string WorkloadResult::Summary() const {
  std::string s = fmt::format("{}, {} host thread{}\n", title, threads, threads == 1 ? "" : "s");
  s += comparison.Summary() + "\n";
  const double ratio = reference_ms > 0 ? emulator_ms / reference_ms : 0.0;
  s += fmt::format(
      "emulator {:.1f} ms vs host reference {:.1f} ms ({:.2f}x, reference on {} thread{}); "
      "{} Tensix cores, {} bytecode instructions, {} context switches",
      emulator_ms, reference_ms, ratio, reference_threads, reference_threads == 1 ? "" : "s", cores, stats.instructions,
      stats.context_switches);
  if (perf) {
    s += '\n';
    s += perf->Summary();
  }
  return s;
}

nlohmann::json WorkloadResult::ToJson() const {
  nlohmann::json j = parameters;
  j["workload"] = workload;
  j["ok"] = ok;
  j["pcc"] = comparison.pcc;
  j["max_abs_err"] = comparison.max_abs_err;
  j["mean_abs_err"] = comparison.mean_abs_err;
  j["exact_match"] = comparison.exact_match;
  j["emulator_ms"] = emulator_ms;
  j["reference_ms"] = reference_ms;
  j["threads"] = threads;
  j["reference_threads"] = reference_threads;
  j["cores"] = cores;
  j["comparison"] = comparison.ToJson();
  j["stats"] = {
      {"instructions", stats.instructions}, {"context_switches", stats.context_switches}, {"wall_ms", stats.wall_ms}};
  if (perf) {
    const nlohmann::json timing = perf->ToJson();
    for (auto it = timing.begin(); it != timing.end(); ++it) j[it.key()] = it.value();
  }
  return j;
}

std::vector<WorkloadInfo> ListWorkloads() {
  return {
      {"gemm",
       "bf16 C = A x B over the grid (reader / compute / writer, double-buffered CBs), checked "
       "against Eigen fp32 by PCC"},
      {"eltwise_add", "bf16 C = A + B tile by tile over the grid, checked against Eigen (allclose)"},
      {"eltwise_sub", "bf16 C = A - B tile by tile over the grid, checked against Eigen (allclose)"},
      {"eltwise_mul", "bf16 C = A * B tile by tile over the grid, checked against Eigen (allclose)"},
      {"loopback", "DRAM -> L1 -> DRAM page copy, checked bit-exact"},
  };
}

}  // namespace tilesim
