// Element-wise binary ops on the matrix engine: dst = a op b, rounded to DST.
//
// Like every FPU op the operands pass through SrcA (a, in0) and SrcB (b, in1), so they are first
// converted to the source-register format (fidelity.h: TF32 with an fp32 DST, else BF16; truncation,
// denormals flushed). For fp32 data this means an fp32 add with fp32_dest_acc_en sees TF32 operands, as
// on Wormhole. Add and sub are one correctly rounded fp32 operation and ignore fidelity (ELWADD/ELWSUB
// have no fidelity phases); mul takes the exact sum of its fidelity phase products (ELWMUL).
// Every loop reads a[i] and b[i] before writing dst[i], so dst may alias either operand.
#include <string>

#include "emulator/tile_math/fidelity.h"
#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile {

void Add(const Tile& a, const Tile& b, const MathConfig& config, Tile& dst) {
  const uint32_t mask = SrcFormatMask(config.fp32_dest);
  for (uint32_t i = 0; i < kTileElements; ++i) dst.v[i] = ToSrcFormat(a.v[i], mask) + ToSrcFormat(b.v[i], mask);
  RoundToDst(dst, config);
}

void Sub(const Tile& a, const Tile& b, const MathConfig& config, Tile& dst) {
  const uint32_t mask = SrcFormatMask(config.fp32_dest);
  for (uint32_t i = 0; i < kTileElements; ++i) dst.v[i] = ToSrcFormat(a.v[i], mask) - ToSrcFormat(b.v[i], mask);
  RoundToDst(dst, config);
}

namespace {
// One loop per fidelity, so the switch in FidelityProduct folds away and the loop vectorises.
template <MathFidelity kFidelity>
void MulWithFidelity(const Tile& a, const Tile& b, uint32_t mask, Tile& dst) {
  for (uint32_t i = 0; i < kTileElements; ++i) {
    dst.v[i] = FidelityProduct(ToSrcFormat(a.v[i], mask), ToSrcFormat(b.v[i], mask), kFidelity);
  }
}
}  // namespace

void Mul(const Tile& a, const Tile& b, const MathConfig& config, Tile& dst) {
  const uint32_t mask = SrcFormatMask(config.fp32_dest);
  switch (config.fidelity) {
    case MathFidelity::LoFi: MulWithFidelity<MathFidelity::LoFi>(a, b, mask, dst); break;
    case MathFidelity::HiFi2: MulWithFidelity<MathFidelity::HiFi2>(a, b, mask, dst); break;
    case MathFidelity::HiFi3: MulWithFidelity<MathFidelity::HiFi3>(a, b, mask, dst); break;
    case MathFidelity::HiFi4: MulWithFidelity<MathFidelity::HiFi4>(a, b, mask, dst); break;
    default:
      throw KernelTrap("Mul: math fidelity value " + std::to_string(static_cast<unsigned>(config.fidelity)) +
                       " is not one of LoFi, HiFi2, HiFi3, HiFi4");
  }
  RoundToDst(dst, config);
}

}  // namespace tilesim::emu::tile
