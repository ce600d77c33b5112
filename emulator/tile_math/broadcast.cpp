// The SrcB broadcast of the bcast ops (broadcast.h). Only copies: no value changes, so no rounding here.
#include "emulator/tile_math/broadcast.h"

#include <algorithm>
#include <string>

#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile {

void BroadcastInPlace(BroadcastDim dim, uint32_t row, Tile& b) {
  switch (dim) {
    case BroadcastDim::Row: {
      if (row >= kTileRows) {
        throw KernelTrap("broadcast row " + std::to_string(row) + " is not a row of the tile (0 to 31)");
      }
      float source[kTileCols];
      std::copy_n(b.v + row * kTileCols, kTileCols, source);
      for (uint32_t r = 0; r < kTileRows; ++r) std::copy_n(source, kTileCols, b.v + r * kTileCols);
      return;
    }
    case BroadcastDim::Col:
      for (uint32_t r = 0; r < kTileRows; ++r) {
        const float value = b.v[r * kTileCols];
        std::fill_n(b.v + r * kTileCols, kTileCols, value);
      }
      return;
    case BroadcastDim::Scalar: {
      const float value = b.v[0];
      std::fill_n(b.v, kTileElements, value);
      return;
    }
  }
  throw KernelTrap("broadcast dimension value " + std::to_string(static_cast<unsigned>(dim)) +
                   " is not one of Col (1), Row (2), Scalar (3)");
}

}  // namespace tilesim::emu::tile
