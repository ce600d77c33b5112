// transpose_wh, scalar SFPU ops and SFPU max/min (transpose_scalar.h).
//
// Scalar ops: one fp32 operation per element on the value DST holds (SFPLOAD reads bf16 DST as fp32), then
// rounded to DST with round-to-nearest-even like every SFPU result here (sfpu.cpp). tt-metal's rsub rounds
// to bf16 with RNE explicitly; the other modes rely on SFPSTORE, which truncates on Wormhole (not
// modelled, as in sfpu.cpp).
#include "emulator/tile_math/transpose_scalar.h"

#include <bit>
#include <string>
#include <utility>

#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile {
namespace {

template <typename Fn>
void ApplyScalar(Tile& dst, Fn fn) {
  for (float& value : dst.v) value = fn(value);
}

// SFPSWAP's comparison (tt-isa-documentation SFPSWAP.md, SignMagIsSmaller): the bits as a sign-magnitude
// integer, mapped onto two's complement so that an ordinary signed comparison orders them.
int32_t SignMagnitudeKey(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  return static_cast<int32_t>(bits ^ (static_cast<uint32_t>(static_cast<int32_t>(bits) >> 30) >> 1));
}

}  // namespace

void UnpackTransposedToDst(const uint8_t* src, DataFormat format, const MathConfig& config, Tile& out) {
  UnpackToDst(src, format, config, out);  // rounding commutes with the transpose
  for (uint32_t r = 0; r < kTileRows; ++r) {
    for (uint32_t c = r + 1; c < kTileCols; ++c) std::swap(out.v[r * kTileCols + c], out.v[c * kTileCols + r]);
  }
}

void SfpuScalar(ScalarOp op, uint32_t scalar_bits, const MathConfig& config, Tile& dst) {
  const float s = std::bit_cast<float>(scalar_bits);
  switch (op) {
    case ScalarOp::Add: ApplyScalar(dst, [s](float x) { return x + s; }); break;
    case ScalarOp::Sub: ApplyScalar(dst, [s](float x) { return x - s; }); break;
    case ScalarOp::Mul:
    case ScalarOp::Div: ApplyScalar(dst, [s](float x) { return x * s; }); break;
    case ScalarOp::Rsub: ApplyScalar(dst, [s](float x) { return s - x; }); break;
    default:
      throw KernelTrap("SfpuScalar: operation value " + std::to_string(static_cast<unsigned>(op)) +
                       " is not one of Add, Sub, Mul, Div, Rsub");
  }
  RoundToDst(dst, config);
}

void SfpuMaxMin(bool is_max, const Tile& a, const Tile& b, Tile& out) {
  for (uint32_t i = 0; i < kTileElements; ++i) {
    const float x = a.v[i], y = b.v[i];
    const bool x_smaller = SignMagnitudeKey(x) < SignMagnitudeKey(y);
    out.v[i] = (x_smaller == is_max) ? y : x;
  }
}

}  // namespace tilesim::emu::tile
