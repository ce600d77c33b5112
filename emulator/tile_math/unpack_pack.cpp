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
#include "emulator/tile_math/tile_math_detail.h"
#include "emulator/vm/trap.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile {
namespace {

using detail::FaceRowOffset;
using detail::RoundToBf16Bits;
using detail::RowMajorStart;

[[noreturn]] void ThrowUnsupported(const char* what, DataFormat format) {
  throw KernelTrap(std::string(what) + ": data format " + std::string(ToString(format)) +
                   " is not emulated (tile math supports Float32 and Float16_b)");
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
    case DataFormat::Float16_b:
      // One face row at a time: 16 values rounded and narrowed in registers, then stored in place.
      for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t row = 0; row < kFaceRows; ++row) {
          const float* src = in.v + RowMajorStart(face, row);
          uint16_t halves[kFaceCols];
          for (uint32_t col = 0; col < kFaceCols; ++col) {
            halves[col] = detail::RoundToBf16Half(std::bit_cast<uint32_t>(src[col]));
          }
          std::memcpy(dst + FaceRowOffset(face, row, 2), halves, sizeof(halves));
        }
      }
      return;
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
