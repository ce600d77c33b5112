// Tile math for transpose_wh_tile, the scalar SFPU operations (add/sub/mul/div/rsub_unary_tile) and the
// DST-to-DST SFPU max/min (binary_max_tile / binary_min_tile). Tiles are row-major fp32 as in tile_math.h;
// every result is what DST holds afterwards (rounded to bf16 unless fp32_dest).
#pragma once

#include <cstdint>

#include "emulator/tile_math/tile_math.h"
#include "tilesim/data_format.h"

namespace tilesim::emu::tile {

// CB tile bytes (face layout, `format`) -> DST, transposed: out(r, c) = tile(c, r), faces included (the
// unpacker swaps faces 1 and 2 and the math engine transposes within each face; together a full 32x32
// transpose). Rounded to DST like copy_tile.
void UnpackTransposedToDst(const uint8_t* src, DataFormat format, const MathConfig& config, Tile& out);

// The modes of tt-metal's binop_with_scalar (ckernel_sfpu_binop_with_unary.h).
enum class ScalarOp : uint8_t { Add, Sub, Mul, Div, Rsub };
// dst = dst op s in fp32, s the float whose IEEE-754 bits are `scalar_bits`; rounded to DST. Div multiplies
// by s, as the SFPU does: tt-metal's host passes the reciprocal of the divisor.
void SfpuScalar(ScalarOp op, uint32_t scalar_bits, const MathConfig& config, Tile& dst);

// out = max(a, b) (min if !is_max) element-wise, in the total order SFPSWAP compares by:
// -NaN < -inf < ... < -0 < +0 < ... < +inf < +NaN. `out` may be `a` or `b`. The result is one of the inputs,
// already in DST's format, so nothing is rounded.
void SfpuMaxMin(bool is_max, const Tile& a, const Tile& b, Tile& out);

}  // namespace tilesim::emu::tile
