// Affine forms of Tile IR index expressions: constant + sum of coefficient x variable.
//
// The work-partition and tile-lowering passes need to know how a T.copy offset such as `by * 128 + 32`
// depends on the block indices and loop variables: which variables it uses, and whether it is a multiple
// of the tile size so that it can be addressed in whole tiles.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "tilesim/tile_ir.h"

namespace tilesim::tir {

struct Affine {
  int64_t constant = 0;
  std::map<VarId, int64_t> coeffs;  // no zero entries

  bool DependsOn(VarId var) const { return coeffs.count(var) != 0; }
  bool IsConstant() const { return coeffs.empty(); }
  // Every coefficient and the constant are multiples of `n`.
  bool DivisibleBy(int64_t n) const;
  // The form divided by `n` (only meaningful when DivisibleBy(n)).
  Affine DividedBy(int64_t n) const;
};

// The affine form of `index`, or nullopt if it is not affine (a product of two variables, a division or
// modulo of a non-constant, min / max of non-constants, a call or named argument).
std::optional<Affine> ToAffine(const Index& index);

// `affine` as an index expression (constant last, variables in VarId order).
Index FromAffine(const Affine& affine, SourceLocation loc = {});

// Folds constant sub-expressions of `index` with Python's integer semantics.
Index Simplify(const Index& index);

}  // namespace tilesim::tir
