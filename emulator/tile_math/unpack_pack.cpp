// Unpack (CB tile bytes in face layout -> row-major fp32), Pack (the reverse) and rounding to DST.
//
// Both directions walk the tile one face row at a time: 16 contiguous elements in the CB tile map to 16
// contiguous elements of one row of the engine's row-major tile, so every inner loop is a plain
// vectorisable copy/convert. CB bytes are read and written with memcpy: L1 offsets carry no alignment
// promise and the bytes may be viewed through other types elsewhere.
#include <bit>
#include <cstring>
#include <string>

#include "emulator/tile_math/fidelity.h"
#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile {
namespace {

// Row-major index of the first element of face `face`'s row `face_row`.
constexpr uint32_t RowMajorStart(uint32_t face, uint32_t face_row) {
  return ((face / 2) * kFaceRows + face_row) * kTileCols + (face % 2) * kFaceCols;
}

[[noreturn]] void ThrowUnsupported(const char* what, DataFormat format) {
  throw KernelTrap(std::string(what) + ": data format " + std::string(ToString(format)) +
                   " is not emulated (tile math supports Float32 and Float16_b)");
}

// Round to nearest even bfloat16, keeping the result as fp32 bits; NaN becomes a quiet NaN. Same rule as
// FloatToBf16Bits (data_format.h), written with selects so that loops over it vectorise.
inline uint32_t RoundToBf16Bits(uint32_t bits) {
  const bool is_nan = (bits & kExponentMask) == kExponentMask && (bits & 0x007fffffu) != 0;
  const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) & 0xffff0000u;
  return is_nan ? ((bits | 0x00400000u) & 0xffff0000u) : rounded;
}

}  // namespace

void Unpack(const uint8_t* src, DataFormat format, Tile& out) {
  if (src == nullptr) throw KernelTrap("Unpack: source tile address is null");
  switch (format) {
    case DataFormat::Float16_b:
      for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t row = 0; row < kFaceRows; ++row) {
          uint16_t halves[kFaceCols];
          std::memcpy(halves, src + (face * kFaceElements + row * kFaceCols) * 2, sizeof(halves));
          float* dst = out.v + RowMajorStart(face, row);
          for (uint32_t col = 0; col < kFaceCols; ++col) {
            dst[col] = std::bit_cast<float>(static_cast<uint32_t>(halves[col]) << 16);
          }
        }
      }
      return;
    case DataFormat::Float32:
      for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t row = 0; row < kFaceRows; ++row) {
          std::memcpy(out.v + RowMajorStart(face, row), src + (face * kFaceElements + row * kFaceCols) * 4,
                      kFaceCols * sizeof(float));
        }
      }
      return;
    default:
      ThrowUnsupported("Unpack", format);
  }
}

void Pack(const Tile& in, DataFormat format, uint8_t* dst) {
  if (dst == nullptr) throw KernelTrap("Pack: destination tile address is null");
  switch (format) {
    case DataFormat::Float16_b: {
      // Round the whole tile in one vectorisable pass, then move face rows into place.
      uint16_t halves[kTileElements];
      for (uint32_t i = 0; i < kTileElements; ++i) {
        halves[i] = static_cast<uint16_t>(RoundToBf16Bits(std::bit_cast<uint32_t>(in.v[i])) >> 16);
      }
      for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t row = 0; row < kFaceRows; ++row) {
          std::memcpy(dst + (face * kFaceElements + row * kFaceCols) * 2, halves + RowMajorStart(face, row),
                      kFaceCols * sizeof(uint16_t));
        }
      }
      return;
    }
    case DataFormat::Float32:
      for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t row = 0; row < kFaceRows; ++row) {
          std::memcpy(dst + (face * kFaceElements + row * kFaceCols) * 4, in.v + RowMajorStart(face, row),
                      kFaceCols * sizeof(float));
        }
      }
      return;
    default:
      ThrowUnsupported("Pack", format);
  }
}

void RoundToDst(Tile& tile, const MathConfig& config) {
  if (config.fp32_dest) return;  // DST holds fp32: every fp32 value fits.
  for (float& value : tile.v) {
    value = std::bit_cast<float>(RoundToBf16Bits(std::bit_cast<uint32_t>(value)));
  }
}

}  // namespace tilesim::emu::tile
