// Which RISC-V processor of a Tensix core a kernel runs on.
#pragma once

#include <cstdint>
#include <string_view>

namespace tilesim {

enum class KernelRole : uint8_t {
  DataMovement0 = 0,  // BRISC, NoC 0 by default: usually the reader
  DataMovement1 = 1,  // NCRISC, NoC 1 by default: usually the writer
  Compute = 2,        // the three TRISCs (unpack, math, pack) as one context
};
inline constexpr uint32_t kNumKernelRoles = 3;

// Bit masks over roles, used by the intrinsic table to say who may call what.
inline constexpr uint8_t kRoleMaskDm0 = 1u << 0;
inline constexpr uint8_t kRoleMaskDm1 = 1u << 1;
inline constexpr uint8_t kRoleMaskCompute = 1u << 2;
inline constexpr uint8_t kRoleMaskDataMovement = kRoleMaskDm0 | kRoleMaskDm1;
inline constexpr uint8_t kRoleMaskAny = kRoleMaskDataMovement | kRoleMaskCompute;
constexpr uint8_t RoleMask(KernelRole role) { return static_cast<uint8_t>(1u << static_cast<uint8_t>(role)); }

// "reader" (dm0), "writer" (dm1), "compute".
std::string_view ToString(KernelRole role);
// Accepts reader|writer|compute|dm0|dm1|brisc|ncrisc; false if unknown.
bool ParseKernelRole(std::string_view name, KernelRole& out);

}  // namespace tilesim
