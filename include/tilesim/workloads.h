// Built-in workloads (GEMM, element-wise binary ops, DRAM loopback), each run end to end on an emulated
// device and checked against an fp32 reference, and the kernels they use, which the samples share.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tilesim/data_format.h"
#include "tilesim/host.h"
#include "tilesim/kernel_ir.h"
#include "tilesim/validation.h"

namespace tilesim {

// ---- Kernels (Kernel IR built with the KernelBuilder) ----
namespace kernels {

// Circular buffer indexes the built-in kernels use (tt-metal's conventions).
inline constexpr uint8_t kCbIn0 = c_0;
inline constexpr uint8_t kCbIn1 = c_1;
inline constexpr uint8_t kCbOut = c_16;
inline constexpr uint8_t kCbIntermediate = c_24;
inline constexpr uint32_t kBf16TileBytes = 2048;

// How a GEMM C (M x N) = A (M x K) x B (K x N) is split over a grid. Matrices are bf16 in tile layout,
// padded to whole tiles. Each core computes output blocks of block_m x block_n tiles (several if the
// output has more blocks than the grid has cores), in DST-sized sub-blocks of subblock_h x subblock_w
// tiles; K is consumed k_block tiles per circular-buffer push (the last push may be partly filled), the
// operand CBs holding two pushes (double buffering). Between K blocks the partial sums are parked in the
// intermediate CB in the DST format, so parking loses nothing.
struct GemmPlan {
  uint32_t Mt = 0, Nt = 0, Kt = 0;      // matrix sizes in tiles
  uint32_t block_m = 0, block_n = 0;    // output block per core, tiles
  uint32_t blocks_m = 0, blocks_n = 0;  // output blocks along M and N
  uint32_t cores_x = 0, cores_y = 0;    // cores used: block (bm, bn) runs on core (bn % cores_x, bm % cores_y)
  uint32_t subblock_h = 0, subblock_w = 0;
  uint32_t k_block = 0, num_k_blocks = 0;
  DataFormat intermediate_format = DataFormat::Float16_b;
  uint32_t in0_cb_pages = 0, in1_cb_pages = 0, out_cb_pages = 0, intermediate_cb_pages = 0;  // 0: not needed
  uint32_t cb_bytes = 0;  // L1 the four circular buffers take on each core

