// T.copy and T.gemm of the tile DSL reference (runtime/tile/reference_copy_gemm.h).
#include "runtime/tile/reference_copy_gemm.h"

#include <algorithm>
#include <utility>

#include <Eigen/Core>
#include <fmt/format.h>

#include "tilesim/compiler.h"
#include "tilesim/data_format.h"

namespace tilesim::tile::ref {

namespace {

[[noreturn]] void Internal(const tir::PrimFunc& func, tir::SourceLocation location, const std::string& message) {
  throw compiler::InternalError(fmt::format("{}: tile reference: {}", Where(func, location), message));
}

// The columns [first, last) of the region (0 .. region.cols) that lie inside its buffer.
std::pair<int64_t, int64_t> ColumnsInside(const Region& region) {
  const int64_t buffer_cols = region.storage->shape.cols;
  return {std::clamp<int64_t>(-region.col, 0, region.cols), std::clamp<int64_t>(buffer_cols - region.col, 0, region.cols)};
}

// Same extents: row by row, each row split into the columns the source has (copied) and the ones it
// lacks (zeros), clipped to the columns the destination has. No per-element bounds checks or dispatch.
void CopyRows(const Region& src, const Region& dst, const std::vector<float>& src_values) {
  Storage& out = *dst.storage;
  // Source values are already exact in the source's dtype, so only fp32 -> bf16 needs rounding.
  const bool round = out.bf16 && !src.storage->bf16;
  const auto [src_first, src_last] = ColumnsInside(src);
  const auto [dst_first, dst_last] = ColumnsInside(dst);
  for (int64_t i = 0; i < dst.rows; ++i) {
    const int64_t dst_row = dst.row + i;
    if (dst_row < 0 || dst_row >= out.shape.rows) continue;
    const int64_t src_row = src.row + i;
    const bool src_row_inside = src_row >= 0 && src_row < src.storage->shape.rows;
    // A source row outside the tensor has no columns: the whole destination row gets zeros.
    const int64_t first = src_row_inside ? src_first : dst.cols;
    const int64_t last = src_row_inside ? src_last : dst.cols;
    // Flat positions of region column 0; only columns inside each buffer are ever added to them.
    const int64_t dst_base = dst_row * out.shape.cols + dst.col;
    const int64_t src_base = src_row * src.storage->shape.cols + src.col;
    float* to = out.values.data();
    const float* from = src_values.data();

    const int64_t zeros_before_end = std::min(dst_last, first);
    if (dst_first < zeros_before_end) std::fill(to + dst_base + dst_first, to + dst_base + zeros_before_end, 0.0f);
    const int64_t copy_first = std::max(dst_first, first);
    const int64_t copy_last = std::min(dst_last, last);
    if (copy_first < copy_last) {
      const float* in = from + src_base;
      float* target = to + dst_base;
      if (round) {
        for (int64_t j = copy_first; j < copy_last; ++j) target[j] = RoundToBf16(in[j]);
      } else {
        std::copy(in + copy_first, in + copy_last, target + copy_first);
      }
    }
    const int64_t zeros_after_first = std::max(dst_first, last);
    if (zeros_after_first < dst_last) std::fill(to + dst_base + zeros_after_first, to + dst_base + dst_last, 0.0f);
  }
}

// Vectors of equal length but different orientation (a row into a column): element by element.
void CopyElements(const Region& src, const Region& dst, const std::vector<float>& src_values) {
  Storage& out = *dst.storage;
  const Shape2D& src_shape = src.storage->shape;
  const int64_t count = dst.rows * dst.cols;
  for (int64_t e = 0; e < count; ++e) {
    const int64_t dst_row = dst.row + e / dst.cols;
    const int64_t dst_col = dst.col + e % dst.cols;
    if (dst_row < 0 || dst_row >= out.shape.rows || dst_col < 0 || dst_col >= out.shape.cols) continue;
    const int64_t src_row = src.row + e / src.cols;
    const int64_t src_col = src.col + e % src.cols;
    const bool inside = src_row >= 0 && src_row < src_shape.rows && src_col >= 0 && src_col < src_shape.cols;
    const float value = inside ? src_values[static_cast<size_t>(src_row * src_shape.cols + src_col)] : 0.0f;
    out.values[static_cast<size_t>(dst_row * out.shape.cols + dst_col)] = out.bf16 ? RoundToBf16(value) : value;
  }
}

}  // namespace

void CopyRegion(const tir::PrimFunc& func, const Region& src, const Region& dst, tir::SourceLocation location) {
  const bool same_extents = src.rows == dst.rows && src.cols == dst.cols;
  const bool vectors = (src.rows == 1 || src.cols == 1) && (dst.rows == 1 || dst.cols == 1) &&
                       src.rows * src.cols == dst.rows * dst.cols;
  if (!same_extents && !vectors) {
    Internal(func, location, fmt::format("T.copy from a {}x{} region of '{}' to a {}x{} region of '{}'", src.rows,
                                         src.cols, src.storage->buffer->name, dst.rows, dst.cols,
                                         dst.storage->buffer->name));
  }
  if (src.rows * src.cols == 0) return;
  // Copying within one buffer reads a snapshot, so overlapping regions behave as a copy through a temporary.
  std::vector<float> snapshot;
  if (src.storage == dst.storage) snapshot = src.storage->values;
  const std::vector<float>& src_values = src.storage == dst.storage ? snapshot : src.storage->values;
  if (same_extents) {
    CopyRows(src, dst, src_values);
  } else {
    CopyElements(src, dst, src_values);
  }
}

void Gemm(const tir::PrimFunc& func, std::vector<Storage>& storage, const tir::GemmStmt& gemm,
          tir::SourceLocation location) {
  const Storage& a = StorageOf(func, storage, gemm.a, location, "T.gemm");
  const Storage& b = StorageOf(func, storage, gemm.b, location, "T.gemm");
  Storage& c = StorageOf(func, storage, gemm.c, location, "T.gemm");
  for (const Storage* operand : {&a, &b, static_cast<const Storage*>(&c)}) {
    if (operand->buffer->shape.size() != 2) {
      Internal(func, location, fmt::format("T.gemm operand '{}' has rank {}; it must be 2", operand->buffer->name,
                                           operand->buffer->shape.size()));
    }
  }
  const int64_t m = gemm.transpose_a ? a.shape.cols : a.shape.rows;
  const int64_t k = gemm.transpose_a ? a.shape.rows : a.shape.cols;
  const int64_t k_b = gemm.transpose_b ? b.shape.cols : b.shape.rows;
  const int64_t n = gemm.transpose_b ? b.shape.rows : b.shape.cols;
  if (k != k_b || c.shape.rows != m || c.shape.cols != n) {
    Internal(func, location, fmt::format("T.gemm shapes do not chain: op(A) is {}x{}, op(B) is {}x{}, C is {}x{}", m,
                                         k, k_b, n, c.shape.rows, c.shape.cols));
  }

  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajor> a_map(a.values.data(), a.shape.rows, a.shape.cols);
  const Eigen::Map<const RowMajor> b_map(b.values.data(), b.shape.rows, b.shape.cols);
  Eigen::Map<RowMajor> c_map(c.values.data(), c.shape.rows, c.shape.cols);
  const bool aliased = &c == &a || &c == &b;
  auto multiply = [&](const auto& lhs, const auto& rhs) {
    if (aliased) {
      const RowMajor product = lhs * rhs;  // evaluated before C changes
      if (gemm.clear_accum) c_map = product;
      else c_map += product;
    } else if (gemm.clear_accum) {
      c_map.noalias() = lhs * rhs;
    } else {
      c_map.noalias() += lhs * rhs;
    }
  };
  if (gemm.transpose_a && gemm.transpose_b) multiply(a_map.transpose(), b_map.transpose());
  else if (gemm.transpose_a) multiply(a_map.transpose(), b_map);
  else if (gemm.transpose_b) multiply(a_map, b_map.transpose());
  else multiply(a_map, b_map);

  if (c.bf16) {
    for (float& value : c.values) value = RoundToBf16(value);
  }
}

}  // namespace tilesim::tile::ref
