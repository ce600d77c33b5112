// Device shape parameters and the DeviceConfig derived from them (device_shape.h).
#include "emulator/timing/device_shape.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace tilesim::emu::timing {
namespace {

// Defaults: Wormhole B0 n150 (tt-metal tt_metal/soc_descriptors/wormhole_b0_80_arch.yaml).
const Param<double> kClockGhz{"clock.ghz", "core (AI) clock in GHz; converts cycles to time", 1.0, Positive()};
const Param<int64_t> kColumns{"grid.columns", "logical worker columns of the default compute grid", 8, Between(1, 256)};
const Param<int64_t> kRows{"grid.rows", "logical worker rows of the default compute grid", 8, Between(1, 256)};
const Param<std::vector<int64_t>> kWorkerNocX{"grid.worker_noc_x", "NoC x of each logical worker column",
                                              {1, 2, 3, 4, 6, 7, 8, 9}, Between(0, 255)};
const Param<std::vector<int64_t>> kWorkerNocY{"grid.worker_noc_y", "NoC y of each logical worker row",
                                              {1, 2, 3, 4, 5, 7, 8, 9, 10, 11}, Between(0, 255)};
const Param<int64_t> kNocSizeX{"noc.size_x", "columns of the NoC torus (all tile types)", 10, Between(1, 256)};
const Param<int64_t> kNocSizeY{"noc.size_y", "rows of the NoC torus (all tile types)", 12, Between(1, 256)};
const Param<int64_t> kL1Bytes{"l1.bytes", "bytes of L1 per worker core", 1499136, Between(4096, (1ll << 32) - 32)};
const Param<int64_t> kDramBankBytes{"dram.bank_bytes", "bytes per DRAM bank (channel)", 1ll << 30, Between(4096, 1ll << 36)};
const Param<std::vector<Coord2>> kDramBanks{
    "dram.banks", "NoC endpoint of each DRAM bank (tt-metal's preferred worker endpoint)",
    {{0, 11}, {0, 1}, {0, 5}, {0, 7}, {5, 1}, {5, 11}, {5, 2}, {5, 9}, {5, 8}, {5, 3}, {5, 5}, {5, 7}}, Between(0, 255)};
const Param<std::vector<Coord2>> kDramTiles{
    "dram.tiles", "every NoC tile attached to DRAM",
    {{0, 0}, {0, 1}, {0, 11}, {0, 5}, {0, 6}, {0, 7}, {5, 0}, {5, 1}, {5, 11},
     {5, 2}, {5, 9}, {5, 10}, {5, 3}, {5, 4}, {5, 8}, {5, 5}, {5, 6}, {5, 7}},
    Between(0, 255)};

std::vector<uint32_t> ToU32(const std::vector<int64_t>& v) { return {v.begin(), v.end()}; }
std::vector<NocCoord> ToCoords(const std::vector<Coord2>& v) {
  std::vector<NocCoord> out;
  for (const Coord2& c : v) out.push_back({static_cast<uint32_t>(c[0]), static_cast<uint32_t>(c[1])});
  return out;
}

}  // namespace

const std::vector<const ParamBase*>& DeviceShapeParamList() {
  static const std::vector<const ParamBase*> list = {&kClockGhz, &kColumns,  &kRows,         &kWorkerNocX,
                                                     &kWorkerNocY, &kNocSizeX, &kNocSizeY,     &kL1Bytes,
                                                     &kDramBankBytes, &kDramBanks, &kDramTiles};
  return list;
}

bool DeviceShape::IsWorker(NocCoord c) const {
  return std::find(worker_noc_x.begin(), worker_noc_x.end(), c.x) != worker_noc_x.end() &&
         std::find(worker_noc_y.begin(), worker_noc_y.end(), c.y) != worker_noc_y.end();
}

bool DeviceShape::IsDram(NocCoord c) const {
  return std::find(dram_tiles.begin(), dram_tiles.end(), c) != dram_tiles.end() ||
         std::find(dram_banks.begin(), dram_banks.end(), c) != dram_banks.end();
}

std::optional<uint32_t> DeviceShape::DramBankAt(NocCoord c) const {
  auto it = std::find(dram_banks.begin(), dram_banks.end(), c);
  if (it == dram_banks.end()) return std::nullopt;
  return static_cast<uint32_t>(it - dram_banks.begin());
}

