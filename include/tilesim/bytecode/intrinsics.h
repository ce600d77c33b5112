// The device intrinsic table (intrinsics.def) as C++: an enum, and per-intrinsic role mask and signature.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "tilesim/kernel_role.h"

namespace tilesim::bc {

enum class Intrinsic : uint16_t {
#define TILESIM_INTRINSIC(name, roles, sig, doc) name,
#include "tilesim/bytecode/intrinsics.def"
#undef TILESIM_INTRINSIC
};

inline constexpr uint32_t kNumIntrinsics = 0
#define TILESIM_INTRINSIC(name, roles, sig, doc) +1
#include "tilesim/bytecode/intrinsics.def"
#undef TILESIM_INTRINSIC
    ;

// Value kinds in signatures.
enum class ValueKind : uint8_t { Void, U32, U64 };

struct IntrinsicInfo {
  std::string_view name;
  uint8_t roles;               // kRoleMask* bits
  std::string_view signature;  // "args>ret", see intrinsics.def
  std::string_view meaning;

  constexpr uint32_t num_args() const { return static_cast<uint32_t>(signature.find('>')); }
  constexpr ValueKind arg(uint32_t i) const { return KindOf(signature[i]); }
  constexpr ValueKind result() const { return KindOf(signature[signature.size() - 1]); }
  constexpr bool allowed_in(KernelRole role) const { return (roles & RoleMask(role)) != 0; }

 private:
  static constexpr ValueKind KindOf(char c) {
    return c == 'u' ? ValueKind::U32 : c == 'U' ? ValueKind::U64 : ValueKind::Void;
  }
};

namespace intrinsic_roles {
inline constexpr uint8_t Any = kRoleMaskAny;
inline constexpr uint8_t Dm = kRoleMaskDataMovement;
inline constexpr uint8_t Cmp = kRoleMaskCompute;
}  // namespace intrinsic_roles

inline constexpr IntrinsicInfo kIntrinsicInfo[] = {
#define TILESIM_INTRINSIC(name, roles, sig, doc) {#name, intrinsic_roles::roles, sig, doc},
#include "tilesim/bytecode/intrinsics.def"
#undef TILESIM_INTRINSIC
};

constexpr const IntrinsicInfo& Info(Intrinsic id) { return kIntrinsicInfo[static_cast<uint16_t>(id)]; }
// Looks an intrinsic up by its Metalium name.
std::optional<Intrinsic> FindIntrinsic(std::string_view name);

}  // namespace tilesim::bc
