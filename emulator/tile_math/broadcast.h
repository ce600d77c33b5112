// Tile math for the broadcast binary ops (tt-metal compute_kernel_api/bcast.h: *_tiles_bcast_rows / _cols /
// _scalar). The matrix engine reads B through SrcB with one row, column or element repeated (tt-llk
// llk_unpack_AB<BroadcastType>: ROW unpacks faces 0 and 1 of B for both face rows of A, COL faces 0 and 2 for
// both face columns, SCALAR face 0 for all four; the FPU then repeats SrcB's row 0, column 0 or datum 0).
// Logically, with tiles row-major as in tile_math.h: ROW uses B(row, c), COL B(r, 0), SCALAR B(0, 0). The
// op itself is the ordinary element-wise Add / Sub / Mul (eltwise.cpp): same source-format conversion,
// same fidelity for Mul, same rounding to DST.
#pragma once

#include <cstdint>

#include "emulator/tile_math/tile_math.h"

namespace tilesim::emu::tile {

// tt-metal's BroadcastType without NONE (llk_defs.h: COL = 1, ROW = 2, SCALAR = 3).
enum class BroadcastDim : uint8_t { Col = 1, Row = 2, Scalar = 3 };

// Repeats, in place, row `row` of `b` over every row (Row), column 0 over every column (Col) or element
// (0, 0) over the tile (Scalar). `row` is read for Row only and must be < 32; otherwise KernelTrap.
void BroadcastInPlace(BroadcastDim dim, uint32_t row, Tile& b);

}  // namespace tilesim::emu::tile
