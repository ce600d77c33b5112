// Prepared matmul operands: prepared straight from CB bytes (face layout) they multiply to the scalar
// reference at every fidelity and DST format, one prepared operand serves many products, and misuse traps
// with a message naming what is wrong. Also UnpackToDst, copy_tile's fused unpack and DST rounding.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/trap.h"
#include "matmul_reference.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile {
namespace {

using testing::RandomBf16Values;
using testing::ReferenceTileMatmul;

constexpr MathFidelity kAllFidelities[] = {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3,
                                           MathFidelity::HiFi4};

// Row-major values -> CB tile bytes in face layout (tile.h), written element by element.
std::vector<uint8_t> CbBytes(const std::vector<float>& row_major, DataFormat format) {
  std::vector<uint8_t> bytes(TileSizeBytes(format));
  for (uint32_t r = 0; r < 32; ++r) {
    for (uint32_t c = 0; c < 32; ++c) {
      const uint32_t at = FaceLayoutIndex(r, c);
      const float value = row_major[r * 32 + c];
      if (format == DataFormat::Float32) {
        std::memcpy(&bytes[at * 4], &value, 4);
      } else {
        const uint16_t half = FloatToBf16Bits(value);
        std::memcpy(&bytes[at * 2], &half, 2);
      }
    }
  }
  return bytes;
}

Tile ToTile(const std::vector<float>& values) {
  Tile t;
  std::memcpy(t.v, values.data(), sizeof(t.v));
  return t;
}

void ExpectSameBits(const Tile& got, const std::vector<float>& expected, const std::string& what) {
  int mismatches = 0;
  for (int i = 0; i < 1024 && mismatches < 5; ++i) {
    if (std::bit_cast<uint32_t>(got.v[i]) != std::bit_cast<uint32_t>(expected[i])) {
      ++mismatches;
      ADD_FAILURE() << what << ": element (" << i / 32 << ", " << i % 32 << ") got " << got.v[i] << " expected "
                    << expected[i];
    }
  }
}

std::string TrapMessage(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const KernelTrap& trap) {
    return trap.what();
  }
  return "(no trap)";
}

TEST(TileMathPrepared, Bf16CbTilesMatchTheReferenceAtEveryFidelityAndDstFormat) {
  const std::vector<float> a = RandomBf16Values(1), b = RandomBf16Values(2), initial = RandomBf16Values(3);
  const std::vector<uint8_t> a_bytes = CbBytes(a, DataFormat::Float16_b), b_bytes = CbBytes(b, DataFormat::Float16_b);
  auto left = std::make_unique<PreparedOperand>(), right = std::make_unique<PreparedOperand>();
  for (bool fp32_dest : {false, true}) {
    for (MathFidelity fidelity : kAllFidelities) {
      const MathConfig config{.fidelity = fidelity, .fp32_dest = fp32_dest};
      PrepareLeft(a_bytes.data(), DataFormat::Float16_b, config, *left);
      PrepareRight(b_bytes.data(), DataFormat::Float16_b, false, config, *right);
      Tile dst = ToTile(initial);
      MatmulAccumulate(*left, *right, config, dst);
      ExpectSameBits(dst, ReferenceTileMatmul(a, b, false, fidelity, fp32_dest, initial),
                     std::string(ToString(fidelity)) + (fp32_dest ? " fp32 DST" : " bf16 DST"));
    }
  }
}

TEST(TileMathPrepared, Fp32CbTilesAreTruncatedToTheSourceFormat) {
  // Full 24-bit mantissas: the source format (TF32 or BF16, truncating) must cut them before multiplying.
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> a(1024), b(1024), initial(1024);
  for (int i = 0; i < 1024; ++i) {
    a[i] = dist(rng);
    b[i] = dist(rng);
    initial[i] = dist(rng);
  }
  const std::vector<uint8_t> a_bytes = CbBytes(a, DataFormat::Float32), b_bytes = CbBytes(b, DataFormat::Float32);
  auto left = std::make_unique<PreparedOperand>(), right = std::make_unique<PreparedOperand>();
  for (bool fp32_dest : {false, true}) {
    for (MathFidelity fidelity : kAllFidelities) {
      const MathConfig config{.fidelity = fidelity, .fp32_dest = fp32_dest};
      PrepareLeft(a_bytes.data(), DataFormat::Float32, config, *left);
      PrepareRight(b_bytes.data(), DataFormat::Float32, false, config, *right);
      std::vector<float> start = initial;
      if (!fp32_dest) {
        for (float& x : start) x = testing::ReferenceRoundToBf16(x);  // what a bf16 DST can hold
      }
      Tile dst = ToTile(start);
      MatmulAccumulate(*left, *right, config, dst);
      ExpectSameBits(dst, ReferenceTileMatmul(a, b, false, fidelity, fp32_dest, start),
                     std::string(ToString(fidelity)) + (fp32_dest ? " fp32 DST" : " bf16 DST"));
    }
  }
}

