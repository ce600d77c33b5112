// The Perfetto (Chrome JSON) trace and the tt-metal NoC trace of a timed run.
#include <fstream>

#include <fmt/format.h>

#include "tilesim/perf.h"

namespace tilesim::perf {
namespace {

void WriteJson(const nlohmann::json& j, const std::filesystem::path& file) {
  std::ofstream out(file);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot open for writing", file.string()));
  out << j.dump();
  if (!out) throw std::runtime_error(fmt::format("{}: write failed", file.string()));
}

const char* RiscName(uint32_t role) { return role == 0 ? "BRISC (dm0)" : role == 1 ? "NCRISC (dm1)" : "TRISC (compute)"; }

}  // namespace

// One process per core, one thread per RISC; "X" slices for busy and stall intervals, "C" counters for
// CB occupancy, and each NoC transfer as an "X" slice on a per-core NoC track. Times in microseconds.
void WritePerfettoTrace(const PerfResult& r, const std::filesystem::path& file) {
  nlohmann::json events = nlohmann::json::array();
  const double us = 1.0 / (r.clock_ghz * 1000.0);
  auto pid = [&](uint32_t x, uint32_t y) { return y * r.grid_x + x; };
  for (uint32_t y = 0; y < r.grid_y; ++y) {
    for (uint32_t x = 0; x < r.grid_x; ++x) {
      events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid(x, y)}, {"args", {{"name", fmt::format("core ({},{})", x, y)}}}});
      events.push_back({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", pid(x, y)}, {"args", {{"sort_index", pid(x, y)}}}});
    }
  }
  for (const KernelTiming& k : r.kernels) {
    const uint32_t p = pid(k.core_x, k.core_y);
    events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", p}, {"tid", k.role}, {"args", {{"name", RiscName(k.role)}}}});
    // Busy slices fill the gaps between stalls.
    double cursor = 0;
    auto busy = [&](double until) {
      if (until > cursor) {
        events.push_back({{"ph", "X"}, {"name", k.kernel}, {"cat", "busy"}, {"pid", p}, {"tid", k.role}, {"ts", cursor * us},
                          {"dur", (until - cursor) * us}});
      }
    };
    for (const Interval& s : k.stalls) {
      busy(s.begin);
      events.push_back({{"ph", "X"}, {"name", fmt::format("wait {}", ToString(s.activity))}, {"cat", "stall"}, {"pid", p},
                        {"tid", k.role}, {"ts", s.begin * us}, {"dur", (s.end - s.begin) * us}});
      cursor = std::max(cursor, s.end);
    }
    busy(k.end_cycle);
  }
  for (const CbSample& c : r.cb_samples) {
    events.push_back({{"ph", "C"}, {"name", fmt::format("cb{} pages", c.cb)}, {"pid", pid(c.core_x, c.core_y)},
                      {"ts", c.cycle * us}, {"args", {{"pages", c.pages_ready}}}});
  }
  for (const NocTransferRecord& t : r.transfers) {
    const uint32_t p = pid(t.core_x, t.core_y);
    events.push_back({{"ph", "X"}, {"name", fmt::format("{} {} B", t.type, t.bytes)}, {"cat", "noc"}, {"pid", p},
                      {"tid", 10 + t.noc}, {"ts", t.issue_cycle * us}, {"dur", (t.done_cycle - t.issue_cycle) * us},
                      {"args", {{"src", {t.src_x, t.src_y}}, {"dst", {t.dst_x, t.dst_y}}, {"noc", t.noc}}}});
  }
  for (uint32_t y = 0; y < r.grid_y; ++y)
    for (uint32_t x = 0; x < r.grid_x; ++x)
      for (uint32_t n = 0; n < 2; ++n)
        events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid(x, y)}, {"tid", 10 + n},
                          {"args", {{"name", fmt::format("NoC {} transfers", n)}}}});
  WriteJson(nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ns"}}, file);
}

// tt-metal's NoC event trace: one event per transfer with the issuing core's NoC coordinates, the
// target and the bytes, timestamps in cycles (noc_event_profiler JSON fields).
void WriteNocTrace(const PerfResult& r, const std::filesystem::path& file) {
  nlohmann::json events = nlohmann::json::array();
  for (const NocTransferRecord& t : r.transfers) {
    nlohmann::json e = {{"proc", t.role == 0 ? "BRISC" : "NCRISC"}, {"noc", fmt::format("NOC_{}", t.noc)},
                        {"sx", t.src_x}, {"sy", t.src_y}, {"num_bytes", t.bytes},
                        {"timestamp", static_cast<uint64_t>(t.issue_cycle)}};
    if (t.type == "MULTICAST_WRITE") {
      e["type"] = "WRITE_MULTICAST";
      e["mcast_start_x"] = t.dst_x;
      e["mcast_start_y"] = t.dst_y;
      e["mcast_end_x"] = t.mcast_end_x;
      e["mcast_end_y"] = t.mcast_end_y;
    } else {
      e["type"] = t.type == "READ" ? "READ" : "WRITE_";
      e["dx"] = t.dst_x;
      e["dy"] = t.dst_y;
    }
    events.push_back(e);
  }
  WriteJson(events, file);
}

}  // namespace tilesim::perf
