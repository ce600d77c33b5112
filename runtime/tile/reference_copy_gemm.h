// T.copy and T.gemm of the tile DSL reference (runtime/tile/reference.cpp) on host buffers.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/tile/reference_expr.h"

namespace tilesim::tile::ref {

// A rectangle of a buffer in its rows x cols view, with offsets already evaluated. A region of a global
// tensor may reach outside it; a region of an on-chip buffer has been checked to lie inside.
struct Region {
  Storage* storage = nullptr;
  int64_t row = 0;
  int64_t col = 0;
  int64_t rows = 0;
  int64_t cols = 0;
};

// T.copy: moves the region's values element by element, each rounded to the destination's dtype. Global
// elements outside the tensor read as 0 and are not written. The regions must have the same extents,
// or both be vectors of the same length (A[r, c:c+n] into a rank-1 buffer); otherwise throws
// compiler::InternalError (the front end matches them).
void CopyRegion(const tir::PrimFunc& func, const Region& src, const Region& dst, tir::SourceLocation location);

// T.gemm: C += op(A) x op(B) (C = op(A) x op(B) with clear_accum) in fp32 through Eigen, then rounded to
// C's dtype. Throws compiler::InternalError if the buffers are not rank 2 or their shapes do not chain.
void Gemm(const tir::PrimFunc& func, std::vector<Storage>& storage, const tir::GemmStmt& gemm,
          tir::SourceLocation location);

}  // namespace tilesim::tile::ref
