// MatmulAccumulate: exact summation order, transpose, accumulation, DST rounding and math fidelity.
//
// The reference here follows the ISA documentation literally and independently of fidelity.h: operands
// are truncated to the source format (TF32: 1 + 10 significand bits with an fp32 DST, BF16: 1 + 7),
// each phase p multiplies SrcA's significand bits [0,5) or [5,10) (p & 1) by SrcB's bits [0,7) or
// [7,11) (p & 2), the phase products are summed in double (exact), and every k adds that product to a
// running fp32 sum that starts from DST, k = 0..31 in order. In a matmul `a` (in0) is SrcB and `b` (in1)
// is SrcA.
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

constexpr MathFidelity kAllFidelities[] = {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3,
                                           MathFidelity::HiFi4};

float ReferenceRoundToBf16(float x) {
  if (!std::isfinite(x) || x == 0.0f) return x;
  int exponent = 0;
  const double significand = std::frexp(static_cast<double>(x), &exponent);
  return static_cast<float>(std::ldexp(std::nearbyint(significand * 256.0) / 256.0, exponent));
}

// Significand bits [first, first + count) of a normal float (bit 0 = the implicit 1), as a signed value.
double SignificandBits(float x, int first, int count) {
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  if ((bits & 0x7f800000u) == 0) return 0.0;
  const uint32_t significand = (bits & 0x007fffffu) | 0x00800000u;
  const uint32_t mask = ((1u << count) - 1u) << (24 - first - count);
  const int exponent = static_cast<int>((bits >> 23) & 0xffu) - 150;  // of the significand's last bit
  const double value = std::ldexp(static_cast<double>(significand & mask), exponent);
  return (bits >> 31) ? -value : value;
}

// The source-register value: the first 11 (TF32) or 8 (BF16) significand bits, truncated.
float ToSource(float x, bool fp32_dest) { return static_cast<float>(SignificandBits(x, 0, fp32_dest ? 11 : 8)); }

double PhaseProductSum(float src_a, float src_b, MathFidelity fidelity) {
  const int phases = fidelity == MathFidelity::LoFi ? 1 : static_cast<int>(fidelity);
  double sum = 0.0;
  for (int p = 0; p < phases; ++p) {
    const double a_slice = (p & 1) ? SignificandBits(src_a, 5, 5) : SignificandBits(src_a, 0, 5);
    const double b_slice = (p & 2) ? SignificandBits(src_b, 7, 4) : SignificandBits(src_b, 0, 7);
    sum += a_slice * b_slice;
  }
  return sum;
}

Tile ReferenceMatmul(const Tile& a, const Tile& b, bool transpose_b, const MathConfig& config, const Tile& dst) {
  Tile out;
  for (int i = 0; i < 32; ++i) {
    for (int j = 0; j < 32; ++j) {
      float sum = dst.v[i * 32 + j];
      for (int k = 0; k < 32; ++k) {
        const float left = ToSource(a.v[i * 32 + k], config.fp32_dest);
        const float right = ToSource(transpose_b ? b.v[j * 32 + k] : b.v[k * 32 + j], config.fp32_dest);
        sum = sum + static_cast<float>(PhaseProductSum(right, left, config.fidelity));
      }
      out.v[i * 32 + j] = config.fp32_dest ? sum : ReferenceRoundToBf16(sum);
    }
  }
  return out;
}

Tile RandomBf16Tile(uint32_t seed, float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  Tile tile;
  for (float& v : tile.v) v = ReferenceRoundToBf16(dist(rng));
  return tile;
}

void ExpectSameBits(const Tile& got, const Tile& expected, const std::string& what) {
  int mismatches = 0;
  for (int i = 0; i < 1024 && mismatches < 5; ++i) {
    if (std::bit_cast<uint32_t>(got.v[i]) != std::bit_cast<uint32_t>(expected.v[i])) {
      ++mismatches;
      ADD_FAILURE() << what << ": element (" << i / 32 << ", " << i % 32 << ") got " << got.v[i] << " expected "
                    << expected.v[i];
    }
  }
}

