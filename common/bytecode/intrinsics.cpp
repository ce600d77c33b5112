#include "tilesim/bytecode/intrinsics.h"

#include <string>
#include <unordered_map>

namespace tilesim::bc {

std::optional<Intrinsic> FindIntrinsic(std::string_view name) {
  static const auto* const by_name = [] {
    auto* map = new std::unordered_map<std::string, Intrinsic>();
    for (uint32_t i = 0; i < kNumIntrinsics; ++i) map->emplace(std::string(kIntrinsicInfo[i].name), static_cast<Intrinsic>(i));
    return map;
  }();
  auto it = by_name->find(std::string(name));
  if (it == by_name->end()) return std::nullopt;
  return it->second;
}

}  // namespace tilesim::bc
