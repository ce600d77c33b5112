// tt-metal NoC trace files (the device profiler's NoC event trace; format: tt-npe
// tt_npe/doc/noc_trace_format.md): a flat JSON array of events, each with the issuing RISC ("proc"), its
// physical NoC coordinate (sx, sy), a "type", a "timestamp" in cycles and, for data movement, "noc",
// "num_bytes" and a destination (dx, dy) or a multicast rectangle (mcast_start_x/y, mcast_end_x/y).
// Kernel zone events ("zone", "zone_phase") carry only proc, sx, sy and timestamp.
//
// Read as tt-npe reads it: a read's data flows from (dx, dy) to (sx, sy); *_SET_STATE events record a
// destination and size that later *_WITH_STATE events of the same RISC reuse; barriers, semaphores and
// zones move no data. Every cycle below is relative to the trace's earliest timestamp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/timing/noc_model.h"

namespace tilesim::emu::timing {

// A trace that cannot be read; the message names the file and the event (by its index in the array).
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TraceTransfer {
  NocTransfer transfer;  // issue_cycle = the event's timestamp, relative
  std::string type;      // the event's type, e.g. "READ"
  size_t event_index = 0;
};

struct NocTrace {
  std::filesystem::path path;
  std::vector<TraceTransfer> transfers;
  uint64_t first_timestamp = 0;          // the absolute timestamp everything is relative to
  std::optional<uint64_t> kernel_start;  // earliest event of any RISC
  std::optional<uint64_t> kernel_end;    // latest event of any RISC
  size_t events = 0;
  std::map<std::string, size_t> not_replayed;  // event type -> count (barriers, zones, zero-byte, multi-chip ...)
};

NocTrace ParseNocTrace(std::string_view json_text, const std::filesystem::path& origin);
NocTrace ReadNocTrace(const std::filesystem::path& file);

// The measured duration as tt-npe computes it: from the earliest to the latest RISC event, less the ~20
// cycles between a kernel's last NoC event and its end timestamp. Empty if the trace has no RISC events.
std::optional<uint64_t> GoldenCyclesFromTrace(const NocTrace& trace);

}  // namespace tilesim::emu::timing
