#include "compiler/tile/passes/layout_aware_work_partition_tt.h"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/tile/analysis/affine.h"
#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/coarsen_blocks.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

const tir::KernelStmt* FindKernel(const tir::PrimFunc& func) {
  const tir::KernelStmt* found = nullptr;
  tir::ForEachStmt(func.body, [&](const tir::Stmt& s) {
    if (const auto* k = std::get_if<tir::KernelStmt>(&s->node)) {
      if (found) FailAt(func, s->location, "a kernel may open only one T.Kernel");
      found = k;
    }
  });
  if (!found) FailAt(func, {}, fmt::format("function '{}' has no `with T.Kernel(...)`", func.name));
  return found;
}

// Largest divisor of n that is at most limit.
uint32_t LargestDivisorAtMost(uint32_t n, uint32_t limit) {
  for (uint32_t d = std::min(n, limit); d > 1; --d) {
    if (n % d == 0) return d;
  }
  return 1;
}

}  // namespace

tir::PrimFunc LayoutAwareWorkPartitionTT(tir::PrimFunc func, const CompileOptions& options) {
  const tir::KernelStmt& kernel = *FindKernel(func);
  tir::TTPartition p;
  p.block_vars = kernel.block_vars;
  p.grid_x = static_cast<uint32_t>(kernel.grid.at(0));
  p.grid_y = kernel.grid.size() > 1 ? static_cast<uint32_t>(kernel.grid[1]) : 1;
  if (p.grid_x == 0 || p.grid_y == 0) FailAt(func, func.body->location, "T.Kernel has an empty grid");

  // The largest region any T.copy writes to a tensor: a single tile means one output tile per block.
  uint32_t largest_output_block = 0;
  tir::ForEachStmt(kernel.body, [&](const tir::Stmt& s) {
    const auto* copy = std::get_if<tir::CopyStmt>(&s->node);
    if (!copy || BufferOf(func, copy->dst.buffer).scope != tir::Scope::Global) return;
    const tir::Buffer& src = BufferOf(func, copy->src.buffer);
    if (src.layout) largest_output_block = std::max(largest_output_block, TileCount(src));
  });

  const uint32_t total_blocks = p.grid_x * p.grid_y;
  const uint32_t device_cores = options.grid_x * options.grid_y;
  const uint32_t cx = LargestDivisorAtMost(p.grid_x, options.grid_x);
  const uint32_t cy = LargestDivisorAtMost(p.grid_y, options.grid_y);
  const bool two_d_fills_grid = 2 * cx * cy >= std::min(total_blocks, device_cores);
  if (largest_output_block > 1 && two_d_fills_grid) {
    p.mode = tir::TTPartition::Mode::Blocks2D;
    p.cores_x = cx;
    p.cores_y = cy;
    p.num_cores = cx * cy;
    p.blocks_per_core_x = p.grid_x / cx;
    p.blocks_per_core_y = p.grid_y / cy;
    // A core's rectangle of blocks becomes one block, so its A and B tiles are reused in L1.
    std::string why_not;
    const uint64_t l1_budget = 1u << 20;  // of Wormhole's 1.4 MiB, leave room for the compiler's own buffers
    if (p.blocks_per_core_x * p.blocks_per_core_y > 1 && options.fuse_blocks) {
      const std::string fused = fmt::format("{}x{}", p.blocks_per_core_x, p.blocks_per_core_y);
      if (CoarsenBlocks(func, p.blocks_per_core_x, p.blocks_per_core_y, l1_budget, why_not)) {
        p.grid_x = cx;
        p.grid_y = cy;
        p.blocks_per_core_x = p.blocks_per_core_y = 1;
        func.attrs["tt.fused_blocks"] = fused + " blocks per core run as one block";
      } else {
        func.attrs["tt.fused_blocks"] = "no: " + why_not;
      }
    }
  } else {
    p.mode = tir::TTPartition::Mode::Contiguous;
    p.num_cores = std::min(total_blocks, device_cores);
    p.cores_x = std::min(p.num_cores, options.grid_x);
    p.cores_y = (p.num_cores + p.cores_x - 1) / p.cores_x;
  }

  const tir::KernelStmt& fused_kernel = *FindKernel(func);
  // Multicast: a copy into a shared buffer whose source offsets do not depend on bx is the same for every
  // core of a row (Blocks2D rows share their block rows); likewise by and columns.
  if (p.mode == tir::TTPartition::Mode::Blocks2D && options.multicast) {
    const tir::VarId bx = fused_kernel.block_vars.at(0);
    const std::optional<tir::VarId> by =
        fused_kernel.block_vars.size() > 1 ? std::optional<tir::VarId>(fused_kernel.block_vars[1]) : std::nullopt;
    tir::ForEachStmt(fused_kernel.body, [&](const tir::Stmt& s) {
      const auto* copy = std::get_if<tir::CopyStmt>(&s->node);
      if (!copy || BufferOf(func, copy->src.buffer).scope != tir::Scope::Global ||
          BufferOf(func, copy->dst.buffer).scope != tir::Scope::Shared) {
        return;
      }
      bool uses_bx = false, uses_by = false, affine = true;
      for (const tir::Index& offset : copy->src.offsets) {
        std::optional<tir::Affine> a = tir::ToAffine(offset);
        if (!a) {
          affine = false;
          break;
        }
        uses_bx |= a->DependsOn(bx);
        uses_by |= by && a->DependsOn(*by);
      }
      if (!affine || p.multicast.count(copy->dst.buffer.index)) return;
      if (!uses_bx && uses_by && p.cores_x > 1) p.multicast[copy->dst.buffer.index] = tir::McastAxis::Row;
      if (!uses_by && uses_bx && p.cores_y > 1) p.multicast[copy->dst.buffer.index] = tir::McastAxis::Col;
    });
  }

  func.attrs["tt.partition_mode"] = p.mode == tir::TTPartition::Mode::Blocks2D ? "blocks_2d" : "contiguous";
  func.attrs["tt.grid"] = fmt::format("{}x{}", p.grid_x, p.grid_y);
  func.attrs["tt.core_grid"] = fmt::format("{}x{}", p.cores_x, p.cores_y);
  func.attrs["tt.num_cores"] = std::to_string(p.num_cores);
  if (p.mode == tir::TTPartition::Mode::Blocks2D) {
    func.attrs["tt.blocks_per_core"] = fmt::format("{}x{}", p.blocks_per_core_x, p.blocks_per_core_y);
  } else {
    func.attrs["tt.blocks_per_core"] =
        fmt::format("{}..{}", total_blocks / p.num_cores, (total_blocks + p.num_cores - 1) / p.num_cores);
  }
  for (const auto& [buffer, axis] : p.multicast) {
    func.attrs["tt.multicast." + func.buffers[buffer].name] = axis == tir::McastAxis::Row ? "row" : "column";
  }
  func.partition = p;
  return func;
}

}  // namespace tilesim::tile
