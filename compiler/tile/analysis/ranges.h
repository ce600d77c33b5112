// Value ranges of index variables, for deciding statically whether a tile index can leave its tensor (and so
// whether the lowered kernels need a bounds check there).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "compiler/tile/analysis/affine.h"

namespace tilesim::tir {

class VarRanges {
 public:
  void Set(VarId var, int64_t min, int64_t max) { ranges_[var] = {min, max}; }
  void Erase(VarId var) { ranges_.erase(var); }
  // The largest value `index` can take, or nullopt if it is not affine or uses a variable of unknown range.
  std::optional<int64_t> Max(const Index& index) const;

 private:
  std::map<VarId, std::pair<int64_t, int64_t>> ranges_;
};

}  // namespace tilesim::tir