TEST(TileMathPrepared, TransposedRightOperandFromCbBytes) {
  const std::vector<float> a = RandomBf16Values(5), b = RandomBf16Values(6);
  const MathConfig config{.fidelity = MathFidelity::HiFi3, .fp32_dest = true};
  auto left = std::make_unique<PreparedOperand>(), right = std::make_unique<PreparedOperand>();
  PrepareLeft(CbBytes(a, DataFormat::Float16_b).data(), DataFormat::Float16_b, config, *left);
  PrepareRight(CbBytes(b, DataFormat::Float16_b).data(), DataFormat::Float16_b, true, config, *right);
  Tile dst{};
  MatmulAccumulate(*left, *right, config, dst);
  ExpectSameBits(dst, ReferenceTileMatmul(a, b, true, config.fidelity, true, std::vector<float>(1024, 0.0f)),
                 "transposed");
}

TEST(TileMathPrepared, OnePreparedOperandServesManyProducts) {
  const std::vector<float> a = RandomBf16Values(7);
  const MathConfig config{.fidelity = MathFidelity::HiFi2, .fp32_dest = false};
  auto left = std::make_unique<PreparedOperand>(), right = std::make_unique<PreparedOperand>();
  PrepareLeft(ToTile(a), config, *left);
  for (uint32_t seed = 8; seed < 11; ++seed) {
    const std::vector<float> b = RandomBf16Values(seed);
    PrepareRight(ToTile(b), false, config, *right);
    Tile dst{};
    MatmulAccumulate(*left, *right, config, dst);
    ExpectSameBits(dst, ReferenceTileMatmul(a, b, false, config.fidelity, false, std::vector<float>(1024, 0.0f)),
                   "product with right operand " + std::to_string(seed));
  }
}

TEST(TileMathPrepared, InfinitiesAndNanPropagateAsNaNOrInfinity) {
  std::vector<float> a(1024, 0.0f), b(1024, 0.0f);
  a[0 * 32 + 0] = INFINITY;  // row 0 x column 0 of b, which is zero: inf * 0 = NaN
  b[0 * 32 + 1] = 2.0f;      // row 0 x column 1: inf * 2 = inf
  a[2 * 32 + 3] = NAN;       // row 2 meets b's row 3, all zero: NaN * 0 = NaN
  const MathConfig config{.fidelity = MathFidelity::HiFi4, .fp32_dest = false};
  auto left = std::make_unique<PreparedOperand>(), right = std::make_unique<PreparedOperand>();
  PrepareLeft(CbBytes(a, DataFormat::Float32).data(), DataFormat::Float32, config, *left);
  PrepareRight(CbBytes(b, DataFormat::Float32).data(), DataFormat::Float32, false, config, *right);
  Tile dst{};
  MatmulAccumulate(*left, *right, config, dst);
  EXPECT_TRUE(std::isnan(dst.v[0 * 32 + 0]));
  EXPECT_EQ(dst.v[0 * 32 + 1], INFINITY);
  for (int j = 0; j < 32; ++j) EXPECT_TRUE(std::isnan(dst.v[2 * 32 + j])) << "column " << j;
  EXPECT_EQ(dst.v[1 * 32 + 0], 0.0f);  // untouched rows stay finite
}

TEST(TileMathPrepared, OperandPreparedForAnotherConfigTraps) {
  auto left = std::make_unique<PreparedOperand>(), right = std::make_unique<PreparedOperand>();
  const MathConfig hifi4{.fidelity = MathFidelity::HiFi4, .fp32_dest = false};
  PrepareLeft(ToTile(RandomBf16Values(12)), hifi4, *left);
  PrepareRight(ToTile(RandomBf16Values(13)), false, hifi4, *right);
  Tile dst{};
  const std::string message =
      TrapMessage([&] { MatmulAccumulate(*left, *right, MathConfig{.fidelity = MathFidelity::LoFi}, dst); });
  EXPECT_NE(message.find("MatmulAccumulate"), std::string::npos) << message;
  EXPECT_NE(message.find("HiFi4"), std::string::npos) << message;
  EXPECT_NE(message.find("LoFi"), std::string::npos) << message;
  const std::string dest = TrapMessage(
      [&] { MatmulAccumulate(*left, *right, MathConfig{.fidelity = MathFidelity::HiFi4, .fp32_dest = true}, dst); });
  EXPECT_NE(dest.find("fp32 DST"), std::string::npos) << dest;
}

