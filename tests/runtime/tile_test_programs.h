// Hand-built TTPrograms around the repo's builder kernels (tilesim::kernels), for the tile back-end and
// runner tests: what the tile compiler would hand over, without going through the DSL.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tilesim/tile.h"
#include "tilesim/tile_compiler.h"
#include "tilesim/workloads.h"

namespace tilesim::testing {

inline tile::RuntimeArg Value(uint32_t v) { return {tile::RuntimeArg::Kind::Value, v, "", 0, 0}; }
inline tile::RuntimeArg Address(const std::string& tensor) { return {tile::RuntimeArg::Kind::TensorAddress, 0, tensor, 0, 0}; }

inline tile::TensorPlan Tensor(const std::string& name, uint32_t rows, uint32_t cols, bool is_output) {
  tile::TensorPlan t;
  t.name = name;
  t.shape = {rows, cols};
  t.format = DataFormat::Float16_b;
  t.is_output = is_output;
  t.tile_rows = TilesAlong(rows);
  t.tile_cols = TilesAlong(cols);
  t.page_size = 2048;
  return t;
}

inline tile::CircularBufferPlan Cb(uint32_t index, uint32_t pages, const std::string& holds,
                                   DataFormat format = DataFormat::Float16_b) {
  return {index, pages, TileSizeBytes(format), format, holds};
}

// C = A + B (bf16, rows x cols) with the eltwise workload's kernels on a grid_x x grid_y block of cores,
// tiles split contiguously (the first cores take one more when they do not divide evenly).
inline tile::TTProgram EltwiseAddProgram(uint32_t rows, uint32_t cols, uint32_t grid_x, uint32_t grid_y) {
  tile::TTProgram p;
  p.name = "eltwise_add";
  p.grid_x = 8;
  p.grid_y = 8;
  p.tensors = {Tensor("A", rows, cols, false), Tensor("B", rows, cols, false), Tensor("C", rows, cols, true)};
  const uint32_t group = kernels::kEltwiseGroup;
  p.circular_buffers = {Cb(0, 2 * group, "A_shared"), Cb(1, 2 * group, "B_shared"), Cb(16, 2 * group, "C_local")};
  auto kernel = [](const std::string& name, KernelRole role, kir::Kernel k, std::vector<std::string> args) {
    tile::KernelPlan plan;
    plan.name = name;
    plan.role = role;
    plan.kernel = std::move(k);
    plan.runtime_arg_names = std::move(args);
    return plan;
  };
  p.kernels = {kernel("reader", KernelRole::DataMovement0, kernels::EltwiseReader(), {"a_addr", "b_addr", "start", "count"}),
               kernel("compute", KernelRole::Compute, kernels::EltwiseCompute(EltwiseOp::Add), {"count"}),
               kernel("writer", KernelRole::DataMovement1, kernels::EltwiseWriter(), {"c_addr", "start", "count"})};
  const uint32_t tiles = TilesAlong(rows) * TilesAlong(cols);
  const uint32_t cores = grid_x * grid_y;
  uint32_t start = 0;
  for (uint32_t i = 0; i < cores; ++i) {
    const uint32_t count = tiles / cores + (i < tiles % cores ? 1 : 0);
    tile::CoreWork core;
    core.x = i % grid_x;
    core.y = i / grid_x;
    core.runtime_args = {{Address("A"), Address("B"), Value(start), Value(count)},
                         {Value(count)},
                         {Address("C"), Value(start), Value(count)}};
    for (uint32_t t = start; t < start + count; ++t) core.blocks.push_back({t % TilesAlong(cols), t / TilesAlong(cols)});
    p.cores.push_back(core);
    start += count;
  }
  p.partition = {{"mode", "contiguous"}, {"num_tiles", std::to_string(tiles)}};
  return p;
}

// C = A x B (bf16, M x K times K x N) with the GEMM workload's kernels, split by PlanGemm over a
// grid_x x grid_y grid, K in pushes of `k_block` tiles (0: PlanGemm's choice; fewer than K parks partial sums
// in c_24). The sizes must give every core the same number of blocks (fixed runtime args).
inline tile::TTProgram GemmProgram(uint32_t M, uint32_t N, uint32_t K, uint32_t grid_x, uint32_t grid_y,
                                   uint32_t k_block = 0) {
  const kernels::GemmPlan plan = kernels::PlanGemm(M, N, K, {grid_x, grid_y}, false, 1u << 20, k_block);
  tile::TTProgram p;
  p.name = "gemm";
  p.tensors = {Tensor("A", M, K, false), Tensor("B", K, N, false), Tensor("C", M, N, true)};
  p.circular_buffers = {Cb(0, plan.in0_cb_pages, "A_shared"), Cb(1, plan.in1_cb_pages, "B_shared"),
                        Cb(16, plan.out_cb_pages, "C_local")};
  if (plan.intermediate_cb_pages != 0) {
    p.circular_buffers.push_back(Cb(24, plan.intermediate_cb_pages, "C_partial", plan.intermediate_format));
  }
  const std::vector<uint32_t> args0 = plan.RuntimeArgs({0, 0}, 0, 0, 0);
  std::vector<std::string> names = {"a_addr", "b_addr", "c_addr", "num_blocks"};
  for (size_t i = 4; i < args0.size(); ++i) names.push_back("block" + std::to_string((i - 4) / 4) + "_arg" + std::to_string((i - 4) % 4));
  auto kernel = [&](const std::string& name, KernelRole role, kir::Kernel k) {
    tile::KernelPlan kp;
    kp.name = name;
    kp.role = role;
    kp.kernel = std::move(k);
    kp.compile_time_args = plan.CompileArgs();
    kp.runtime_arg_names = names;
    return kp;
  };
  p.kernels = {kernel("reader", KernelRole::DataMovement0, kernels::GemmReader()),
               kernel("compute", KernelRole::Compute, kernels::GemmCompute()),
               kernel("writer", KernelRole::DataMovement1, kernels::GemmWriter())};
  for (uint32_t y = 0; y < plan.cores_y; ++y) {
    for (uint32_t x = 0; x < plan.cores_x; ++x) {
      const std::vector<uint32_t> values = plan.RuntimeArgs({x, y}, 0, 0, 0);
      std::vector<tile::RuntimeArg> args = {Address("A"), Address("B"), Address("C")};
      for (size_t i = 3; i < values.size(); ++i) args.push_back(Value(values[i]));
      tile::CoreWork core;
      core.x = x;
      core.y = y;
      core.runtime_args = {args, args, args};
      for (size_t b = 4; b + 3 < values.size(); b += 4) core.blocks.push_back({values[b + 1] / plan.block_n, values[b] / plan.block_m});
      p.cores.push_back(core);
    }
  }
  p.partition = {{"mode", "blocks_2d"}, {"block_m_tiles", std::to_string(plan.block_m)}, {"block_n_tiles", std::to_string(plan.block_n)}};
  return p;
}

}  // namespace tilesim::testing
