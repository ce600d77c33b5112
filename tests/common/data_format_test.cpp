// Data formats: bfloat16 rounding (hand-computed bit patterns) and the name parsers.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "tilesim/data_format.h"

namespace tilesim {
namespace {

uint16_t Bf16Of(uint32_t float_bits) { return FloatToBf16Bits(std::bit_cast<float>(float_bits)); }

TEST(Bf16, ExactValuesConvertExactly) {
  EXPECT_EQ(FloatToBf16Bits(1.0f), 0x3f80u);
  EXPECT_EQ(FloatToBf16Bits(-2.0f), 0xc000u);
  EXPECT_EQ(FloatToBf16Bits(1.5f), 0x3fc0u);
  EXPECT_EQ(Bf16BitsToFloat(0x4049u), 3.140625f);  // 1.5703125 * 2
}

TEST(Bf16, RoundsToNearest) {
  EXPECT_EQ(Bf16Of(0x3f808001u), 0x3f81u);  // just above half an ulp: up
  EXPECT_EQ(Bf16Of(0x3f807fffu), 0x3f80u);  // just below: down
  EXPECT_EQ(Bf16Of(0xbf808001u), 0xbf81u);  // magnitude rounds the same way when negative
}

TEST(Bf16, TiesRoundToEven) {
  EXPECT_EQ(Bf16Of(0x3f808000u), 0x3f80u);  // between 0x3f80 (even) and 0x3f81: down
  EXPECT_EQ(Bf16Of(0x3f818000u), 0x3f82u);  // between 0x3f81 and 0x3f82 (even): up
  EXPECT_EQ(Bf16Of(0x00018000u), 0x0002u);  // subnormals too
}

TEST(Bf16, RoundingCarriesIntoTheExponent) {
  EXPECT_EQ(Bf16Of(0x3fffffffu), 0x4000u);  // 1.99999988 -> 2.0
  EXPECT_EQ(Bf16Of(0x7f7fffffu), 0x7f80u);  // FLT_MAX rounds up to infinity
}

TEST(Bf16, InfinitiesAndSignedZerosAreKept) {
  EXPECT_EQ(FloatToBf16Bits(std::numeric_limits<float>::infinity()), 0x7f80u);
  EXPECT_EQ(FloatToBf16Bits(-std::numeric_limits<float>::infinity()), 0xff80u);
  EXPECT_EQ(FloatToBf16Bits(0.0f), 0x0000u);
  EXPECT_EQ(FloatToBf16Bits(-0.0f), 0x8000u);
}

TEST(Bf16, NanStaysAQuietNan) {
  // A NaN whose payload lives only in the low 16 bits would truncate to infinity; it must stay NaN.
  EXPECT_EQ(Bf16Of(0x7f800001u), 0x7fc0u);
  EXPECT_EQ(Bf16Of(0xff800001u), 0xffc0u);
  EXPECT_EQ(Bf16Of(0x7fc00000u), 0x7fc0u);
  EXPECT_TRUE(std::isnan(RoundToBf16(std::numeric_limits<float>::quiet_NaN())));
}

TEST(Bf16, ScalarTypeRoundsOnConstruction) {
  const bfloat16 value(std::bit_cast<float>(0x3f818000u));
  EXPECT_EQ(value.to_uint16(), 0x3f82u);
  EXPECT_EQ(value.to_float(), 1.015625f);  // 1 + 2/128
  EXPECT_EQ(bfloat16::from_bits(0xc000u).to_float(), -2.0f);
}

TEST(DataFormatNames, ParsesCanonicalNamesAndAliasesIgnoringCase) {
  EXPECT_EQ(ParseDataFormat("Float32"), DataFormat::Float32);
  EXPECT_EQ(ParseDataFormat("float32"), DataFormat::Float32);
  EXPECT_EQ(ParseDataFormat("FP32"), DataFormat::Float32);
  EXPECT_EQ(ParseDataFormat("Float16_b"), DataFormat::Float16_b);
  EXPECT_EQ(ParseDataFormat("FLOAT16_B"), DataFormat::Float16_b);
  EXPECT_EQ(ParseDataFormat("bfloat16"), DataFormat::Float16_b);
  EXPECT_EQ(ParseDataFormat("bf16"), DataFormat::Float16_b);
  EXPECT_EQ(ParseDataFormat("bfp8_b"), DataFormat::Bfp8_b);
}

TEST(DataFormatNames, UnknownNamesAreInvalid) {
  EXPECT_EQ(ParseDataFormat(""), DataFormat::Invalid);
  EXPECT_EQ(ParseDataFormat("float"), DataFormat::Invalid);
  EXPECT_EQ(ParseDataFormat("Float16"), DataFormat::Invalid);
  EXPECT_EQ(ToString(DataFormat::Invalid), "Invalid");
}

TEST(DataFormatNames, ToStringRoundTrips) {
  for (DataFormat f : {DataFormat::Float32, DataFormat::Float16_b, DataFormat::Bfp8_b, DataFormat::Bfp4_b}) {
    EXPECT_EQ(ParseDataFormat(ToString(f)), f) << ToString(f);
  }
}

TEST(DataFormatSizes, TileAndDatumSizes) {
  EXPECT_EQ(TileSizeBytes(DataFormat::Float32), 32u * 32u * 4u);
  EXPECT_EQ(TileSizeBytes(DataFormat::Float16_b), 32u * 32u * 2u);
  EXPECT_EQ(TileSizeBytes(DataFormat::Bfp8_b), 1024u + 64u);
  EXPECT_EQ(TileSizeBytes(DataFormat::Invalid), 0u);
  EXPECT_EQ(DatumSizeBytes(DataFormat::Float16_b), 2u);
  EXPECT_EQ(DatumSizeBytes(DataFormat::Bfp4_b), 0u);
}

TEST(MathFidelityNames, ParsesIgnoringCaseAndRejectsUnknown) {
  MathFidelity fidelity = MathFidelity::LoFi;
  ASSERT_TRUE(ParseMathFidelity("hifi4", fidelity));
  EXPECT_EQ(fidelity, MathFidelity::HiFi4);
  ASSERT_TRUE(ParseMathFidelity("LoFi", fidelity));
  EXPECT_EQ(fidelity, MathFidelity::LoFi);
  EXPECT_FALSE(ParseMathFidelity("HiFi5", fidelity));
  EXPECT_EQ(fidelity, MathFidelity::LoFi);  // untouched on failure
  EXPECT_EQ(FidelityPhases(MathFidelity::LoFi), 1u);
  EXPECT_EQ(FidelityPhases(MathFidelity::HiFi3), 3u);
}

}  // namespace
}  // namespace tilesim
