// 64-bit NoC addresses as the emulated kernels see them (get_noc_addr and friends return these).
//
// Layout, modelled on Wormhole's NOC_XY_ADDR (tt-metal noc_parameters.h: 36 local bits, 6-bit
// coordinates):
//
//   bits [0, 36)   local address inside the target (L1 byte address, or DRAM bank byte offset)
//   bits [36, 42)  NoC x of the target;   multicast: x_start of the rectangle
//   bits [42, 48)  NoC y of the target;   multicast: y_start
//   bits [48, 54)  multicast only: x_end (inclusive)
//   bits [54, 60)  multicast only: y_end (inclusive)
//   bits [60, 63)  always zero
//   bit  63        multicast flag
//
// A unicast address therefore has bits [48, 64) clear. Both NoCs use the same coordinates (like tt-metal's
// translated coordinates), so my_x(0) == my_x(1). A multicast rectangle may be given in either corner
// order (NoC 1 kernels pass end before start); it is stored normalised, start <= end.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace tilesim::emu::noc {

inline constexpr uint32_t kLocalBits = 36;
inline constexpr uint32_t kCoordBits = 6;
inline constexpr uint64_t kLocalMask = (uint64_t{1} << kLocalBits) - 1;
inline constexpr uint32_t kCoordMask = (1u << kCoordBits) - 1;
inline constexpr uint32_t kMaxCoord = kCoordMask;  // coordinates are 0..63
inline constexpr uint32_t kXShift = kLocalBits;
inline constexpr uint32_t kYShift = kLocalBits + kCoordBits;
inline constexpr uint32_t kXEndShift = kLocalBits + 2 * kCoordBits;
inline constexpr uint32_t kYEndShift = kLocalBits + 3 * kCoordBits;
inline constexpr uint64_t kMulticastFlag = uint64_t{1} << 63;
// Bits that must be zero in a unicast address / a multicast address.
inline constexpr uint64_t kUnicastReservedMask = ~((uint64_t{1} << kXEndShift) - 1);
inline constexpr uint64_t kMulticastReservedMask = ~((uint64_t{1} << (kYEndShift + kCoordBits)) - 1) & ~kMulticastFlag;

// An inclusive rectangle of NoC coordinates, x_start <= x_end and y_start <= y_end.
struct NocRect {
  uint32_t x_start = 0;
  uint32_t y_start = 0;
  uint32_t x_end = 0;
  uint32_t y_end = 0;
  bool Contains(uint32_t x, uint32_t y) const { return x >= x_start && x <= x_end && y >= y_start && y <= y_end; }
};

// Callers check x, y < 64 and local <= kLocalMask first (the intrinsics trap with the offending value).
constexpr uint64_t EncodeUnicast(uint32_t x, uint32_t y, uint64_t local) {
  return (uint64_t{y & kCoordMask} << kYShift) | (uint64_t{x & kCoordMask} << kXShift) | (local & kLocalMask);
}

// Normalises the corner order so that start <= end on both axes.
constexpr NocRect MakeRect(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1) {
  return NocRect{std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)};
}

constexpr uint64_t EncodeMulticast(NocRect rect, uint64_t local) {
  return kMulticastFlag | (uint64_t{rect.y_end & kCoordMask} << kYEndShift) |
         (uint64_t{rect.x_end & kCoordMask} << kXEndShift) | (uint64_t{rect.y_start & kCoordMask} << kYShift) |
         (uint64_t{rect.x_start & kCoordMask} << kXShift) | (local & kLocalMask);
}

struct DecodedNocAddress {
  bool multicast = false;
  bool well_formed = true;  // reserved bits clear (and, for multicast, start <= end)
  uint32_t x = 0;           // unicast target, or multicast x_start
  uint32_t y = 0;
  NocRect rect;             // multicast only
  uint64_t local = 0;
};

constexpr DecodedNocAddress Decode(uint64_t address) {
  DecodedNocAddress d;
  d.multicast = (address & kMulticastFlag) != 0;
  d.local = address & kLocalMask;
  d.x = static_cast<uint32_t>(address >> kXShift) & kCoordMask;
  d.y = static_cast<uint32_t>(address >> kYShift) & kCoordMask;
  if (d.multicast) {
    d.rect = NocRect{d.x, d.y, static_cast<uint32_t>(address >> kXEndShift) & kCoordMask,
                     static_cast<uint32_t>(address >> kYEndShift) & kCoordMask};
    d.well_formed = (address & kMulticastReservedMask) == 0 && d.rect.x_start <= d.rect.x_end &&
                    d.rect.y_start <= d.rect.y_end;
  } else {
    d.well_formed = (address & kUnicastReservedMask) == 0;
  }
  return d;
}

// "0x0000004100001000", the form every NoC error message uses.
inline std::string FormatAddress(uint64_t address) { return fmt::format("{:#018x}", address); }

}  // namespace tilesim::emu::noc

namespace tilesim::emu {
// An address or size as emulator messages print it: "0x1a2b".
inline std::string Hex(uint64_t value) { return fmt::format("{:#x}", value); }
}  // namespace tilesim::emu
