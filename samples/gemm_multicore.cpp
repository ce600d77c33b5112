// Sample: a bf16 GEMM spread over a 4x4 grid of Tensix cores, checked against Eigen by PCC.
//
// PlanGemm splits C into per-core blocks; each core runs the built-in reader (A and B tiles into circular
// buffers 0 and 1), compute (matmul_tiles into DST sub-blocks, packed into circular buffer 16) and writer
// (C tiles back to DRAM). Shapes need not be multiples of 32: tilize pads, untilize crops.
#include <cstdio>
#include <vector>

#include "tilesim/host.h"
#include "tilesim/tile.h"
#include "tilesim/validation.h"
#include "tilesim/workloads.h"

using namespace tilesim;

int main() {
  constexpr uint32_t M = 300, N = 200, K = 500;
  DeviceOptions options;
  options.grid_x = 4;
  options.grid_y = 4;
  Device* device = CreateDevice(0, options);
  CommandQueue& cq = device->command_queue();

  const kernels::GemmPlan plan = kernels::PlanGemm(M, N, K, device->compute_with_storage_grid_size(),
                                                   /*fp32_dest=*/false, device->l1_size_per_core() - kL1CircularBufferBase);
  constexpr uint32_t tile_size = 2048;
  auto dram = [&](uint32_t tiles) { return CreateBuffer({device, tiles * tile_size, tile_size, BufferType::DRAM}); };
  std::shared_ptr<Buffer> a = dram(plan.Mt * plan.Kt);
  std::shared_ptr<Buffer> b = dram(plan.Kt * plan.Nt);
  std::shared_ptr<Buffer> c = dram(plan.Mt * plan.Nt);

  Program program = CreateProgram();
  const CoreRange cores = plan.cores();
  auto circular_buffer = [&](uint8_t index, uint32_t pages) {
    if (pages == 0) return;  // the intermediate CB is only needed when K is split into blocks
    CreateCircularBuffer(program, cores,
                         CircularBufferConfig(pages * tile_size, {{index, DataFormat::Float16_b}})
                             .set_page_size(index, tile_size));
  };
  circular_buffer(kernels::kCbIn0, plan.in0_cb_pages);
  circular_buffer(kernels::kCbIn1, plan.in1_cb_pages);
  circular_buffer(kernels::kCbOut, plan.out_cb_pages);
  circular_buffer(kernels::kCbIntermediate, plan.intermediate_cb_pages);

  const std::vector<uint32_t> block_args = plan.CompileArgs();
  KernelHandle reader = CreateKernel(
      program, kernels::GemmReader(), cores,
      DataMovementConfig{DataMovementProcessor::RISCV_0, NOC::RISCV_0_default, block_args});
  KernelHandle compute = CreateKernel(program, kernels::GemmCompute(), cores,
                                      ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = block_args});
  KernelHandle writer = CreateKernel(
      program, kernels::GemmWriter(), cores,
      DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, block_args});
  for (const CoreCoord& core : corerange_to_cores(cores)) {
    const std::vector<uint32_t> args = plan.RuntimeArgs(core, a->address(), b->address(), c->address());
    for (KernelHandle kernel : {reader, compute, writer}) SetRuntimeArgs(program, kernel, core, args);
  }

  const std::vector<bfloat16> a_host = ToBfloat16(RandomUniform(M * K, 1));
  const std::vector<bfloat16> b_host = ToBfloat16(RandomUniform(K * N, 2));
  EnqueueWriteBuffer(cq, a, tilize<bfloat16>(a_host, M, K), false);
  EnqueueWriteBuffer(cq, b, tilize<bfloat16>(b_host, K, N), false);
  EnqueueProgram(cq, program, false);
  Finish(cq);
  std::vector<bfloat16> c_tiles;
  EnqueueReadBuffer(cq, c, c_tiles, true);
  CloseDevice(device);

  const std::vector<float> result = ToFloat(untilize<bfloat16>(c_tiles, M, N));
  const std::vector<float> expected = ReferenceMatmul(ToFloat(a_host), ToFloat(b_host), M, N, K);
  CompareOptions criterion;
  criterion.min_pcc = 0.99;  // tt-metal's multicore matmul examples ask for PCC > 0.97 .. 0.99
  criterion.row_length = N;
  const ComparisonReport report = Compare(result, expected, criterion);
  std::printf("gemm %ux%ux%u on %ux%u cores: %s\n", M, N, K, plan.cores_x, plan.cores_y, report.Summary().c_str());
  return report.passed ? 0 : 1;
}
