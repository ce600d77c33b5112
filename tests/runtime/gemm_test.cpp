// GEMM: the split (PlanGemm), the kernels against a scalar reference, and RunGemm at the required shapes.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "tests/runtime/test_kernels.h"
#include "tilesim/host.h"
#include "tilesim/tile.h"
#include "tilesim/workloads.h"

namespace tilesim {
namespace {

constexpr uint32_t kL1Budget = 1499136 - kL1CircularBufferBase;

TEST(GemmPlanTest, Wormhole1024Cubed) {
  const kernels::GemmPlan p = kernels::PlanGemm(1024, 1024, 1024, {8, 8}, false, kL1Budget);
  EXPECT_EQ(p.Mt, 32u);
  EXPECT_EQ(p.block_m, 4u);
  EXPECT_EQ(p.block_n, 4u);
  EXPECT_EQ(p.cores_x, 8u);
  EXPECT_EQ(p.cores_y, 8u);
  EXPECT_EQ(p.subblock_h * p.subblock_w, 8u);  // a full half of bf16 DST
  // Double-buffered operands near 128 KiB: 2 x (4 + 4) x k_block tiles of 2 KiB -> 4 K tiles per push.
  EXPECT_EQ(p.k_block, 4u);
  EXPECT_EQ(p.num_k_blocks, 8u);
  EXPECT_EQ(p.in0_cb_pages, 2u * 4 * 4);
  EXPECT_EQ(p.in1_cb_pages, 2u * 4 * 4);
  EXPECT_EQ(p.intermediate_cb_pages, p.out_cb_pages);
  EXPECT_LE(p.cb_bytes, kL1Budget);
}

TEST(GemmPlanTest, ShortKIsOneBlockWithoutIntermediate) {
  const kernels::GemmPlan p = kernels::PlanGemm(1024, 1024, 96, {8, 8}, false, kL1Budget);
  EXPECT_EQ(p.num_k_blocks, 1u);
  EXPECT_EQ(p.k_block, 3u);
  EXPECT_EQ(p.intermediate_cb_pages, 0u);
  EXPECT_EQ(p.in0_cb_pages, 2u * 4 * 3);  // double-buffered across a core's output blocks
}

TEST(GemmPlanTest, RequestedKBlockIsUsedWhenItFits) {
  const kernels::GemmPlan whole = kernels::PlanGemm(1024, 1024, 1024, {8, 8}, false, kL1Budget, 1000);
  EXPECT_EQ(whole.num_k_blocks, 1u);
  EXPECT_EQ(whole.k_block, 32u);
  const kernels::GemmPlan seven = kernels::PlanGemm(1024, 1024, 1024, {8, 8}, false, kL1Budget, 7);
  EXPECT_EQ(seven.num_k_blocks, 5u);  // ceil(32 / 7)
  EXPECT_EQ(seven.k_block, 7u);       // ceil(32 / 5)
  const kernels::GemmPlan capped = kernels::PlanGemm(1024, 1024, 1024, {8, 8}, false, 200 * 1024, 1000);
  EXPECT_LE(capped.cb_bytes, 200u * 1024);  // too big for that L1: fewer K tiles per push
}

TEST(GemmPlanTest, Fp32DestHalvesTheSubblock) {
  const kernels::GemmPlan p = kernels::PlanGemm(1024, 1024, 1024, {8, 8}, true, kL1Budget);
  EXPECT_EQ(p.subblock_h, 2u);
  EXPECT_EQ(p.subblock_w, 2u);
}

TEST(GemmPlanTest, SmallL1ForcesKBlocksAndStaysWithinBudget) {
  const uint32_t budget = 200 * 1024;
  const kernels::GemmPlan p = kernels::PlanGemm(1024, 1024, 1024, {8, 8}, false, budget);
  EXPECT_GT(p.num_k_blocks, 1u);
  EXPECT_GE(p.k_block * p.num_k_blocks, p.Kt);
  EXPECT_LT(p.k_block * (p.num_k_blocks - 1), p.Kt);
  EXPECT_EQ(p.intermediate_cb_pages, p.out_cb_pages);
  EXPECT_LE(p.cb_bytes, budget);
  EXPECT_THROW(kernels::PlanGemm(1024, 1024, 1024, {8, 8}, false, 4096), AllocationError);
}

TEST(GemmPlanTest, MoreCoresThanWorkLeavesCoresIdle) {
  const kernels::GemmPlan p = kernels::PlanGemm(100, 40, 100, {8, 8}, false, kL1Budget);
  EXPECT_EQ(p.Mt, 4u);
  EXPECT_EQ(p.Nt, 2u);
  EXPECT_EQ(p.cores_x * p.cores_y, 8u);  // one output tile per core
}

// Every output tile is assigned to exactly one core, for ragged and multi-block splits.
TEST(GemmPlanTest, RuntimeArgsCoverEveryOutputTileOnce) {
  for (auto [M, N, grid] : {std::tuple{1000u, 700u, CoreCoord{3, 5}}, std::tuple{4096u, 4096u, CoreCoord{2, 2}}}) {
    const kernels::GemmPlan p = kernels::PlanGemm(M, N, 64, grid, false, kL1Budget);
    std::multiset<uint32_t> covered;
    for (const CoreCoord& core : corerange_to_cores(p.cores())) {
      const std::vector<uint32_t> args = p.RuntimeArgs(core, 0, 0, 0);
      ASSERT_EQ(args.size(), 4 + 4 * args[3]);
      for (uint32_t b = 0; b < args[3]; ++b) {
        const uint32_t m0 = args[4 + 4 * b], n0 = args[5 + 4 * b], mt = args[6 + 4 * b], nt = args[7 + 4 * b];
        EXPECT_LE(mt, p.block_m);
        EXPECT_LE(nt, p.block_n);
        for (uint32_t i = 0; i < mt; ++i) {
          for (uint32_t j = 0; j < nt; ++j) covered.insert((m0 + i) * p.Nt + n0 + j);
        }
      }
    }
    EXPECT_EQ(covered.size(), p.Mt * p.Nt);
    EXPECT_EQ(std::set<uint32_t>(covered.begin(), covered.end()).size(), p.Mt * p.Nt);
  }
}

// The GEMM kernels driven through the host API directly, on a ragged shape with several K blocks,
// against a scalar double-precision loop over the same bf16 inputs.
TEST(GemmKernelsTest, RaggedShapeWithKBlocksMatchesScalarLoop) {
  const uint32_t M = 70, N = 40, K = 200;
  DeviceOptions options;
  options.grid_x = 2;
  options.grid_y = 2;
  testing::DeviceFixture d(options);
  const kernels::GemmPlan plan = kernels::PlanGemm(M, N, K, {2, 2}, false, 40 * 1024);  // forces K blocks
  ASSERT_GT(plan.num_k_blocks, 1u);
  const std::vector<bfloat16> a = ToBfloat16(RandomUniform(M * K, 11)), b = ToBfloat16(RandomUniform(K * N, 12));
  const uint64_t tile = 2048;
  auto a_buf = CreateBuffer({d.device, plan.Mt * plan.Kt * tile, tile, BufferType::DRAM});
  auto b_buf = CreateBuffer({d.device, plan.Kt * plan.Nt * tile, tile, BufferType::DRAM});
  auto c_buf = CreateBuffer({d.device, plan.Mt * plan.Nt * tile, tile, BufferType::DRAM});
  Program program = CreateProgram();
  for (auto [index, pages, format] :
       {std::tuple{kernels::kCbIn0, plan.in0_cb_pages, DataFormat::Float16_b},
        std::tuple{kernels::kCbIn1, plan.in1_cb_pages, DataFormat::Float16_b},
        std::tuple{kernels::kCbOut, plan.out_cb_pages, DataFormat::Float16_b},
        std::tuple{kernels::kCbIntermediate, plan.intermediate_cb_pages, plan.intermediate_format}}) {
    const uint32_t page = TileSizeBytes(format);
    CreateCircularBuffer(program, plan.cores(),
                         CircularBufferConfig(pages * page, {{index, format}}).set_page_size(index, page));
  }
  const std::vector<uint32_t> ct = plan.CompileArgs();
  KernelHandle r = CreateKernel(program, kernels::GemmReader(), plan.cores(), DataMovementConfig{.compile_args = ct});
  KernelHandle c = CreateKernel(program, kernels::GemmCompute(), plan.cores(), ComputeConfig{.compile_args = ct});
  KernelHandle w = CreateKernel(program, kernels::GemmWriter(), plan.cores(),
                                DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, ct});
  for (const CoreCoord& core : corerange_to_cores(plan.cores())) {
    for (KernelHandle k : {r, c, w}) {
      SetRuntimeArgs(program, k, core, plan.RuntimeArgs(core, a_buf->address(), b_buf->address(), c_buf->address()));
    }
  }
  CommandQueue& cq = d->command_queue();
  EnqueueWriteBuffer(cq, a_buf, tilize<bfloat16>(a, M, K), false);
  EnqueueWriteBuffer(cq, b_buf, tilize<bfloat16>(b, K, N), false);
  EnqueueProgram(cq, program, false);
  Finish(cq);
  std::vector<bfloat16> out_tiles;
  EnqueueReadBuffer(cq, c_buf, out_tiles, true);
  const std::vector<bfloat16> out = untilize<bfloat16>(out_tiles, M, N);
  double max_err = 0;
  for (uint32_t i = 0; i < M; ++i) {
    for (uint32_t j = 0; j < N; ++j) {
      double sum = 0;
      for (uint32_t k = 0; k < K; ++k) sum += double(a[i * K + k].to_float()) * b[k * N + j].to_float();
      max_err = std::max(max_err, std::fabs(sum - out[i * N + j].to_float()));
    }
  }
  // |sums| stay below ~8 here; bf16 DST rounding of 7 tile partial sums costs at most a few bf16 ulps (1/32).
  EXPECT_LT(max_err, 0.15);
}

WorkloadResult Gemm(uint32_t M, uint32_t N, uint32_t K, MathFidelity fidelity = MathFidelity::HiFi4) {
  GemmOptions o;
  o.M = M;
  o.N = N;
  o.K = K;
  o.fidelity = fidelity;
  return RunGemm(o);
}

TEST(RunGemmTest, Tile32Cubed) {
  const WorkloadResult r = Gemm(32, 32, 32);
  EXPECT_TRUE(r.ok) << r.Summary();
  EXPECT_GE(r.comparison.pcc, 0.999);
  EXPECT_EQ(r.cores, 1u);
  EXPECT_LT(r.comparison.max_abs_err, 0.05);  // |C| < ~4: a bf16 ulp is at most 1/64
}

TEST(RunGemmTest, Ragged100Cubed) {
  const WorkloadResult r = Gemm(100, 100, 100);
  EXPECT_TRUE(r.ok) << r.Summary();
  EXPECT_GE(r.comparison.pcc, 0.999);
  EXPECT_EQ(r.cores, 16u);  // 4 x 4 output tiles, one per core
}

TEST(RunGemmTest, Rectangular256x512x128) {
  const WorkloadResult r = Gemm(256, 512, 128);
  EXPECT_TRUE(r.ok) << r.Summary();
  EXPECT_GE(r.comparison.pcc, 0.999);
  EXPECT_EQ(r.cores, 64u);
}

TEST(RunGemmTest, Full1024Cubed) {
  const WorkloadResult r = Gemm(1024, 1024, 1024);
  EXPECT_TRUE(r.ok) << r.Summary();
  EXPECT_GE(r.comparison.pcc, 0.999);
  EXPECT_EQ(r.cores, 64u);
  EXPECT_GT(r.emulator_ms, 0);
  EXPECT_GT(r.reference_ms, 0);
}

TEST(RunGemmTest, SeveralOutputBlocksPerCore) {
  GemmOptions o;
  o.M = 544;  // 17 tile rows: 3 blocks of 6 rows per core row, the last one ragged
  o.N = 512;
  o.K = 96;
  o.grid_x = 2;
  o.grid_y = 1;
  const WorkloadResult r = RunGemm(o);
  EXPECT_TRUE(r.ok) << r.Summary();
  EXPECT_GE(r.comparison.pcc, 0.999);
  EXPECT_EQ(r.cores, 2u);
}

TEST(RunGemmTest, LoFiErrorIsLargerThanHiFi4) {
  const WorkloadResult hifi4 = Gemm(128, 128, 256, MathFidelity::HiFi4);
  const WorkloadResult lofi = Gemm(128, 128, 256, MathFidelity::LoFi);
  EXPECT_GT(lofi.comparison.mean_abs_err, 2 * hifi4.comparison.mean_abs_err)
      << "LoFi " << lofi.comparison.mean_abs_err << " HiFi4 " << hifi4.comparison.mean_abs_err;
  EXPECT_LT(lofi.comparison.pcc, hifi4.comparison.pcc);
}

TEST(RunGemmTest, Fp32DestIsAtLeastAsAccurate) {
  GemmOptions o;
  o.M = o.N = 128;
  o.K = 512;
  const WorkloadResult bf16_dest = RunGemm(o);
  o.fp32_dest = true;
  const WorkloadResult fp32_dest = RunGemm(o);
  EXPECT_TRUE(fp32_dest.ok) << fp32_dest.Summary();
  EXPECT_LT(fp32_dest.comparison.mean_abs_err, bf16_dest.comparison.mean_abs_err);
}

// Parking partial sums in the intermediate CB (in the DST format) loses nothing: the result is bit-identical
// to the single-K-block run.
TEST(RunGemmTest, KBlocksGiveTheSameBitsAsOneBlock) {
  for (bool fp32_dest : {false, true}) {
    GemmOptions o;
    o.M = 128;
    o.N = 96;
    o.K = 640;
    o.grid_x = o.grid_y = 2;
    o.fp32_dest = fp32_dest;
    o.keep_output = true;
    o.k_block = 1000;  // all of K in one push
    const WorkloadResult one = RunGemm(o);
    o.k_block = 3;
    const WorkloadResult blocked = RunGemm(o);
    ASSERT_GT(blocked.parameters["num_k_blocks"].get<uint32_t>(), 1u);
    ASSERT_EQ(one.parameters["num_k_blocks"].get<uint32_t>(), 1u);
    EXPECT_EQ(one.output, blocked.output) << "fp32_dest " << fp32_dest;
  }
}

TEST(RunGemmTest, SameBitsForAnyThreadCount) {
  GemmOptions o;
  o.M = o.N = o.K = 256;
  o.keep_output = true;
  o.threads = 1;
  const WorkloadResult one = RunGemm(o);
  o.threads = 2;
  const WorkloadResult two = RunGemm(o);
  EXPECT_EQ(one.output, two.output);
  EXPECT_EQ(two.threads, 2u);
}

TEST(RunGemmTest, BadShapeIsAnApiError) {
  EXPECT_THROW(Gemm(0, 32, 32), ApiError);
  GemmOptions o;
  o.grid_x = 0;
  EXPECT_THROW(RunGemm(o), ApiError);
}

}  // namespace
}  // namespace tilesim
