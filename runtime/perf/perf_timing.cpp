// TimeEventLog and ReplayNocTraces: the runtime's wrappers over the emulator's timing model, so that tools
// see only tilesim/perf.h.
#include <chrono>

#include <fmt/format.h>

#include "emulator/timing/device_profile.h"
#include "emulator/timing/noc_params.h"
#include "emulator/timing/noc_replay.h"
#include "emulator/timing/timing_engine.h"
#include "runtime/perf/perf_internal.h"

namespace tilesim::perf {

PerfResult TimeEventLog(const emu::ProgramEventLog& log, const PerfOptions& options) {
  const emu::timing::DeviceProfile profile = emu::timing::LoadDeviceProfileByName(options.device);
  emu::timing::TimingOptions timing;
  timing.record_intervals = options.record_intervals;
  const auto start = std::chrono::steady_clock::now();
  PerfResult result = emu::timing::ReplayEventLog(log, profile, timing);
  result.replay_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

NocReplayReport ReplayNocTraces(const std::filesystem::path& path, const std::string& device) {
  namespace timing = emu::timing;
  const timing::DeviceProfile profile = timing::LoadDeviceProfileByName(device);
  const timing::NocParams params = timing::NocParamsFromProfile(profile);
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    files = timing::TraceFilesIn(path);
    if (files.empty()) throw std::runtime_error(fmt::format("{}: no *.json NoC traces in this directory", path.string()));
  } else if (std::filesystem::exists(path)) {
    files = {path};
  } else {
    throw std::runtime_error(fmt::format("{}: no such file or directory", path.string()));
  }
  std::vector<timing::ReplayResult> results;
  for (const auto& f : files) results.push_back(timing::ReplayNocTraceFile(f, params));
  NocReplayReport report;
  report.device = profile.name();
  for (const timing::ReplayResult& r : results) {
    report.rows.push_back({r.trace, r.transfers, r.estimated_cycles, r.golden_cycles, r.golden_source, r.error_pct});
  }
  const timing::ReplaySummary s = timing::SummarizeReplays(results);
  report.compared = s.compared;
  report.mean_abs_error_pct = s.mean_abs_error_pct;
  report.median_abs_error_pct = s.median_abs_error_pct;
  report.max_abs_error_pct = s.max_abs_error_pct;
  return report;
}

}  // namespace tilesim::perf
