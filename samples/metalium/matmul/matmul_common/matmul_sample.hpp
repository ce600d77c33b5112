// What the four matmul samples share on the host: the command line, random operands, the PCC check
// against an fp32 golden, and how the reuse samples cut the output into per-core blocks.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>

#include "tilesim/host.h"
#include "tilesim/validation.h"

namespace matmul_sample {

struct MatmulSize {
  uint32_t M = 0;
  uint32_t N = 0;
  uint32_t K = 0;
  bool perf = false;  // --perf: time the program on the device profile and print the timing
};

// The device options a sample opens its device with: timing on when --perf was given.
inline tilesim::DeviceOptions SampleDeviceOptions(const MatmulSize& size) {
  tilesim::DeviceOptions options;
  if (size.perf) options.perf = tilesim::perf::PerfOptions{};
  return options;
}

// After the program ran: with --perf, the modelled cycles, stalls and FPU use of its last program.
inline void PrintPerf(const MatmulSize& size, const tilesim::Device& device) {
  if (!size.perf) return;
  if (const tilesim::perf::PerfResult* perf = device.last_perf()) std::printf("%s\n", perf->Summary().c_str());
}

// Parses --size S (M = N = K = S, e.g. --size 1024 for 1024^3) or --m/--n/--k. Every dimension must be a
// positive multiple of 32, the tile size. Returns nullopt when main should exit with `exit_code` (after
// --help, or a bad value, which CLI11 has already reported).
inline std::optional<MatmulSize> ParseMatmulSize(int argc, char** argv, const std::string& description,
                                                 MatmulSize defaults, int& exit_code) {
  MatmulSize size = defaults;
  uint32_t square = 0;
  CLI::App app{description};
  auto tile_multiple = CLI::Validator(
      [](const std::string& text) {
        uint32_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool ok = error == std::errc{} && end == text.data() + text.size() && value > 0 && value % 32 == 0 &&
                        value <= 16384;
        return ok ? std::string{} : "must be a positive multiple of 32, at most 16384";
      },
      "multiple of 32");
  auto* square_option = app.add_option("--size", square, "M = N = K (e.g. 1024 for a 1024^3 matmul)")
                            ->check(tile_multiple);
  app.add_option("--m", size.M, "rows of A and C")->check(tile_multiple)->excludes(square_option);
  app.add_option("--n", size.N, "columns of B and C")->check(tile_multiple)->excludes(square_option);
  app.add_option("--k", size.K, "columns of A, rows of B")->check(tile_multiple)->excludes(square_option);
  app.add_flag("--perf", size.perf, "time the program on the device profile (wormhole_b0) and print the timing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  if (square != 0) {
    size.M = size.N = size.K = square;
  }
  return size;
}

// A rows x cols row-major matrix of bf16 values uniform in [-1, 1).
inline std::vector<tilesim::bfloat16> RandomMatrix(uint32_t rows, uint32_t cols, uint64_t seed) {
  return tilesim::ToBfloat16(tilesim::RandomUniform(static_cast<std::size_t>(rows) * cols, seed, -1.0f, 1.0f));
}

// Compares the device result (row-major M x N) with fp32 A x B of the same bf16 inputs by Pearson
// correlation, as tt-metal's matmul examples do, prints the verdict and returns main's exit code.
inline int CheckPcc(const char* name, const std::vector<tilesim::bfloat16>& result,
                    const std::vector<tilesim::bfloat16>& a, const std::vector<tilesim::bfloat16>& b, MatmulSize size,
                    double min_pcc) {
  const std::vector<float> golden =
      tilesim::ReferenceMatmul(tilesim::ToFloat(a), tilesim::ToFloat(b), size.M, size.N, size.K);
  if (result.size() != golden.size()) {
    std::printf("%s %ux%ux%u: FAIL (%zu result values, expected %zu)\n", name, size.M, size.N, size.K,
                result.size(), golden.size());
    return 1;
  }
  tilesim::CompareOptions options;
  options.min_pcc = min_pcc;
  options.row_length = size.N;
  const tilesim::ComparisonReport report = tilesim::Compare(tilesim::ToFloat(result), golden, options);
  const bool pass = report.passed && report.pcc > min_pcc;  // tt-metal's test is strict: PCC > min_pcc
  std::printf("%s %ux%ux%u: %s%s\n", name, size.M, size.N, size.K, report.Summary().c_str(),
              pass == report.passed ? "" : " FAIL: PCC is not above the limit");
  return pass ? 0 : 1;
}

// How the reuse samples split C (Mt x Nt tiles) over a grid: core (x, y) computes the per_core_M x
// per_core_N block at block row y, block column x, consuming K in0_block_w tiles at a time, in DST-sized
// sub-blocks of out_subblock_h x out_subblock_w tiles.
struct BlockPlan {
  uint32_t per_core_M = 0, per_core_N = 0;
  uint32_t num_blocks_y = 0, num_blocks_x = 0;  // grid rows and columns used
  uint32_t in0_block_w = 0;
  uint32_t out_subblock_h = 0, out_subblock_w = 0;
};

// The smallest blocks whose grid fits `grid` (most cores busy), the widest K step of at most
// `max_in0_block_w` that divides Kt, and the largest sub-block of at most `max_subblock_tiles` (8: one
// half of a bf16 DST) that divides the block, the wider one on a tie.
inline BlockPlan PlanBlocks(uint32_t Mt, uint32_t Nt, uint32_t Kt, tilesim::CoreCoord grid,
                            uint32_t max_in0_block_w = 2, uint32_t max_subblock_tiles = 8) {
  auto smallest_block = [](uint32_t tiles, std::size_t cores) {
    for (uint32_t block = 1; block <= tiles; ++block) {
      if (tiles % block == 0 && tiles / block <= cores) return block;
    }
    return tiles;
  };
  BlockPlan plan;
  plan.per_core_M = smallest_block(Mt, grid.y);
  plan.per_core_N = smallest_block(Nt, grid.x);
  plan.num_blocks_y = Mt / plan.per_core_M;
  plan.num_blocks_x = Nt / plan.per_core_N;
  plan.in0_block_w = 1;
  for (uint32_t w = std::min(max_in0_block_w, Kt); w >= 1; --w) {
    if (Kt % w == 0) {
      plan.in0_block_w = w;
      break;
    }
  }
  for (uint32_t h = 1; h <= plan.per_core_M; ++h) {
    for (uint32_t w = 1; w <= plan.per_core_N; ++w) {
      if (plan.per_core_M % h != 0 || plan.per_core_N % w != 0 || h * w > max_subblock_tiles) continue;
      if (h * w > plan.out_subblock_h * plan.out_subblock_w ||
          (h * w == plan.out_subblock_h * plan.out_subblock_w && w > plan.out_subblock_w)) {
        plan.out_subblock_h = h;
        plan.out_subblock_w = w;
      }
    }
  }
  return plan;
}

}  // namespace matmul_sample
