// What the Wormhole matrix engine's multipliers see of their operands, phase by phase.
//
// Sources (tenstorrent/tt-isa-documentation, WormholeB0/TensixTile/TensixCoprocessor/):
//  - SrcASrcB.md "Data types": SrcA/SrcB hold 19-bit data. TF32 = 1 sign, 8 exponent, 10 mantissa bits;
//    BF16 is overlaid on TF32 with the three low mantissa bits zero. Denormals are flushed to zero
//    (MVMUL.md, ELWMUL.md).
//  - Unpackers/FormatConversion.md and UNPACR_Regular.md FormatConversion(): FP32 -> TF32 keeps the top
//    10 mantissa bits (`DatumBits >> 13`), FP32 -> BF16 the top 7 (`DatumBits >>= 16`): both TRUNCATE.
//    tt-metal unpacks a Float32 CB to TF32 when fp32_dest_acc_en is set and to Float16_b otherwise
//    (tt-metal tests' get_unpacker_formats()), so the source format follows MathConfig::fp32_dest.
//  - ELWMUL.md SrcAFidelityBits / SrcBFidelityBits and SrcASrcB.md "Fidelity phases (floating-point)":
//      SrcA, even phase: sign, exponent, implicit 1 and the top 4 mantissa bits   (mask 0xfff80000)
//      SrcA, odd phase:  the next 5 mantissa bits (bits 18..14); TF32's last bit (bit 13) is never used
//      SrcB, phase 0/1:  sign, exponent, implicit 1 and the top 6 mantissa bits   (mask 0xfffe0000)
//      SrcB, phase 2/3:  the remaining 4 mantissa bits (bits 16..13; for BF16 only bit 16 is non-zero)
//    i.e. phase p multiplies SrcA's (p & 1 ? low : high) slice by SrcB's (p & 2 ? low : high) slice.
//  - tt-metal tech_reports/matrix_engine/matrix_engine.md: LoFi runs phase 0, HiFi2 phases 0-1, HiFi3
//    phases 0-2, HiFi4 phases 0-3; the phase products are accumulated (each phase is another MVMUL /
//    ELWMUL adding into Dst).
//  - Operand roles (tt-llk llk_unpack_AB_matmul: "In0/InA -> srcB, In1/InB -> srcA"): in a matmul the
//    left operand (in0) is SrcB and the right operand (in1) is SrcA. In an element-wise multiply in0 is
//    SrcA and in1 is SrcB (ELWMUL computes SrcA * SrcB).
//
// Summing the phases gives, with A = the SrcA operand and B = the SrcB operand:
//   LoFi  = A.hi * B.hi
//   HiFi2 = A.hi * B.hi + A.lo * B.hi                 = A.used * B.hi
//   HiFi3 = A.used * B.hi + A.hi * B.lo
//   HiFi4 = A.used * B.hi + A.used * B.lo             = A.used * B.full
// where A.used = A.hi + A.lo (A without TF32's last bit). Every slice has at most 11 significant bits, so
// each of these is EXACT in fp32: A.used * B.full needs at most 10 + 11 = 21 bits, and the HiFi3 sum
// spans at most 17 bits because both terms sit on the grid of A.used * B.full's last bit. (Overflow and
// products below fp32's normal range are the exception; they follow IEEE-754 like every other step.)
// The emulator therefore computes the exact sum of the phase products in one go; the hardware's
// rounding of Dst between phases (with a bf16 Dst) is not modelled.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "tilesim/data_format.h"

namespace tilesim::emu::tile {

inline constexpr uint32_t kSignMask = 0x80000000u;
inline constexpr uint32_t kExponentMask = 0x7f800000u;
inline constexpr uint32_t kQuietNan = 0x7fc00000u;
// Source-register formats as masks over fp32 bits (truncation, see FormatConversion above).
inline constexpr uint32_t kTf32Mask = 0xffffe000u;  // 10 mantissa bits
inline constexpr uint32_t kBf16Mask = 0xffff0000u;  // 7 mantissa bits
// Fidelity slices (ELWMUL.md SrcAFidelityBits / SrcBFidelityBits).
inline constexpr uint32_t kSrcAHighMask = 0xfff80000u;  // implicit 1 + 4 mantissa bits
inline constexpr uint32_t kSrcAUsedMask = 0xffffc000u;  // implicit 1 + 9 mantissa bits: bit 13 ignored
inline constexpr uint32_t kSrcBHighMask = 0xfffe0000u;  // implicit 1 + 6 mantissa bits

// The mask of the source-register format the unpacker converts to: TF32 with an fp32 Dst, else BF16.
constexpr uint32_t SrcFormatMask(bool fp32_dest) { return fp32_dest ? kTf32Mask : kBf16Mask; }

// A value as the unpacker leaves it in SrcA/SrcB: denormals flushed to (signed) zero, NaN made the one
// quiet NaN (so that masking can never turn it into an infinity), mantissa truncated by `format_mask`.
// Written with selects on the magnitude only (zero exponent: below the smallest normal's bits; NaN: above
// infinity's bits), so loops over it vectorise to a few instructions.
inline float ToSrcFormat(float value, uint32_t format_mask) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const uint32_t magnitude = bits & ~kSignMask;
  const uint32_t sign = bits & kSignMask;
  uint32_t out = bits & format_mask;
  out = magnitude < 0x00800000u ? sign : out;
  out = magnitude > kExponentMask ? (sign | kQuietNan) : out;
  return std::bit_cast<float>(out);
}

// The high slice of a source value: keep sign, exponent and the bits in `high_mask`.
inline float HighSlice(float src_value, uint32_t high_mask) {
  return std::bit_cast<float>(std::bit_cast<uint32_t>(src_value) & high_mask);
}
// What remains of `src_value` after its high slice, as a float (exact: same sign, and the high slice is
// at least half the value). Infinities and NaN have no low slice: it is zero, so inf * 0 never appears.
inline float LowSlice(float src_value, uint32_t high_mask) {
  const uint32_t bits = std::bit_cast<uint32_t>(src_value);
  const float low = src_value - std::bit_cast<float>(bits & high_mask);
  return (bits & kExponentMask) == kExponentMask ? 0.0f : low;
}

// The part of a SrcA value any phase uses (TF32's last mantissa bit is never consumed).
inline float SrcAUsed(float src_a) { return HighSlice(src_a, kSrcAUsedMask); }

// The exact sum of the phase products of one SrcA value and one SrcB value (both already in the source
// format, see ToSrcFormat) for `fidelity`. The matmul kernel evaluates the same forms tile-wide.
inline float FidelityProduct(float src_a, float src_b, MathFidelity fidelity) {
  switch (fidelity) {
    case MathFidelity::LoFi:
      return HighSlice(src_a, kSrcAHighMask) * HighSlice(src_b, kSrcBHighMask);
    case MathFidelity::HiFi2:
      return SrcAUsed(src_a) * HighSlice(src_b, kSrcBHighMask);
    case MathFidelity::HiFi3:
      return std::fma(HighSlice(src_a, kSrcAHighMask), LowSlice(src_b, kSrcBHighMask),
                      SrcAUsed(src_a) * HighSlice(src_b, kSrcBHighMask));
    case MathFidelity::HiFi4:
    default:
      return SrcAUsed(src_a) * src_b;
  }
}

}  // namespace tilesim::emu::tile
