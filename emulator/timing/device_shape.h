// The shape of a device as its profile describes it: clock, worker grid and the NoC coordinates of
// workers and DRAM banks, L1 and DRAM sizes. The emulator's DeviceConfig is derived from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emulator/emulator.h"
#include "emulator/timing/device_profile.h"

namespace tilesim::emu::timing {

struct DeviceShape {
  std::string name;
  double clock_ghz = 1.0;
  uint32_t columns = 8;                // compute grid used by default (logical columns)
  uint32_t rows = 8;                   // compute grid used by default (logical rows)
  std::vector<uint32_t> worker_noc_x;  // NoC x of every logical worker column on the chip
  std::vector<uint32_t> worker_noc_y;  // NoC y of every logical worker row on the chip
  uint32_t noc_size_x = 10;            // the NoC torus, including DRAM, Ethernet and other tiles
  uint32_t noc_size_y = 12;
  uint64_t l1_bytes = 0;
  uint64_t dram_bank_bytes = 0;
  std::vector<NocCoord> dram_banks;    // the NoC endpoint software uses for each DRAM bank (channel)
  std::vector<NocCoord> dram_tiles;    // every NoC tile attached to DRAM

  bool IsWorker(NocCoord c) const;     // a Tensix tile of the chip (any logical row/column)
  bool IsDram(NocCoord c) const;
  std::optional<uint32_t> DramBankAt(NocCoord c) const;  // bank whose endpoint is `c`
};

// Reads and cross-checks the shape parameters; throws ProfileError naming the profile file and key.
DeviceShape ShapeFromProfile(const DeviceProfile& profile);

// The emulator configuration for the profile's default compute grid (columns x rows), its L1, DRAM banks
// and NoC coordinates, checked by Finalize.
DeviceConfig DeviceConfigFromProfile(const DeviceProfile& profile);

// The shape parameters (for AllProfileParams).
const std::vector<const ParamBase*>& DeviceShapeParamList();

}  // namespace tilesim::emu::timing
