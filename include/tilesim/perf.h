// Performance estimates of a run: the timing engine's result (cycles, stalls, FPU use, NoC and DRAM
// traffic) and the writers that turn it into a summary, a Perfetto trace, an HTML report and a NoC trace.
//
// The cycles come from replaying the run's event logs against a device profile (DESIGN.md "The timing
// model"); they are identical for any host thread count. The types here are plain data so the emulator
// can fill them and tools can print them without seeing either.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tilesim::perf {

// Why a kernel context was not doing its own work.
enum class Activity : uint8_t { Busy, CbFront, CbBack, NocBarrier, Semaphore };
inline constexpr uint32_t kNumActivities = 5;
const char* ToString(Activity activity);  // "busy", "cb_front", "cb_back", "noc_barrier", "semaphore"

struct Interval {
  double begin = 0;
  double end = 0;
  Activity activity = Activity::Busy;
};

// One kernel on one core.
struct KernelTiming {
  uint32_t core_x = 0;  // logical worker coordinates
  uint32_t core_y = 0;
  uint32_t role = 0;    // 0 = data movement 0 (BRISC), 1 = data movement 1 (NCRISC), 2 = compute
  std::string kernel;
  double end_cycle = 0;                    // when it finished (its last FPU/pack work and transfers included)
  double cycles[kNumActivities] = {};      // by Activity; busy = end - stalls
  double fpu_cycles = 0;                   // cycles its FPU/SFPU worked (compute kernels)
  uint64_t instructions = 0;
  std::vector<Interval> stalls;            // the stall intervals (with record_intervals)
};

// A CB's ready pages changed (with record_intervals).
struct CbSample {
  uint32_t core_x = 0;
  uint32_t core_y = 0;
  uint32_t cb = 0;
  double cycle = 0;
  uint32_t pages_ready = 0;
};

struct NocTransferRecord {
  uint32_t core_x = 0;  // logical worker that issued it
  uint32_t core_y = 0;
  uint32_t role = 0;
  uint32_t noc = 0;
  std::string type;     // "READ", "WRITE", "MULTICAST_WRITE" (tt-metal NoC trace names)
  uint32_t src_x = 0, src_y = 0;  // NoC coordinates: initiator
  uint32_t dst_x = 0, dst_y = 0;  // target (or multicast start)
  uint32_t mcast_end_x = 0, mcast_end_y = 0;
  uint64_t bytes = 0;
  double issue_cycle = 0;
  double done_cycle = 0;
};

struct LinkLoad {
  uint32_t noc = 0;
  uint32_t x = 0, y = 0;  // NoC coordinate the link leaves
  std::string direction;  // "E", "S", "W", "N"
  double bytes = 0;
  double busy_cycles = 0;
  double utilisation = 0;  // bytes / (link bandwidth x total cycles)
};

// A tile of the NoC grid that the report draws: a worker (with its logical coordinates) or a DRAM bank.
struct NocTile {
  uint32_t x = 0, y = 0;  // NoC coordinates
  bool dram = false;      // a DRAM bank's endpoint; otherwise a worker
  uint32_t core_x = 0, core_y = 0;  // logical worker coordinates (workers)
};

struct PerfResult {
  std::string device;             // profile name
  double clock_ghz = 1;
  uint32_t grid_x = 0, grid_y = 0;
  uint32_t noc_x = 0, noc_y = 0;  // the NoC grid's size, and its worker and DRAM tiles
  std::vector<NocTile> noc_tiles;
  uint64_t cycles = 0;
  double microseconds = 0;
  double fpu_ideal_cycles = 0;    // sum over compute kernels of tile ops x profile cycles per tile
  uint32_t compute_cores = 0;
  double fpu_util = 0;            // fpu_ideal_cycles / (compute_cores x cycles)
  uint64_t dram_bytes = 0;        // read from and written to DRAM
  double dram_gbps = 0;           // achieved (bytes per ns)
  uint64_t noc_bytes = 0;         // carried by transfers (a multicast counts once per destination)
  double noc_gbps = 0;
  std::vector<KernelTiming> kernels;
  std::vector<LinkLoad> links;    // most loaded first
  std::vector<CbSample> cb_samples;
  std::vector<NocTransferRecord> transfers;
  double replay_ms = 0;           // host time the timing model took to replay the run (not emulated time)

  // cycles, microseconds, fpu_util, dram_gbps, noc_gbps, per-kernel stalls, top links.
  nlohmann::json ToJson() const;
  std::string Summary() const;    // the --perf text
};

// Timing of programs run on a device (DeviceOptions::perf) or of a workload (GemmOptions::perf...).
struct PerfOptions {
  std::string device = "wormhole_b0";  // profile name or path (profiles/*.json)
  bool record_intervals = false;       // keep stall intervals, CB samples and transfers (for the writers)
};

// Writers; each throws std::runtime_error naming the file if it cannot be written.
void WritePerfettoTrace(const PerfResult& result, const std::filesystem::path& file);
void WriteHtmlReport(const PerfResult& result, const std::filesystem::path& file);
// tt-metal's NoC trace format (one JSON array of events), for tt-npe / ttnn-visualizer.
void WriteNocTrace(const PerfResult& result, const std::filesystem::path& file);

// Replaying measured NoC traces (tilesim noc-replay): one row per trace file.
struct NocReplayRow {
  std::string trace;
  size_t transfers = 0;
  uint64_t estimated_cycles = 0;
  std::optional<uint64_t> golden_cycles;
  std::string golden_source;
  std::optional<double> error_pct;
};
struct NocReplayReport {
  std::string device;
  std::vector<NocReplayRow> rows;
  size_t compared = 0;
  double mean_abs_error_pct = 0;
  double median_abs_error_pct = 0;
  double max_abs_error_pct = 0;
};
// `path` is a trace file or a directory of them; `device` a profile name or path. Throws
// std::runtime_error with the file (and event or key) at fault.
NocReplayReport ReplayNocTraces(const std::filesystem::path& path, const std::string& device);

}  // namespace tilesim::perf
