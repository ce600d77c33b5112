// PerfResult's JSON and text summary.
#include <algorithm>

#include <fmt/format.h>

#include "tilesim/perf.h"

namespace tilesim::perf {

const char* ToString(Activity activity) {
  static constexpr const char* kNames[] = {"busy", "cb_front", "cb_back", "noc_barrier", "semaphore"};
  return kNames[static_cast<int>(activity)];
}

namespace {
const char* RoleName(uint32_t role) { return role == 0 ? "dm0" : role == 1 ? "dm1" : "compute"; }
}  // namespace

nlohmann::json PerfResult::ToJson() const {
  nlohmann::json j;
  j["device"] = device;
  j["cycles"] = cycles;
  j["microseconds"] = microseconds;
  j["fpu_util"] = fpu_util;
  j["fpu_ideal_cycles"] = fpu_ideal_cycles;
  j["compute_cores"] = compute_cores;
  j["dram_bytes"] = dram_bytes;
  j["dram_gbps"] = dram_gbps;
  j["noc_bytes"] = noc_bytes;
  j["noc_gbps"] = noc_gbps;
  j["replay_ms"] = replay_ms;
  nlohmann::json kernels = nlohmann::json::array();
  for (const KernelTiming& k : this->kernels) {
    nlohmann::json o = {{"core", {k.core_x, k.core_y}}, {"risc", RoleName(k.role)}, {"kernel", k.kernel}, {"end_cycle", k.end_cycle}};
    for (uint32_t a = 0; a < kNumActivities; ++a) o[ToString(static_cast<Activity>(a))] = k.cycles[a];
    kernels.push_back(o);
  }
  j["kernels"] = kernels;
  nlohmann::json links = nlohmann::json::array();
  for (size_t i = 0; i < std::min<size_t>(this->links.size(), 10); ++i) {
    const LinkLoad& l = this->links[i];
    links.push_back({{"noc", l.noc}, {"x", l.x}, {"y", l.y}, {"direction", l.direction}, {"bytes", l.bytes},
                     {"utilisation", l.utilisation}});
  }
  j["top_links"] = links;
  return j;
}

std::string PerfResult::Summary() const {
  std::string s = fmt::format("timing on {}: {} cycles = {:.2f} us at {:.2f} GHz (model replay {:.1f} ms)\n", device, cycles,
                              microseconds, clock_ghz, replay_ms);
  s += fmt::format("FPU utilisation {:.1f}% of ideal ({:.0f} ideal FPU cycles over {} compute cores)\n", fpu_util * 100,
                   fpu_ideal_cycles, compute_cores);
  s += fmt::format("DRAM {:.1f} GB/s ({} bytes), NoC {:.1f} GB/s ({} bytes delivered)\n", dram_gbps, dram_bytes, noc_gbps,
                   noc_bytes);
  // Per RISC role: the mean over cores of each activity, as a share of the run.
  s += "per kernel (mean over cores, % of the run): busy / waiting on CB front / CB back / NoC barrier / semaphore\n";
  for (uint32_t role = 0; role < 3; ++role) {
    double sums[kNumActivities] = {};
    uint32_t n = 0;
    std::string name;
    for (const KernelTiming& k : kernels) {
      if (k.role != role) continue;
      for (uint32_t a = 0; a < kNumActivities; ++a) sums[a] += k.cycles[a];
      name = k.kernel;
      ++n;
    }
    if (n == 0 || cycles == 0) continue;
    const double scale = 100.0 / (n * static_cast<double>(cycles));
    s += fmt::format("  {:<8} {:<20} {:5.1f}% {:5.1f}% {:5.1f}% {:5.1f}% {:5.1f}%  ({} cores)\n", RoleName(role), name,
                     sums[0] * scale, sums[1] * scale, sums[2] * scale, sums[3] * scale, sums[4] * scale, n);
  }
  if (!links.empty()) {
    s += "most loaded NoC links:";
    for (size_t i = 0; i < std::min<size_t>(links.size(), 5); ++i) {
      s += fmt::format(" NoC{} ({},{}){} {:.0f}%", links[i].noc, links[i].x, links[i].y, links[i].direction,
                       links[i].utilisation * 100);
    }
    s += "\n";
  }
  if (!s.empty()) s.pop_back();
  return s;
}

}  // namespace tilesim::perf