TEST(TileMathMatmul, HiFi4OnBf16IsExactProductsSummedInOrder) {
  const Tile a = RandomBf16Tile(1), b = RandomBf16Tile(2);
  Tile dst{};
  MatmulAccumulate(a, b, false, MathConfig{.fidelity = MathFidelity::HiFi4, .fp32_dest = true}, dst);
  // bf16 x bf16 is exact in fp32, so the scalar loop needs no fidelity model at all.
  Tile expected;
  for (int i = 0; i < 32; ++i) {
    for (int j = 0; j < 32; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < 32; ++k) {
        sum = sum + static_cast<float>(static_cast<double>(a.v[i * 32 + k]) * b.v[k * 32 + j]);
      }
      expected.v[i * 32 + j] = sum;
    }
  }
  ExpectSameBits(dst, expected, "HiFi4 fp32 DST");
}

TEST(TileMathMatmul, TransposeFlagMultipliesByBTransposed) {
  const Tile a = RandomBf16Tile(3), b = RandomBf16Tile(4);
  const MathConfig config{.fidelity = MathFidelity::HiFi4, .fp32_dest = true};
  Tile dst{};
  MatmulAccumulate(a, b, true, config, dst);
  ExpectSameBits(dst, ReferenceMatmul(a, b, true, config, Tile{}), "transposed");
  Tile untransposed{};
  MatmulAccumulate(a, b, false, config, untransposed);
  EXPECT_NE(dst.v[1], untransposed.v[1]) << "the transpose flag had no effect";
}

TEST(TileMathMatmul, AccumulatesIntoNonZeroDst) {
  const Tile a = RandomBf16Tile(5), b = RandomBf16Tile(6);
  const Tile initial = RandomBf16Tile(7, -50.0f, 50.0f);
  const MathConfig config{.fidelity = MathFidelity::HiFi4, .fp32_dest = true};
  Tile dst = initial;
  MatmulAccumulate(a, b, false, config, dst);
  ExpectSameBits(dst, ReferenceMatmul(a, b, false, config, initial), "accumulate");
}

TEST(TileMathMatmul, Bf16DstRoundsTheFp32SumOnce) {
  const Tile a = RandomBf16Tile(8), b = RandomBf16Tile(9);
  const Tile initial = RandomBf16Tile(10);
  Tile bf16 = initial, fp32 = initial;
  MatmulAccumulate(a, b, false, MathConfig{.fidelity = MathFidelity::HiFi4, .fp32_dest = false}, bf16);
  MatmulAccumulate(a, b, false, MathConfig{.fidelity = MathFidelity::HiFi4, .fp32_dest = true}, fp32);
  int fp32_values_beyond_bf16 = 0;
  for (int i = 0; i < 1024; ++i) {
    EXPECT_EQ(bf16.v[i], ReferenceRoundToBf16(fp32.v[i])) << i;
    fp32_values_beyond_bf16 += (std::bit_cast<uint32_t>(fp32.v[i]) & 0xffffu) != 0;
  }
  EXPECT_GT(fp32_values_beyond_bf16, 900) << "an fp32 DST should keep bits a bf16 DST drops";
}

TEST(TileMathMatmul, EveryFidelityMatchesThePhaseSliceReference) {
  const Tile a = RandomBf16Tile(11), b = RandomBf16Tile(12);
  const Tile initial = RandomBf16Tile(13);
  for (bool fp32_dest : {true, false}) {
    for (MathFidelity fidelity : kAllFidelities) {
      const MathConfig config{.fidelity = fidelity, .fp32_dest = fp32_dest};
      Tile dst = initial;
      MatmulAccumulate(a, b, false, config, dst);
      ExpectSameBits(dst, ReferenceMatmul(a, b, false, config, initial),
                     std::string(ToString(fidelity)) + (fp32_dest ? " fp32" : " bf16"));
    }
  }
}

// Mean and max of |C - exact| / sum_k |a_ik b_kj| over a tile (the exact product in double).
struct ErrorStats {
  double mean = 0, max = 0;
};
ErrorStats MatmulError(const Tile& a, const Tile& b, MathFidelity fidelity, bool fp32_dest) {
  Tile dst{};
  MatmulAccumulate(a, b, false, MathConfig{.fidelity = fidelity, .fp32_dest = fp32_dest}, dst);
  ErrorStats stats;
  for (int i = 0; i < 32; ++i) {
    for (int j = 0; j < 32; ++j) {
      double exact = 0, scale = 0;
      for (int k = 0; k < 32; ++k) {
        exact += static_cast<double>(a.v[i * 32 + k]) * b.v[k * 32 + j];
        scale += std::fabs(static_cast<double>(a.v[i * 32 + k]) * b.v[k * 32 + j]);
      }
      const double error = std::fabs(dst.v[i * 32 + j] - exact) / scale;
      stats.mean += error / 1024;
      stats.max = std::max(stats.max, error);
    }
  }
  return stats;
}

