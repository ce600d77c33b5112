// Unpack / Pack / RoundToDst: face order, bf16 conversion and rounding, checked against hand-placed
// values and a double-precision rounding reference written here.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu::tile {
namespace {

uint16_t Bf16BitsOf(float value) { return static_cast<uint16_t>(std::bit_cast<uint32_t>(value) >> 16); }

// Nearest bfloat16 (8 significant bits), ties to even, computed with double arithmetic: frexp gives the
// significand in [0.5, 1); scaling by 2^8 and nearbyint (default mode: ties to even) rounds it.
float ReferenceRoundToBf16(float x) {
  if (!std::isfinite(x) || x == 0.0f) return x;
  int exponent = 0;
  const double significand = std::frexp(static_cast<double>(x), &exponent);
  return static_cast<float>(std::ldexp(std::nearbyint(significand * 256.0) / 256.0, exponent));
}

std::vector<uint8_t> Bf16TileBytes(const std::vector<uint16_t>& face_layout_bits) {
  std::vector<uint8_t> bytes(face_layout_bits.size() * 2);
  std::memcpy(bytes.data(), face_layout_bits.data(), bytes.size());
  return bytes;
}

TEST(TileMathUnpack, Bf16FacesLandInRowMajorPositions) {
  // Face layout: face 0 rows 0-15 cols 0-15, face 1 rows 0-15 cols 16-31, face 2 rows 16-31 cols 0-15,
  // face 3 rows 16-31 cols 16-31, 256 elements each, row-major inside the face.
  std::vector<uint16_t> bits(1024, 0);
  bits[0] = Bf16BitsOf(1.0f);          // face 0, row 0, col 0   -> (0, 0)
  bits[18] = Bf16BitsOf(2.0f);         // face 0, row 1, col 2   -> (1, 2)
  bits[256] = Bf16BitsOf(3.0f);        // face 1, row 0, col 0   -> (0, 16)
  bits[256 + 48 + 5] = Bf16BitsOf(-4.0f);  // face 1, row 3, col 5 -> (3, 21)
  bits[512] = Bf16BitsOf(5.5f);        // face 2, row 0, col 0   -> (16, 0)
  bits[512 + 255] = Bf16BitsOf(6.0f);  // face 2, row 15, col 15 -> (31, 15)
  bits[768 + 16 + 15] = Bf16BitsOf(0.25f);  // face 3, row 1, col 15 -> (17, 31)
  bits[1023] = Bf16BitsOf(-7.0f);      // face 3, row 15, col 15 -> (31, 31)
  const std::vector<uint8_t> bytes = Bf16TileBytes(bits);

  Tile tile;
  Unpack(bytes.data(), DataFormat::Float16_b, tile);

  float expected[1024] = {};
  expected[0 * 32 + 0] = 1.0f;
  expected[1 * 32 + 2] = 2.0f;
  expected[0 * 32 + 16] = 3.0f;
  expected[3 * 32 + 21] = -4.0f;
  expected[16 * 32 + 0] = 5.5f;
  expected[31 * 32 + 15] = 6.0f;
  expected[17 * 32 + 31] = 0.25f;
  expected[31 * 32 + 31] = -7.0f;
  for (int i = 0; i < 1024; ++i) EXPECT_EQ(tile.v[i], expected[i]) << "row " << i / 32 << " col " << i % 32;
}

TEST(TileMathUnpack, Fp32IsTakenBitForBit) {
  std::vector<uint32_t> bits(1024);
  for (uint32_t i = 0; i < 1024; ++i) bits[i] = 0x3f800000u + i * 0x1357u;  // full mantissas, all distinct
  std::vector<uint8_t> bytes(4096);
  std::memcpy(bytes.data(), bits.data(), bytes.size());

  Tile tile;
  Unpack(bytes.data(), DataFormat::Float32, tile);

  for (uint32_t row = 0; row < 32; ++row) {
    for (uint32_t col = 0; col < 32; ++col) {
      const uint32_t face = (row / 16) * 2 + col / 16;
      const uint32_t index = face * 256 + (row % 16) * 16 + col % 16;
      EXPECT_EQ(std::bit_cast<uint32_t>(tile.v[row * 32 + col]), bits[index]) << row << "," << col;
    }
  }
}

TEST(TileMathPack, Bf16RoundTripKeepsEveryBit) {
  std::mt19937 rng(7);
  std::vector<uint16_t> bits(1024);
  for (uint16_t& b : bits) {
    b = static_cast<uint16_t>(rng());
    if ((b & 0x7f80u) == 0x7f80u) b &= 0xbfffu;  // keep to finite values: NaN payloads are not preserved
  }
  const std::vector<uint8_t> bytes = Bf16TileBytes(bits);
  Tile tile;
  Unpack(bytes.data(), DataFormat::Float16_b, tile);
  std::vector<uint8_t> packed(2048);
  Pack(tile, DataFormat::Float16_b, packed.data());
  EXPECT_EQ(packed, bytes);
}

TEST(TileMathPack, Fp32RoundTripKeepsEveryBit) {
  std::mt19937 rng(8);
  std::vector<uint8_t> bytes(4096);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  Tile tile;
  Unpack(bytes.data(), DataFormat::Float32, tile);
  std::vector<uint8_t> packed(4096);
  Pack(tile, DataFormat::Float32, packed.data());
  EXPECT_EQ(packed, bytes);
}

TEST(TileMathPack, Bf16RoundsToNearestWithTiesToEven) {
  struct Case {
    uint32_t fp32_bits;
    uint16_t bf16_bits;
  };
  const Case cases[] = {
      {0x3f808000u, 0x3f80u},  // 1 + 2^-8: halfway between 1 and 1 + 2^-7 -> even (1)
      {0x3f818000u, 0x3f82u},  // 1 + 3 * 2^-8: halfway -> even (1 + 2^-6)
      {0x3f808001u, 0x3f81u},  // just above halfway -> up
      {0x3f807fffu, 0x3f80u},  // just below halfway -> down
      {0xbf818000u, 0xbf82u},  // negative tie -> even magnitude
      {0x7f7fffffu, 0x7f80u},  // largest float rounds past bf16's largest -> +inf
      {0xff800000u, 0xff80u},  // -inf stays -inf
      {0x80000000u, 0x8000u},  // -0 stays -0
  };
  Tile tile{};
  for (size_t i = 0; i < std::size(cases); ++i) tile.v[i] = std::bit_cast<float>(cases[i].fp32_bits);
  std::vector<uint8_t> packed(2048);
  Pack(tile, DataFormat::Float16_b, packed.data());
  for (size_t i = 0; i < std::size(cases); ++i) {
    uint16_t got = 0;
    std::memcpy(&got, packed.data() + i * 2, 2);  // row 0, cols 0..7 are face 0's first elements
    EXPECT_EQ(got, cases[i].bf16_bits) << "case " << i << " input 0x" << std::hex << cases[i].fp32_bits;
  }
}

TEST(TileMathPack, Bf16KeepsNanANan) {
  Tile tile{};
  tile.v[0] = std::numeric_limits<float>::quiet_NaN();
  tile.v[1] = std::bit_cast<float>(0x7f800001u);  // signalling NaN whose payload sits in the low bits only
  std::vector<uint8_t> packed(2048);
  Pack(tile, DataFormat::Float16_b, packed.data());
  for (int i = 0; i < 2; ++i) {
    uint16_t got = 0;
    std::memcpy(&got, packed.data() + i * 2, 2);
    EXPECT_EQ(got & 0x7f80u, 0x7f80u) << i;
    EXPECT_NE(got & 0x007fu, 0u) << "NaN " << i << " became an infinity";
  }
}

TEST(TileMathPack, Bf16MatchesDoubleReferenceOnRandomValues) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> dist(-1000.0f, 1000.0f);
  Tile tile;
  for (float& v : tile.v) v = dist(rng);
  std::vector<uint8_t> packed(2048);
  Pack(tile, DataFormat::Float16_b, packed.data());
  Tile back;
  Unpack(packed.data(), DataFormat::Float16_b, back);
  for (int i = 0; i < 1024; ++i) EXPECT_EQ(back.v[i], ReferenceRoundToBf16(tile.v[i])) << tile.v[i];
}