DeviceShape ShapeFromProfile(const DeviceProfile& profile) {
  DeviceShape s;
  s.name = profile.name();
  s.clock_ghz = profile.Get(kClockGhz);
  s.columns = static_cast<uint32_t>(profile.Get(kColumns));
  s.rows = static_cast<uint32_t>(profile.Get(kRows));
  s.worker_noc_x = ToU32(profile.Get(kWorkerNocX));
  s.worker_noc_y = ToU32(profile.Get(kWorkerNocY));
  s.noc_size_x = static_cast<uint32_t>(profile.Get(kNocSizeX));
  s.noc_size_y = static_cast<uint32_t>(profile.Get(kNocSizeY));
  s.l1_bytes = static_cast<uint64_t>(profile.Get(kL1Bytes));
  s.dram_bank_bytes = static_cast<uint64_t>(profile.Get(kDramBankBytes));
  s.dram_banks = ToCoords(profile.Get(kDramBanks));
  s.dram_tiles = ToCoords(profile.Get(kDramTiles));

  const std::string where = profile.path().empty() ? std::string("built-in profile") : profile.path().string();
  const auto fail = [&](std::string_view key, std::string_view what) {
    throw ProfileError(fmt::format("{}: '{}': {}", where, key, what));
  };
  if (s.worker_noc_x.size() < s.columns) fail("grid.columns", "is larger than the number of grid.worker_noc_x entries");
  if (s.worker_noc_y.size() < s.rows) fail("grid.rows", "is larger than the number of grid.worker_noc_y entries");
  for (uint32_t x : s.worker_noc_x) {
    if (x >= s.noc_size_x) fail("grid.worker_noc_x", fmt::format("x = {} is outside the {}-column NoC", x, s.noc_size_x));
  }
  for (uint32_t y : s.worker_noc_y) {
    if (y >= s.noc_size_y) fail("grid.worker_noc_y", fmt::format("y = {} is outside the {}-row NoC", y, s.noc_size_y));
  }
  if (std::set<uint32_t>(s.worker_noc_x.begin(), s.worker_noc_x.end()).size() != s.worker_noc_x.size()) {
    fail("grid.worker_noc_x", "lists a NoC column twice");
  }
  if (std::set<uint32_t>(s.worker_noc_y.begin(), s.worker_noc_y.end()).size() != s.worker_noc_y.size()) {
    fail("grid.worker_noc_y", "lists a NoC row twice");
  }
  if (s.dram_banks.empty()) fail("dram.banks", "must list at least one bank");
  for (const auto* list : {&s.dram_banks, &s.dram_tiles}) {
    for (NocCoord c : *list) {
      if (c.x >= s.noc_size_x || c.y >= s.noc_size_y) {
        fail(list == &s.dram_banks ? "dram.banks" : "dram.tiles",
             fmt::format("({}, {}) is outside the {}x{} NoC", c.x, c.y, s.noc_size_x, s.noc_size_y));
      }
      if (s.IsWorker(c)) {
        fail(list == &s.dram_banks ? "dram.banks" : "dram.tiles", fmt::format("({}, {}) is a worker tile", c.x, c.y));
      }
    }
  }
  return s;
}

DeviceConfig DeviceConfigFromProfile(const DeviceProfile& profile) {
  const DeviceShape s = ShapeFromProfile(profile);
  DeviceConfig config;
  config.name = s.name;
  config.grid_x = s.columns;
  config.grid_y = s.rows;
  config.l1_size = static_cast<uint32_t>(s.l1_bytes);
  config.num_dram_banks = static_cast<uint32_t>(s.dram_banks.size());
  config.dram_bank_size = s.dram_bank_bytes;
  config.noc_size_x = s.noc_size_x;
  config.noc_size_y = s.noc_size_y;
  config.worker_noc_x.assign(s.worker_noc_x.begin(), s.worker_noc_x.begin() + s.columns);
  config.worker_noc_y.assign(s.worker_noc_y.begin(), s.worker_noc_y.begin() + s.rows);
  config.dram_bank_noc = s.dram_banks;
  try {
    return Finalize(std::move(config));
  } catch (const std::invalid_argument& e) {
    throw ProfileError(fmt::format("{}: {}", profile.path().empty() ? std::string("built-in profile") : profile.path().string(),
                                   e.what()));
  }
}

}  // namespace tilesim::emu::timing
