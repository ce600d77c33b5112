#include "compiler/tile/analysis/ranges.h"

namespace tilesim::tir {

std::optional<int64_t> VarRanges::Max(const Index& index) const {
  std::optional<Affine> a = ToAffine(index);
  if (!a) return std::nullopt;
  int64_t max = a->constant;
  for (const auto& [var, coeff] : a->coeffs) {
    auto it = ranges_.find(var);
    if (it == ranges_.end()) return std::nullopt;
    max += coeff * (coeff > 0 ? it->second.second : it->second.first);
  }
  return max;
}

}  // namespace tilesim::tir
