// SFPU element-wise ops on DST: dst = op(dst), then rounded to DST.
//
// The values are what DST holds (bf16 or fp32), read as fp32 like SFPLOAD does. The math is the exact
// function, not the hardware's polynomial or LUT approximation: the emulator is meant to be compared
// against a reference with hardware tolerances, and an exact function keeps that comparison honest.
// MathConfig::approx (math_approx_mode) therefore changes nothing here; the hardware's approximate
// mode is less precise than these results.
//
// Determinism: exp, log and erf are evaluated in double with <cmath> (one scalar call per element, no
// vector libm, whose results can differ between hosts and library builds) and rounded once to fp32;
// reciprocal and square root are single IEEE-754 fp32 operations, correctly rounded everywhere.
// The results are then rounded to DST with round-to-nearest-even like every other engine result
// (SFPSTORE on Wormhole truncates to bf16 instead: tt-isa-documentation SFPSTORE.md; not modelled).
//
// Special values follow IEEE-754 / C: exp(-inf) = 0, exp(large) = inf, log(0) = -inf, log(x < 0) = NaN,
// recip(+-0) = +-inf, sqrt(-0) = -0, sqrt(x < 0) = NaN, relu(-0) = +0, relu(NaN) = NaN.
#include <cmath>
#include <numbers>
#include <string>

#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile {
namespace {

float ExpOf(float x) { return static_cast<float>(std::exp(static_cast<double>(x))); }
float LogOf(float x) { return static_cast<float>(std::log(static_cast<double>(x))); }
// Zero unless positive: -0 becomes +0 (the sign bit says "not positive"), NaN passes through.
float ReluOf(float x) { return (x > 0.0f || std::isnan(x)) ? x : 0.0f; }
float RecipOf(float x) { return 1.0f / x; }
float SqrtOf(float x) { return std::sqrt(x); }
// The erf form of GELU (tt-metal's gelu with approximation off): x * Phi(x).
float GeluOf(float x) {
  const double xd = x;
  return static_cast<float>(0.5 * xd * (1.0 + std::erf(xd * (1.0 / std::numbers::sqrt2))));
}

template <float (*kFunction)(float)>
void ApplyToTile(Tile& tile) {
  for (float& value : tile.v) value = kFunction(value);
}

}  // namespace

void Sfpu(SfpuOp op, const MathConfig& config, Tile& dst) {
  switch (op) {
    case SfpuOp::Exp: ApplyToTile<ExpOf>(dst); break;
    case SfpuOp::Log: ApplyToTile<LogOf>(dst); break;
    case SfpuOp::Relu: ApplyToTile<ReluOf>(dst); break;
    case SfpuOp::Recip: ApplyToTile<RecipOf>(dst); break;
    case SfpuOp::Sqrt: ApplyToTile<SqrtOf>(dst); break;
    case SfpuOp::Gelu: ApplyToTile<GeluOf>(dst); break;
    default:
      throw KernelTrap("Sfpu: operation value " + std::to_string(static_cast<unsigned>(op)) +
                       " is not one of Exp, Log, Relu, Recip, Sqrt, Gelu");
  }
  RoundToDst(dst, config);
}

}  // namespace tilesim::emu::tile
