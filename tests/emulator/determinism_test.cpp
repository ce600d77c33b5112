// Results do not depend on the host thread count: a 16-core GEMM gives the same bytes with 1, 2 and 4
// threads, and those bytes match a scalar reference.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "emulator_test_util.h"
#include "tilesim/tile.h"

namespace tilesim::emu::testing {
namespace {

constexpr uint32_t kMt = 4, kNt = 4, kKt = 8;  // C = A (128x256) x B (256x128), in 32x32 tiles
constexpr uint32_t kTile = 2048;
constexpr uint32_t kA = 0x0, kB = 0x400000, kC = 0x800000;

ProgramSpec Gemm() { return MakeGemm({kMt, kNt, kKt, kA, kB, kC, /*fp32_dest_acc_en=*/true}); }

std::vector<float> Random(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t x = seed;
  for (float& f : v) {
    x = x * 1664525u + 1013904223u;
    f = RoundToBf16(static_cast<float>(x >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f);
  }
  return v;
}

std::vector<uint8_t> ToBf16Bytes(const std::vector<float>& v) {
  std::vector<uint8_t> bytes(v.size() * 2);
  for (size_t i = 0; i < v.size(); ++i) {
    const uint16_t b = FloatToBf16Bits(v[i]);
    bytes[2 * i] = static_cast<uint8_t>(b);
    bytes[2 * i + 1] = static_cast<uint8_t>(b >> 8);
  }
  return bytes;
}

constexpr uint32_t kM = kMt * 32, kN = kNt * 32, kK = kKt * 32;

std::vector<uint8_t> RunGemm(uint32_t threads, const std::vector<float>& a, const std::vector<float>& b) {
  Device device(DeviceConfig{});
  WriteInterleaved(device, kA, kTile, ToBf16Bytes(tilize<float>(a, kM, kK)));
  WriteInterleaved(device, kB, kTile, ToBf16Bytes(tilize<float>(b, kK, kN)));
  const Outcome out = RunCollecting(device, Gemm(), threads);
  EXPECT_TRUE(out.result.ok()) << out.result.message;
  return ReadInterleaved(device, kC, kTile, kMt * kNt);
}

TEST(Determinism, GemmGivesIdenticalBytesWithOneTwoAndFourThreads) {
  const std::vector<float> a = Random(size_t{kM} * kK, 1), b = Random(size_t{kK} * kN, 2);
  const std::vector<uint8_t> one = RunGemm(1, a, b);
  EXPECT_EQ(RunGemm(2, a, b), one);
  EXPECT_EQ(RunGemm(4, a, b), one);

  // And the bytes are the product, not merely the same: compare with a double-precision loop.
  std::vector<float> tiled(one.size() / 2);
  for (size_t i = 0; i < tiled.size(); ++i) tiled[i] = Bf16BitsToFloat(static_cast<uint16_t>(one[2 * i] | (one[2 * i + 1] << 8)));
  const std::vector<float> c = untilize<float>(tiled, kM, kN);
  for (uint32_t i = 0; i < kM; ++i) {
    for (uint32_t j = 0; j < kN; ++j) {
      double ref = 0;
      for (uint32_t k = 0; k < kK; ++k) ref += double{a[i * kK + k]} * b[k * kN + j];
      // fp32 DST, then one rounding to bf16 (8 mantissa bits) on pack.
      ASSERT_NEAR(c[i * kN + j], ref, 1e-2 * std::max(1.0, std::fabs(ref))) << "C[" << i << "][" << j << "]";
    }
  }
}

}  // namespace
}  // namespace tilesim::emu::testing