TEST(TileMathRoundToDst, Bf16DstRoundsAndFp32DstKeeps) {
  std::mt19937 rng(10);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  Tile original;
  for (float& v : original.v) v = dist(rng);

  Tile bf16 = original;
  RoundToDst(bf16, MathConfig{.fp32_dest = false});
  Tile fp32 = original;
  RoundToDst(fp32, MathConfig{.fp32_dest = true});
  for (int i = 0; i < 1024; ++i) {
    EXPECT_EQ(bf16.v[i], ReferenceRoundToBf16(original.v[i]));
    EXPECT_EQ(std::bit_cast<uint32_t>(fp32.v[i]), std::bit_cast<uint32_t>(original.v[i]));
  }
}

TEST(TileMathUnpack, UnsupportedFormatTrapsNamingIt) {
  std::vector<uint8_t> bytes(4096, 0);
  Tile tile;
  try {
    Unpack(bytes.data(), DataFormat::Bfp8_b, tile);
    FAIL() << "Unpack of Bfp8_b did not trap";
  } catch (const KernelTrap& trap) {
    EXPECT_NE(std::string(trap.what()).find("Unpack"), std::string::npos) << trap.what();
    EXPECT_NE(std::string(trap.what()).find("Bfp8_b"), std::string::npos) << trap.what();
  }
}

TEST(TileMathPack, UnsupportedFormatTrapsNamingIt) {
  std::vector<uint8_t> bytes(4096, 0);
  const Tile tile{};
  try {
    Pack(tile, DataFormat::Bfp4_b, bytes.data());
    FAIL() << "Pack of Bfp4_b did not trap";
  } catch (const KernelTrap& trap) {
    EXPECT_NE(std::string(trap.what()).find("Pack"), std::string::npos) << trap.what();
    EXPECT_NE(std::string(trap.what()).find("Bfp4_b"), std::string::npos) << trap.what();
  }
}

TEST(TileMathUnpack, NullSourceTraps) {
  Tile tile;
  EXPECT_THROW(Unpack(nullptr, DataFormat::Float16_b, tile), KernelTrap);
}

}  // namespace
}  // namespace tilesim::emu::tile