TEST(TileMathMatmul, FidelityErrorShrinksWithEachPhaseFp32Dst) {
  const Tile a = RandomBf16Tile(14), b = RandomBf16Tile(15);
  const ErrorStats lofi = MatmulError(a, b, MathFidelity::LoFi, true);
  const ErrorStats hifi2 = MatmulError(a, b, MathFidelity::HiFi2, true);
  const ErrorStats hifi3 = MatmulError(a, b, MathFidelity::HiFi3, true);
  const ErrorStats hifi4 = MatmulError(a, b, MathFidelity::HiFi4, true);
  // Per product: LoFi drops SrcA's (b's) low 3 bits (< 2^-4 relative) and SrcB's (a's) last bit (<= 2^-7);
  // HiFi2 drops only SrcB's last bit; HiFi3 only the product of both low slices (< 2^-11); HiFi4 is exact
  // and leaves the fp32 summation error (< 32 * 2^-24). Bounds add the summation allowance.
  const double summation = 32.0 * std::ldexp(1.0, -24);
  EXPECT_LE(lofi.max, std::ldexp(1.0, -4) + std::ldexp(1.0, -7) + summation);
  EXPECT_LE(hifi2.max, std::ldexp(1.0, -7) + summation);
  EXPECT_LE(hifi3.max, std::ldexp(1.0, -11) + summation);
  EXPECT_LE(hifi4.max, summation);
  // Measurably ordered (typical means: 2^-7.8, 2^-10.5, 2^-16, 2^-28): LoFi's 3 lost SrcA bits outweigh
  // HiFi2's 1 lost SrcB bit (about 2^3 / 2 = 4x on average; 6-7x seen); HiFi3 keeps all but a share of
  // at most 2^-4 of HiFi2's error (about 2^-5 on average, ~47x seen); HiFi4 leaves rounding at 2^-24.
  EXPECT_GT(lofi.mean, std::ldexp(1.0, -9));
  EXPECT_GT(lofi.mean, 4 * hifi2.mean);
  EXPECT_GT(hifi2.mean, 16 * hifi3.mean);
  EXPECT_GT(hifi3.mean, 256 * hifi4.mean);
}

TEST(TileMathMatmul, FidelityErrorOrderHoldsWithBf16Dst) {
  const Tile a = RandomBf16Tile(16), b = RandomBf16Tile(17);
  const ErrorStats lofi = MatmulError(a, b, MathFidelity::LoFi, false);
  const ErrorStats hifi2 = MatmulError(a, b, MathFidelity::HiFi2, false);
  const ErrorStats hifi3 = MatmulError(a, b, MathFidelity::HiFi3, false);
  const ErrorStats hifi4 = MatmulError(a, b, MathFidelity::HiFi4, false);
  // The bf16 DST rounding (2^-9 relative) now dominates HiFi3's error, so HiFi3 and HiFi4 may tie.
  EXPECT_GT(lofi.mean, 2 * hifi2.mean);
  EXPECT_GT(hifi2.mean, hifi3.mean);
  EXPECT_GE(hifi3.mean, hifi4.mean);
  EXPECT_LE(hifi4.max, std::ldexp(1.0, -8));
}

// One non-zero pair: dst[0][0] = the phase-product sum of a[0][0] (SrcB) and b[0][0] (SrcA).
float SinglePairMatmul(float a00, float b00, MathFidelity fidelity) {
  Tile a{}, b{}, dst{};
  a.v[0] = a00;
  b.v[0] = b00;
  MatmulAccumulate(a, b, false, MathConfig{.fidelity = fidelity, .fp32_dest = true}, dst);
  return dst.v[0];
}

TEST(TileMathMatmul, LoFiTruncatesBothOperandsOnHandPickedPair) {
  // a = b = 1.1111111b (bf16 0x3fff). LoFi: SrcB (a) keeps 1.111111b = 127/64, SrcA (b) 1.1111b = 31/16.
  EXPECT_EQ(SinglePairMatmul(255.0f / 128, 255.0f / 128, MathFidelity::LoFi), 127.0f / 64 * 31.0f / 16);
  // The exact product differs: LoFi really dropped bits.
  EXPECT_NE(127.0f / 64 * 31.0f / 16, 255.0f / 128 * 255.0f / 128);
}

