// Element-wise Add / Sub / Mul: one rounded fp32 result per element, rounded to DST; Mul with fidelity.
// References are scalar double computations written here (see tile_math_matmul_test.cpp for the phase
// model; in an element-wise multiply `a` (in0) is SrcA and `b` (in1) is SrcB).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu::tile {
namespace {

float ReferenceRoundToBf16(float x) {
  if (!std::isfinite(x) || x == 0.0f) return x;
  int exponent = 0;
  const double significand = std::frexp(static_cast<double>(x), &exponent);
  return static_cast<float>(std::ldexp(std::nearbyint(significand * 256.0) / 256.0, exponent));
}

double SignificandBits(float x, int first, int count) {
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  if ((bits & 0x7f800000u) == 0) return 0.0;
  const uint32_t significand = (bits & 0x007fffffu) | 0x00800000u;
  const uint32_t mask = ((1u << count) - 1u) << (24 - first - count);
  const int exponent = static_cast<int>((bits >> 23) & 0xffu) - 150;  // of the significand's last bit
  const double value = std::ldexp(static_cast<double>(significand & mask), exponent);
  return (bits >> 31) ? -value : value;
}

Tile RandomBf16Tile(uint32_t seed, float lo = -4.0f, float hi = 4.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  Tile tile;
  for (float& v : tile.v) v = ReferenceRoundToBf16(dist(rng));
  return tile;
}

float ToDst(float x, bool fp32_dest) { return fp32_dest ? x : ReferenceRoundToBf16(x); }

TEST(TileMathEltwise, AddIsOneRoundedSumPerElement) {
  const Tile a = RandomBf16Tile(1), b = RandomBf16Tile(2, -0.01f, 0.01f);  // small b: sums need rounding
  for (bool fp32_dest : {true, false}) {
    Tile dst;
    Add(a, b, MathConfig{.fp32_dest = fp32_dest}, dst);
    for (int i = 0; i < 1024; ++i) {
      // bf16 + bf16 is exact in double; the model rounds it to fp32, then to DST.
      const float expected = ToDst(static_cast<float>(static_cast<double>(a.v[i]) + b.v[i]), fp32_dest);
      ASSERT_EQ(dst.v[i], expected) << i << (fp32_dest ? " fp32" : " bf16");
    }
  }
}

TEST(TileMathEltwise, SubIsOneRoundedDifferencePerElement) {
  const Tile a = RandomBf16Tile(3), b = RandomBf16Tile(4, -0.01f, 0.01f);
  for (bool fp32_dest : {true, false}) {
    Tile dst;
    Sub(a, b, MathConfig{.fp32_dest = fp32_dest}, dst);
    for (int i = 0; i < 1024; ++i) {
      const float expected = ToDst(static_cast<float>(static_cast<double>(a.v[i]) - b.v[i]), fp32_dest);
      ASSERT_EQ(dst.v[i], expected) << i << (fp32_dest ? " fp32" : " bf16");
    }
  }
}

TEST(TileMathEltwise, AddIgnoresFidelity) {
  const Tile a = RandomBf16Tile(5), b = RandomBf16Tile(6);
  Tile lofi, hifi4;
  Add(a, b, MathConfig{.fidelity = MathFidelity::LoFi, .fp32_dest = true}, lofi);
  Add(a, b, MathConfig{.fidelity = MathFidelity::HiFi4, .fp32_dest = true}, hifi4);
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(lofi.v[i], static_cast<float>(static_cast<double>(a.v[i]) + b.v[i])) << i;
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(lofi.v[i], hifi4.v[i]) << i;
}

TEST(TileMathEltwise, Fp32AddSeesTf32Operands) {
  // With an fp32 DST the operands pass through SrcA/SrcB as TF32 (10 mantissa bits, truncated).
  Tile a{}, b{}, dst;
  a.v[0] = 1.0f + std::ldexp(1.0f, -20);
  b.v[0] = 1.0f;
  a.v[1] = 1.0f + std::ldexp(1.0f, -10);  // TF32's last bit survives
  b.v[1] = 0.0f;
  Add(a, b, MathConfig{.fp32_dest = true}, dst);
  EXPECT_EQ(dst.v[0], 2.0f);
  EXPECT_EQ(dst.v[1], 1.0f + std::ldexp(1.0f, -10));
}

TEST(TileMathEltwise, MulMatchesPhaseSliceReferenceAtEveryFidelity) {
  const Tile a = RandomBf16Tile(7), b = RandomBf16Tile(8);
  for (bool fp32_dest : {true, false}) {
    for (MathFidelity fidelity : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4}) {
      Tile dst;
      Mul(a, b, MathConfig{.fidelity = fidelity, .fp32_dest = fp32_dest}, dst);
      const int phases = fidelity == MathFidelity::LoFi ? 1 : static_cast<int>(fidelity);
      for (int i = 0; i < 1024; ++i) {
        double product = 0.0;  // a is SrcA (bits [0,5) / [5,10)), b is SrcB (bits [0,7) / [7,11))
        for (int p = 0; p < phases; ++p) {
          product += ((p & 1) ? SignificandBits(a.v[i], 5, 5) : SignificandBits(a.v[i], 0, 5)) *
                     ((p & 2) ? SignificandBits(b.v[i], 7, 4) : SignificandBits(b.v[i], 0, 7));
        }
        ASSERT_EQ(dst.v[i], ToDst(static_cast<float>(product), fp32_dest))
            << ToString(fidelity) << (fp32_dest ? " fp32" : " bf16") << " element " << i;
      }
    }
  }
}