TEST(TileMathPrepared, OperandsPassedOnTheWrongSideTrap) {
  auto left = std::make_unique<PreparedOperand>(), right = std::make_unique<PreparedOperand>();
  const MathConfig config{};
  PrepareLeft(ToTile(RandomBf16Values(14)), config, *left);
  PrepareRight(ToTile(RandomBf16Values(15)), false, config, *right);
  Tile dst{};
  const std::string message = TrapMessage([&] { MatmulAccumulate(*right, *left, config, dst); });
  EXPECT_NE(message.find("prepared as the right operand"), std::string::npos) << message;
  EXPECT_NE(message.find("passed as the left operand"), std::string::npos) << message;
}

TEST(TileMathPrepared, UnsupportedFormatNullSourceAndBadFidelityTrap) {
  auto operand = std::make_unique<PreparedOperand>();
  const std::vector<uint8_t> bytes(4096, 0);
  const std::string format = TrapMessage([&] { PrepareLeft(bytes.data(), DataFormat::Bfp8_b, MathConfig{}, *operand); });
  EXPECT_NE(format.find("PrepareLeft"), std::string::npos) << format;
  EXPECT_NE(format.find("Bfp8_b"), std::string::npos) << format;
  const std::string null =
      TrapMessage([&] { PrepareRight(nullptr, DataFormat::Float16_b, false, MathConfig{}, *operand); });
  EXPECT_NE(null.find("PrepareRight"), std::string::npos) << null;
  EXPECT_NE(null.find("null"), std::string::npos) << null;
  const std::string fidelity = TrapMessage([&] {
    PrepareRight(bytes.data(), DataFormat::Float16_b, true, MathConfig{.fidelity = static_cast<MathFidelity>(1)},
                 *operand);
  });
  EXPECT_NE(fidelity.find("fidelity value 1"), std::string::npos) << fidelity;
}

TEST(TileMathUnpackToDst, RoundsToABf16DstAndCopiesIntoAnFp32Dst) {
  std::mt19937 rng(16);
  std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
  std::vector<float> values(1024);
  for (float& v : values) v = dist(rng);
  values[5] = 1.0f + std::ldexp(1.0f, -8);                           // a tie: rounds to even, 1.0
  values[6] = 1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -7);  // a tie: rounds up to 1 + 2^-6
  const std::vector<uint8_t> bytes = CbBytes(values, DataFormat::Float32);
  Tile bf16, fp32;
  UnpackToDst(bytes.data(), DataFormat::Float32, MathConfig{.fp32_dest = false}, bf16);
  UnpackToDst(bytes.data(), DataFormat::Float32, MathConfig{.fp32_dest = true}, fp32);
  std::vector<float> rounded(1024);
  for (int i = 0; i < 1024; ++i) rounded[i] = testing::ReferenceRoundToBf16(values[i]);
  ExpectSameBits(bf16, rounded, "bf16 DST");
  ExpectSameBits(fp32, values, "fp32 DST");
  EXPECT_EQ(bf16.v[5], 1.0f);
  EXPECT_EQ(bf16.v[6], 1.0f + std::ldexp(1.0f, -6));
}

TEST(TileMathUnpackToDst, Bf16TilesKeepTheirValuesAndNaNBecomesQuiet) {
  std::vector<uint8_t> bytes = CbBytes(RandomBf16Values(17), DataFormat::Float16_b);
  const uint16_t signalling_nan = 0x7f81;  // exponent all ones, quiet bit clear
  std::memcpy(&bytes[0], &signalling_nan, 2);
  Tile unpacked, to_dst;
  Unpack(bytes.data(), DataFormat::Float16_b, unpacked);
  UnpackToDst(bytes.data(), DataFormat::Float16_b, MathConfig{.fp32_dest = false}, to_dst);
  EXPECT_EQ(std::bit_cast<uint32_t>(to_dst.v[0]), 0x7fc10000u);  // the quiet bit set, as the packer does
  for (int i = 1; i < 1024; ++i) ASSERT_EQ(std::bit_cast<uint32_t>(to_dst.v[i]), std::bit_cast<uint32_t>(unpacked.v[i])) << i;
}

}  // namespace
}  // namespace tilesim::emu::tile
