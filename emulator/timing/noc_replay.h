// Replaying measured NoC traces through the NoC model, to check the model against hardware.
//
// Open loop, as tt-npe replays: every transfer is issued at its trace timestamp (the RISC-V issue times
// already include whatever stalls the hardware saw), and the estimate is the cycle the last transfer
// completes, counted from the earliest kernel event. The golden value is the measured duration: from
// index.csv next to the trace (columns trace, golden_cycles) if it lists the trace, else from the
// trace's own kernel events (GoldenCyclesFromTrace).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/timing/noc_params.h"
#include "emulator/timing/noc_trace.h"

namespace tilesim::emu::timing {

struct ReplayResult {
  std::string trace;  // file name
  size_t transfers = 0;
  uint64_t estimated_cycles = 0;
  std::optional<uint64_t> golden_cycles;
  std::string golden_source;        // "index.csv", "trace", or empty when there is none
  std::optional<double> error_pct;  // (estimated - golden) / golden * 100
};

// Throws TraceError naming the event if a transfer does not fit the device (e.g. a coordinate outside
// its NoC).
ReplayResult ReplayNocTrace(const NocTrace& trace, const NocParams& params, std::optional<uint64_t> indexed_golden);
// Reads the trace and the index.csv beside it (if any) and replays.
ReplayResult ReplayNocTraceFile(const std::filesystem::path& file, const NocParams& params);

// trace file name -> golden cycles. Throws TraceError naming the line for a malformed file.
std::map<std::string, uint64_t> ReadGoldenIndex(const std::filesystem::path& csv);
// The *.json files of a directory, sorted by name.
std::vector<std::filesystem::path> TraceFilesIn(const std::filesystem::path& dir);

struct ReplaySummary {
  size_t compared = 0;  // results with a golden value
  double mean_abs_error_pct = 0;
  double median_abs_error_pct = 0;
  double max_abs_error_pct = 0;
};
ReplaySummary SummarizeReplays(const std::vector<ReplayResult>& results);

}  // namespace tilesim::emu::timing
