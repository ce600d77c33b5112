// Helpers the tile math sources share: where a face row lands in a row-major tile, bf16 rounding, and the
// fidelity check. Internal to emulator/tile_math/.
#pragma once

#include <cstdint>
#include <string>

#include "emulator/tile_math/fidelity.h"
#include "emulator/vm/trap.h"
#include "tilesim/data_format.h"
#include "tilesim/tile.h"

namespace tilesim::emu::tile::detail {

// Row-major index of the first element of face `face`'s row `face_row`: the 16 contiguous elements of a
// face row in a CB tile are 16 contiguous elements of one row of the engine's row-major tile.
constexpr uint32_t RowMajorStart(uint32_t face, uint32_t face_row) {
  return ((face / 2) * kFaceRows + face_row) * kTileCols + (face % 2) * kFaceCols;
}
// Byte offset in a CB tile of face `face`'s row `face_row`, for elements of `datum_bytes` bytes.
constexpr uint32_t FaceRowOffset(uint32_t face, uint32_t face_row, uint32_t datum_bytes) {
  return (face * kFaceElements + face_row * kFaceCols) * datum_bytes;
}

// Round to nearest even bfloat16, keeping the result as fp32 bits; NaN becomes a quiet NaN. Same rule as
// FloatToBf16Bits (data_format.h), written with selects so that loops over it vectorise.
// (A NaN is exactly a magnitude above infinity's bits; the sum below cannot overflow for non-NaN input.)
inline uint32_t RoundToBf16Bits(uint32_t bits) {
  const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) & 0xffff0000u;
  const uint32_t quiet_nan = (bits | 0x00400000u) & 0xffff0000u;
  return (bits & ~kSignMask) > kExponentMask ? quiet_nan : rounded;
}
// RoundToBf16Bits(bits) >> 16: the bfloat16 the packer writes.
inline uint16_t RoundToBf16Half(uint32_t bits) {
  const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
  const uint32_t quiet_nan = (bits >> 16) | 0x0040u;
  return static_cast<uint16_t>((bits & ~kSignMask) > kExponentMask ? quiet_nan : rounded);
}

// Traps naming `op` unless `fidelity` is one of the four the matrix engine has.
inline void CheckFidelity(MathFidelity fidelity, const char* op) {
  switch (fidelity) {
    case MathFidelity::LoFi:
    case MathFidelity::HiFi2:
    case MathFidelity::HiFi3:
    case MathFidelity::HiFi4:
      return;
  }
  throw KernelTrap(std::string(op) + ": math fidelity value " + std::to_string(static_cast<unsigned>(fidelity)) +
                   " is not one of LoFi, HiFi2, HiFi3, HiFi4");
}

}  // namespace tilesim::emu::tile::detail
