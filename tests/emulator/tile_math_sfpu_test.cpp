// SFPU ops on DST against <cmath> in double: within bf16 rounding for a bf16 DST, within fp32 rounding
// for an fp32 DST; and the special values a kernel author relies on.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu::tile {
namespace {

double ReferenceGelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

// A tile of bf16-representable values in [lo, hi] (DST contents are what they are: bf16 or fp32).
Tile RandomTile(uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  Tile tile;
  for (float& v : tile.v) v = std::bit_cast<float>(std::bit_cast<uint32_t>(dist(rng)) & 0xffff0000u);
  return tile;
}

// Applies `op` to a random tile and checks every element against `reference` within `relative` (plus a
// tiny absolute slack for results that round to near zero).
void ExpectCloseToReference(SfpuOp op, double (*reference)(double), float lo, float hi, bool fp32_dest,
                            const std::string& name) {
  const Tile input = RandomTile(static_cast<uint32_t>(op) + 100, lo, hi);
  Tile dst = input;
  Sfpu(op, MathConfig{.fp32_dest = fp32_dest}, dst);
  // bf16: half an ulp of 8 significant bits is 2^-9 relative, the fp32 step before adds 2^-24.
  const double relative = fp32_dest ? std::ldexp(1.0, -23) : std::ldexp(1.0, -8);
  for (int i = 0; i < 1024; ++i) {
    const double expected = reference(input.v[i]);
    EXPECT_NEAR(dst.v[i], expected, relative * std::fabs(expected) + 1e-30)
        << name << "(" << input.v[i] << ")" << (fp32_dest ? " fp32 DST" : " bf16 DST");
    if (!fp32_dest) {
      EXPECT_EQ(std::bit_cast<uint32_t>(dst.v[i]) & 0xffffu, 0u) << "not a bf16 value";
    }
  }
}

double Exp(double x) { return std::exp(x); }
double Log(double x) { return std::log(x); }
double Recip(double x) { return 1.0 / x; }
double Sqrt(double x) { return std::sqrt(x); }
double Relu(double x) { return x > 0 ? x : 0.0; }

TEST(TileMathSfpu, ExpMatchesStdExp) {
  ExpectCloseToReference(SfpuOp::Exp, Exp, -10.0f, 10.0f, false, "exp");
  ExpectCloseToReference(SfpuOp::Exp, Exp, -10.0f, 10.0f, true, "exp");
}
TEST(TileMathSfpu, LogMatchesStdLog) {
  ExpectCloseToReference(SfpuOp::Log, Log, 0.001f, 1000.0f, false, "log");
  ExpectCloseToReference(SfpuOp::Log, Log, 0.001f, 1000.0f, true, "log");
}
TEST(TileMathSfpu, RecipMatchesDivision) {
  ExpectCloseToReference(SfpuOp::Recip, Recip, -100.0f, 100.0f, false, "recip");
  ExpectCloseToReference(SfpuOp::Recip, Recip, -100.0f, 100.0f, true, "recip");
}
TEST(TileMathSfpu, SqrtMatchesStdSqrt) {
  ExpectCloseToReference(SfpuOp::Sqrt, Sqrt, 0.0f, 1000.0f, false, "sqrt");
  ExpectCloseToReference(SfpuOp::Sqrt, Sqrt, 0.0f, 1000.0f, true, "sqrt");
}
TEST(TileMathSfpu, GeluMatchesErfForm) {
  ExpectCloseToReference(SfpuOp::Gelu, ReferenceGelu, -5.0f, 5.0f, false, "gelu");
  ExpectCloseToReference(SfpuOp::Gelu, ReferenceGelu, -5.0f, 5.0f, true, "gelu");
}
TEST(TileMathSfpu, ReluZeroesNegativesAndKeepsPositives) {
  ExpectCloseToReference(SfpuOp::Relu, Relu, -5.0f, 5.0f, false, "relu");
  ExpectCloseToReference(SfpuOp::Relu, Relu, -5.0f, 5.0f, true, "relu");
}

// Runs `op` on a tile whose first element is `x`; returns the result.
float SfpuOf(SfpuOp op, float x, bool fp32_dest = false) {
  Tile dst{};
  dst.v[0] = x;
  Sfpu(op, MathConfig{.fp32_dest = fp32_dest}, dst);
  return dst.v[0];
}

TEST(TileMathSfpu, ReluOfNegativeZeroIsPositiveZero) {
  const float result = SfpuOf(SfpuOp::Relu, -0.0f);
  EXPECT_EQ(result, 0.0f);
  EXPECT_FALSE(std::signbit(result));
}

TEST(TileMathSfpu, RecipOfZeroIsInfinityWithTheZerosSign) {
  EXPECT_EQ(SfpuOf(SfpuOp::Recip, 0.0f), std::numeric_limits<float>::infinity());
  EXPECT_EQ(SfpuOf(SfpuOp::Recip, -0.0f), -std::numeric_limits<float>::infinity());
}

TEST(TileMathSfpu, SqrtOfNegativeIsNan) {
  EXPECT_TRUE(std::isnan(SfpuOf(SfpuOp::Sqrt, -4.0f)));
  EXPECT_TRUE(std::isnan(SfpuOf(SfpuOp::Sqrt, -4.0f, true)));
}

TEST(TileMathSfpu, LogOfZeroIsMinusInfinityAndOfNegativeNan) {
  EXPECT_EQ(SfpuOf(SfpuOp::Log, 0.0f), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(SfpuOf(SfpuOp::Log, -1.0f)));
}

TEST(TileMathSfpu, ExpSaturatesToInfinityAndZero) {
  EXPECT_EQ(SfpuOf(SfpuOp::Exp, 100.0f), std::numeric_limits<float>::infinity());
  EXPECT_EQ(SfpuOf(SfpuOp::Exp, -std::numeric_limits<float>::infinity()), 0.0f);
}

TEST(TileMathSfpu, ApproxModeGivesTheSameResults) {
  const Tile input = RandomTile(7, -3.0f, 3.0f);
  for (SfpuOp op : {SfpuOp::Exp, SfpuOp::Gelu}) {
    Tile exact = input, approx = input;
    Sfpu(op, MathConfig{.approx = false}, exact);
    Sfpu(op, MathConfig{.approx = true}, approx);
    for (int i = 0; i < 1024; ++i) ASSERT_EQ(exact.v[i], approx.v[i]) << i;
  }
}

TEST(TileMathSfpu, InvalidOpTrapsNamingIt) {
  Tile dst{};
  try {
    Sfpu(static_cast<SfpuOp>(42), MathConfig{}, dst);
    FAIL() << "SFPU op 42 did not trap";
  } catch (const KernelTrap& trap) {
    EXPECT_NE(std::string(trap.what()).find("42"), std::string::npos) << trap.what();
  }
}

}  // namespace
}  // namespace tilesim::emu::tile
