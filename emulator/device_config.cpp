// Device shape defaults and checks (emulator.h: DeviceConfig, Finalize).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "emulator/emulator.h"

namespace tilesim::emu {
namespace {

// Wormhole B0 (tt-metal soc_descriptors/wormhole_b0_80_arch.yaml): NoC columns 0 and 5 hold DRAM, row 6
// Ethernet, so the 8x8 compute grid sits on NoC x {1-4, 6-9}, y {1-5, 7-9}. DRAM banks are reached at
// their "preferred worker endpoint".
constexpr uint32_t kWormholeWorkerX[] = {1, 2, 3, 4, 6, 7, 8, 9};
constexpr uint32_t kWormholeWorkerY[] = {1, 2, 3, 4, 5, 7, 8, 9, 10, 11};
constexpr NocCoord kWormholeDram[] = {{0, 11}, {0, 1}, {0, 5}, {0, 7}, {5, 1}, {5, 11},
                                      {5, 2},  {5, 9}, {5, 8}, {5, 3}, {5, 5}, {5, 7}};

void Require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("device config: " + what);
}

}  // namespace

DeviceConfig Finalize(DeviceConfig config) {
  Require(config.grid_x >= 1 && config.grid_y >= 1, "grid must be at least 1x1");
  Require(config.num_dram_banks >= 1, "num_dram_banks must be at least 1");
  Require(config.l1_size >= 4096 && config.l1_size % 32 == 0, "l1_size must be >= 4096 and a multiple of 32");
  const bool wormhole_fits = config.grid_x <= 8 && config.grid_y <= 10 && config.num_dram_banks <= 12 &&
                             config.noc_size_x == 10 && config.noc_size_y == 12;
  if (config.worker_noc_x.empty()) {
    for (uint32_t x = 0; x < config.grid_x; ++x) config.worker_noc_x.push_back(wormhole_fits ? kWormholeWorkerX[x] : x + 1);
  }
  if (config.worker_noc_y.empty()) {
    for (uint32_t y = 0; y < config.grid_y; ++y) config.worker_noc_y.push_back(wormhole_fits ? kWormholeWorkerY[y] : y + 1);
  }
  if (!wormhole_fits) {
    // A simple layout: workers from (1, 1), DRAM banks down column 0.
    config.noc_size_x = std::max(config.noc_size_x, config.grid_x + 1);
    config.noc_size_y = std::max({config.noc_size_y, config.grid_y + 1, config.num_dram_banks});
  }
  if (config.dram_bank_noc.empty()) {
    for (uint32_t b = 0; b < config.num_dram_banks; ++b) {
      config.dram_bank_noc.push_back(wormhole_fits ? kWormholeDram[b] : NocCoord{0, b});
    }
  }
  Require(config.worker_noc_x.size() == config.grid_x, "worker_noc_x must have grid_x entries");
  Require(config.worker_noc_y.size() == config.grid_y, "worker_noc_y must have grid_y entries");
  Require(config.dram_bank_noc.size() == config.num_dram_banks, "dram_bank_noc must have num_dram_banks entries");
  for (uint32_t x : config.worker_noc_x) Require(x < config.noc_size_x, "worker NoC x outside the NoC");
  for (uint32_t y : config.worker_noc_y) Require(y < config.noc_size_y, "worker NoC y outside the NoC");
  for (NocCoord c : config.dram_bank_noc) {
    Require(c.x < config.noc_size_x && c.y < config.noc_size_y, "DRAM bank NoC coordinate outside the NoC");
  }
  return config;
}

}  // namespace tilesim::emu
