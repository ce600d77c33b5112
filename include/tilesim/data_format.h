// Data formats, math fidelity and the bfloat16 scalar type, as TT-Metalium names them.
//
// Only Float32 and Float16_b (bfloat16) tiles are emulated today; the block-float formats are named
// so that sizes and error messages can speak of them.
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

namespace tilesim {

enum class DataFormat : uint8_t {
  Float32 = 0,
  Float16_b = 5,  // bfloat16: 1 sign, 8 exponent, 7 mantissa bits
  Bfp8_b = 6,     // not emulated yet
  Bfp4_b = 7,     // not emulated yet
  Invalid = 0xff,
};

// Bytes of one 32x32 tile in `format` (REFERENCE.md, tt-metal constants.hpp); 0 for Invalid.
constexpr uint32_t TileSizeBytes(DataFormat format) {
  switch (format) {
    case DataFormat::Float32: return 4096;
    case DataFormat::Float16_b: return 2048;
    case DataFormat::Bfp8_b: return 1088;
    case DataFormat::Bfp4_b: return 576;
    default: return 0;
  }
}
// Bytes per element for the element-addressable formats, 0 for block formats.
constexpr uint32_t DatumSizeBytes(DataFormat format) {
  return format == DataFormat::Float32 ? 4 : format == DataFormat::Float16_b ? 2 : 0;
}
constexpr bool IsEmulated(DataFormat format) {
  return format == DataFormat::Float32 || format == DataFormat::Float16_b;
}
std::string_view ToString(DataFormat format);
// Accepts "Float32", "Float16_b", "bfloat16", "float32" (case-insensitive); Invalid if unknown.
DataFormat ParseDataFormat(std::string_view name);

// Number of multiplier passes the matrix engine makes; tt-metal's MathFidelity values.
enum class MathFidelity : uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4 };
constexpr uint32_t FidelityPhases(MathFidelity f) { return f == MathFidelity::LoFi ? 1 : static_cast<uint32_t>(f); }
std::string_view ToString(MathFidelity fidelity);
// Accepts "LoFi", "HiFi2", "HiFi3", "HiFi4" (case-insensitive); returns false if unknown.
bool ParseMathFidelity(std::string_view name, MathFidelity& out);

// IEEE-754 binary32 <-> bfloat16 conversions. Rounding is round-to-nearest-even, as the packer does;
// NaN stays NaN (quiet), infinities and signed zeros are kept.
constexpr uint16_t FloatToBf16Bits(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);  // quiet NaN
  }
  const uint32_t rounding_bias = 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding_bias) >> 16);
}
constexpr float Bf16BitsToFloat(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }
// Rounds a float to the nearest bfloat16 value and returns it as a float.
constexpr float RoundToBf16(float value) { return Bf16BitsToFloat(FloatToBf16Bits(value)); }

// The host-side bfloat16 scalar, like tt-metal's `bfloat16`: two bytes, converts to and from float.
class bfloat16 {
 public:
  constexpr bfloat16() = default;
  constexpr bfloat16(float value) : bits_(FloatToBf16Bits(value)) {}  // NOLINT(google-explicit-constructor)
  static constexpr bfloat16 from_bits(uint16_t bits) {
    bfloat16 b;
    b.bits_ = bits;
    return b;
  }
  constexpr float to_float() const { return Bf16BitsToFloat(bits_); }
  constexpr uint16_t to_uint16() const { return bits_; }
  constexpr operator float() const { return to_float(); }  // NOLINT(google-explicit-constructor)
  friend constexpr bool operator==(bfloat16 a, bfloat16 b) { return a.bits_ == b.bits_; }

 private:
  uint16_t bits_ = 0;
};
static_assert(sizeof(bfloat16) == 2);

}  // namespace tilesim