TEST(TileMathEltwise, MulHiFi4OnBf16IsTheExactProduct) {
  const Tile a = RandomBf16Tile(9), b = RandomBf16Tile(10);
  Tile dst;
  Mul(a, b, MathConfig{.fidelity = MathFidelity::HiFi4, .fp32_dest = true}, dst);
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(dst.v[i], static_cast<double>(a.v[i]) * b.v[i]) << i;
}

TEST(TileMathEltwise, MulLoFiOnHandPickedPair) {
  // a (SrcA) = 1 + 2^-5: LoFi keeps SrcA's top 4 mantissa bits, so 2^-5 is lost. b (SrcB) = 1 + 2^-7:
  // LoFi keeps SrcB's top 6, so 2^-7 is lost too. Product 1. With the roles swapped LoFi keeps both bits.
  Tile a{}, b{}, dst;
  a.v[0] = 1.0f + 1.0f / 32;
  b.v[0] = 1.0f + 1.0f / 128;
  a.v[1] = 1.0f + 1.0f / 128 + 1.0f / 16;  // SrcA: 2^-4 kept, 2^-7 lost
  b.v[1] = 1.0f + 1.0f / 32;               // SrcB: kept
  Mul(a, b, MathConfig{.fidelity = MathFidelity::LoFi, .fp32_dest = true}, dst);
  EXPECT_EQ(dst.v[0], 1.0f);
  EXPECT_EQ(dst.v[1], 1.0625f * 1.03125f);
}

TEST(TileMathEltwise, OutputMayAliasAnOperand) {
  const Tile a = RandomBf16Tile(11), b = RandomBf16Tile(12);
  Tile dst = a;
  Mul(dst, b, MathConfig{.fidelity = MathFidelity::HiFi4, .fp32_dest = true}, dst);
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(dst.v[i], static_cast<double>(a.v[i]) * b.v[i]) << i;
}

TEST(TileMathEltwise, MulWithInvalidFidelityTraps) {
  Tile a{}, b{}, dst;
  EXPECT_THROW(Mul(a, b, MathConfig{.fidelity = static_cast<MathFidelity>(9)}, dst), KernelTrap);
}

}  // namespace
}  // namespace tilesim::emu::tile
