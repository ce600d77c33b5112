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

namespace {

// Face rows of a CB tile into the row-major tile, each value rounded to a bf16 DST on the way if asked.
template <bool kRoundToBf16>
void UnpackRows(const uint8_t* src, DataFormat format, Tile& out, const char* op) {
  if (src == nullptr) throw KernelTrap(std::string(op) + ": source tile address is null");
  auto store = [](float* dst, const uint32_t* bits) {
    for (uint32_t col = 0; col < kFaceCols; ++col) {
      dst[col] = std::bit_cast<float>(kRoundToBf16 ? RoundToBf16Bits(bits[col]) : bits[col]);
    }
  };
  switch (format) {
    case DataFormat::Float16_b:
      for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t row = 0; row < kFaceRows; ++row) {
          uint16_t halves[kFaceCols];
          std::memcpy(halves, src + FaceRowOffset(face, row, 2), sizeof(halves));
          uint32_t bits[kFaceCols];
          for (uint32_t col = 0; col < kFaceCols; ++col) bits[col] = static_cast<uint32_t>(halves[col]) << 16;
          store(out.v + RowMajorStart(face, row), bits);
        }
      }
      return;
    case DataFormat::Float32:
      for (uint32_t face = 0; face < 4; ++face) {
        for (uint32_t row = 0; row < kFaceRows; ++row) {
          uint32_t bits[kFaceCols];
          std::memcpy(bits, src + FaceRowOffset(face, row, 4), sizeof(bits));
          store(out.v + RowMajorStart(face, row), bits);
        }
      }
      return;
    default:
      ThrowUnsupported(op, format);
  }
}

}  // namespace

void Unpack(const uint8_t* src, DataFormat format, Tile& out) { UnpackRows<false>(src, format, out, "Unpack"); }

void UnpackToDst(const uint8_t* src, DataFormat format, const MathConfig& config, Tile& out) {
  if (config.fp32_dest) {
    UnpackRows<false>(src, format, out, "UnpackToDst");
  } else {
    UnpackRows<true>(src, format, out, "UnpackToDst");
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