TEST(TileMathMatmul, EachPhaseAddsItsSliceOnHandPickedPair) {
  // a (SrcB) = 1 + 2^-7: its last bit is SrcB's low slice. b (SrcA) = 1 + 2^-5: the fifth mantissa bit is
  // in SrcA's low slice. Phase products: p0 = 1*1, p1 = 2^-5 * 1, p2 = 1 * 2^-7, p3 = 2^-5 * 2^-7.
  const float a = 1.0f + 1.0f / 128, b = 1.0f + 1.0f / 32;
  EXPECT_EQ(SinglePairMatmul(a, b, MathFidelity::LoFi), 1.0f);
  EXPECT_EQ(SinglePairMatmul(a, b, MathFidelity::HiFi2), 1.03125f);
  EXPECT_EQ(SinglePairMatmul(a, b, MathFidelity::HiFi3), 1.0390625f);
  EXPECT_EQ(SinglePairMatmul(a, b, MathFidelity::HiFi4), 1.039306640625f);
  // Swapping the operands swaps the roles: now a's 2^-5 bit is in SrcB's high slice (kept by LoFi) and
  // b's 2^-7 bit is in SrcA's low slice.
  EXPECT_EQ(SinglePairMatmul(b, a, MathFidelity::LoFi), 1.03125f);
}

TEST(TileMathMatmul, Fp32OperandsAreTruncatedToTheSourceFormat) {
  const float x = 1.0f + std::ldexp(1.0f, -10) + std::ldexp(1.0f, -20);
  // fp32 DST: TF32 sources. As SrcB (a) x keeps 2^-10 (TF32's last bit) and loses 2^-20.
  EXPECT_EQ(SinglePairMatmul(x, 1.0f, MathFidelity::HiFi4), 1.0f + std::ldexp(1.0f, -10));
  // As SrcA (b) even TF32's last bit (2^-10) is ignored by every phase.
  EXPECT_EQ(SinglePairMatmul(1.0f, x, MathFidelity::HiFi4), 1.0f);
  // bf16 DST: BF16 sources, so x is truncated to 1.
  Tile a{}, b{}, dst{};
  a.v[0] = 1.0f + std::ldexp(1.0f, -7) + std::ldexp(1.0f, -8);  // bf16 truncation keeps 2^-7, drops 2^-8
  b.v[0] = 1.0f;
  MatmulAccumulate(a, b, false, MathConfig{.fidelity = MathFidelity::HiFi4, .fp32_dest = false}, dst);
  EXPECT_EQ(dst.v[0], 1.0f + std::ldexp(1.0f, -7));
}

TEST(TileMathMatmul, Fp32OperandsGiveMultiplyThenAddResults) {
  // Full 24-bit mantissas: were they multiplied as they are, a fused multiply-add would round differently
  // from multiply-then-add. The source format cuts them to TF32, so products are exact and the reference
  // (exact product, then one fp32 addition) must match bit for bit.
  std::mt19937 rng(18);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  Tile a, b, initial;
  for (int i = 0; i < 1024; ++i) {
    a.v[i] = dist(rng);
    b.v[i] = dist(rng);
    initial.v[i] = dist(rng);
  }
  for (MathFidelity fidelity : kAllFidelities) {
    const MathConfig config{.fidelity = fidelity, .fp32_dest = true};
    Tile dst = initial;
    MatmulAccumulate(a, b, false, config, dst);
    ExpectSameBits(dst, ReferenceMatmul(a, b, false, config, initial), std::string(ToString(fidelity)));
  }
}

TEST(TileMathMatmul, DstMayBeTheLeftOperand) {
  const Tile a = RandomBf16Tile(19), b = RandomBf16Tile(20);
  const MathConfig config{.fidelity = MathFidelity::HiFi4, .fp32_dest = true};
  Tile aliased = a;
  MatmulAccumulate(aliased, b, false, config, aliased);
  ExpectSameBits(aliased, ReferenceMatmul(a, b, false, config, a), "dst aliasing a");
}

TEST(TileMathMatmul, InvalidFidelityTrapsNamingIt) {
  Tile a{}, b{}, dst{};
  try {
    MatmulAccumulate(a, b, false, MathConfig{.fidelity = static_cast<MathFidelity>(1)}, dst);
    FAIL() << "fidelity value 1 did not trap";
  } catch (const KernelTrap& trap) {
    EXPECT_NE(std::string(trap.what()).find("MatmulAccumulate"), std::string::npos) << trap.what();
    EXPECT_NE(std::string(trap.what()).find("fidelity"), std::string::npos) << trap.what();
  }
}

}  // namespace
}  // namespace tilesim::emu::tile