  // The compile-time args of all three GEMM kernels.
  std::vector<uint32_t> CompileArgs() const;
  // The runtime args of all three kernels on `core`: {a_addr, b_addr, c_addr, num_blocks, then per block
  // m0, n0, mt, nt} (tile offsets of the block and its size, smaller than block_m x block_n at ragged edges).
  std::vector<uint32_t> RuntimeArgs(CoreCoord core, uint32_t a_addr, uint32_t b_addr, uint32_t c_addr) const;
  // The cores with at least one block, as one rectangle from (0, 0).
  CoreRange cores() const;
};
// Chooses the split. `l1_budget` is the L1 available for circular buffers on each core; `fp32_dest` halves
// the DST capacity (4 tiles per half instead of 8). `k_block` asks for that many K tiles per push (0: a
// core's double-buffered operands near 128 KiB); fewer are used if L1 cannot hold them. Throws
// AllocationError if even 1x1 output blocks do not fit.
GemmPlan PlanGemm(uint32_t M, uint32_t N, uint32_t K, CoreCoord grid, bool fp32_dest, uint32_t l1_budget,
                  uint32_t k_block = 0);

// Reader (RISCV_0): per block and K block reads block_m x k_block A tiles into kCbIn0 and k_block x block_n
// B tiles into kCbIn1 (interleaved DRAM buffers), one push of each.
kir::Kernel GemmReader();
// Compute: matmul_tiles over DST sub-blocks; packs finished sub-blocks to kCbOut.
kir::Kernel GemmCompute();
// Writer (RISCV_1): writes each finished sub-block's tiles to C (interleaved DRAM).
kir::Kernel GemmWriter();

// Element-wise binary op on tiles [start, start + count) of two interleaved DRAM buffers, in groups of up
// to `kEltwiseGroup` tiles per push. Runtime args: reader {a_addr, b_addr, start, count}; compute
// {count}; writer {c_addr, start, count}.
inline constexpr uint32_t kEltwiseGroup = 8;
kir::Kernel EltwiseReader();
kir::Kernel EltwiseCompute(EltwiseOp op);
kir::Kernel EltwiseWriter();

// DRAM -> L1 -> DRAM: copies pages [start, start + count) of one interleaved DRAM buffer to another through
// one page of kCbIn0 (RISCV_0). Runtime args {src_addr, dst_addr, start, count, page_size}.
kir::Kernel Loopback();

}  // namespace kernels

// ---- Workloads ----

struct GemmOptions {
  uint32_t M = 1024, N = 1024, K = 1024;
  uint32_t grid_x = 8, grid_y = 8;
  uint32_t threads = 0;  // emulator and Eigen threads; 0 = every host core
  MathFidelity fidelity = MathFidelity::HiFi4;
  bool fp32_dest = false;
  uint64_t seed = 0;
  std::optional<double> min_pcc;  // pass threshold; default 0.999 (HiFi2..4) or 0.99 (LoFi)
  uint32_t l1_size = 0;           // bytes of L1 per core; 0 = DeviceOptions' default (Wormhole)
  uint32_t k_block = 0;           // K tiles per CB push; 0 = PlanGemm's choice
  bool keep_output = false;       // fill WorkloadResult::output
  std::optional<perf::PerfOptions> perf;  // time the run (WorkloadResult::perf)
};

struct EltwiseOptions {
  EltwiseOp op = EltwiseOp::Add;
  uint32_t rows = 1024, cols = 1024;
  uint32_t grid_x = 8, grid_y = 8;
  uint32_t threads = 0;
  MathFidelity fidelity = MathFidelity::HiFi4;  // affects mul
  uint64_t seed = 0;
  double atol = 1e-2, rtol = 1e-2;  // pass: allclose (tt-metal's eltwise example checks abs err <= 1e-2)
  bool keep_output = false;
  std::optional<perf::PerfOptions> perf;  // time the run (WorkloadResult::perf)
};

struct LoopbackOptions {
  uint64_t size_bytes = 4u << 20;  // a multiple of page_size
  uint32_t page_size = 2048;
  uint32_t grid_x = 1, grid_y = 1;  // pages are split over these cores
  uint32_t threads = 0;
  uint64_t seed = 0;
  bool keep_output = false;
  std::optional<perf::PerfOptions> perf;  // time the run (WorkloadResult::perf)
};

struct WorkloadResult {
  std::string workload;  // "gemm", "eltwise_add", "loopback"...
  std::string title;     // "gemm 1024x1024x1024 (M x N x K, bf16, HiFi4, bf16 DST) on 8x8 Tensix cores"
  bool ok = false;       // the comparison passed
  ComparisonReport comparison;
  double emulator_ms = 0;   // EnqueueProgram .. Finish
  double reference_ms = 0;  // the host reference (Eigen) on all host cores, same run
  uint32_t threads = 0;     // emulator host threads
  uint32_t reference_threads = 0;
  uint32_t cores = 0;         // Tensix cores that ran kernels
  RunStats stats;             // of the emulated run
  nlohmann::json parameters;  // shape, grid, fidelity, seed...
  std::vector<float> output;  // the device result, row-major, when keep_output
  std::optional<perf::PerfResult> perf;  // with the options' perf: cycles, stalls, FPU use (tilesim/perf.h)

  // A few lines: what ran, PASS/FAIL with the errors, emulator vs reference time.
  std::string Summary() const;
  // One object: ok, pcc, max_abs_err, mean_abs_err, emulator_ms, reference_ms, threads, cores, the
  // parameters' fields (M, N, K, grid, fidelity...), and "comparison" and "stats" objects.
  nlohmann::json ToJson() const;
};

// A tile DSL kernel file (TileLang-style, tilesim/tile_compiler.h): compiled, run, and checked against the
// reference evaluated from the kernel itself (tile::EvaluateReference).
struct TileKernelOptions {
  std::string path;                         // the .py file
  std::map<std::string, int64_t> bindings;  // --M 512, --block_M 64 ...
  uint32_t grid_x = 8, grid_y = 8;
  uint32_t threads = 0;
  MathFidelity fidelity = MathFidelity::HiFi4;
  bool fp32_dest = false;
  bool multicast = true;
  bool fuse_blocks = true;
  uint64_t seed = 0;
  std::optional<double> min_pcc;            // pass threshold; default 0.999 (HiFi2..4) or 0.99 (LoFi)
  bool emit_cpp_check = false;              // also run the emitted Metalium C++ and require identical bits
  std::string emit_dir;                     // where the C++ goes for that check; empty = a temporary directory
  std::optional<perf::PerfOptions> perf;
};

// Each creates its own device, runs, validates and closes it. Bad options throw ApiError; a failed run
// throws RunError. A wrong result is not an exception: ok is false.
WorkloadResult RunGemm(const GemmOptions& options);
WorkloadResult RunEltwise(const EltwiseOptions& options);
WorkloadResult RunLoopback(const LoopbackOptions& options);
// Compile errors in the kernel throw compiler::CompileError.
WorkloadResult RunTileKernel(const TileKernelOptions& options);

struct WorkloadInfo {
  std::string name;
  std::string description;
};
std::vector<WorkloadInfo> ListWorkloads();

}  // namespace tilesim
