// Sample: C = A + B on one Tensix core with a reader, a compute and a writer kernel.
//
// The reader streams tiles of A and B from DRAM into circular buffers 0 and 1, the compute kernel adds
// them tile by tile in DST and packs the sums into circular buffer 16, and the writer stores them back
// to DRAM. The result is checked the way tt-metal's own example checks it: every |error| <= 1e-2.
#include <cmath>
#include <cstdio>
#include <vector>

#include "tilesim/host.h"
#include "tilesim/tile.h"
#include "tilesim/validation.h"
#include "tilesim/workloads.h"

using namespace tilesim;

int main() {
  Device* device = CreateDevice(0);
  CommandQueue& cq = device->command_queue();
  constexpr CoreCoord core = {0, 0};

  // 64 x 512 bf16 matrices: 2 x 16 = 32 tiles each.
  constexpr uint32_t rows = 64, cols = 512;
  constexpr uint32_t num_tiles = (rows / 32) * (cols / 32);
  constexpr uint32_t tile_size = 2048;
  InterleavedBufferConfig config{device, num_tiles * tile_size, tile_size, BufferType::DRAM};
  std::shared_ptr<Buffer> a = CreateBuffer(config);
  std::shared_ptr<Buffer> b = CreateBuffer(config);
  std::shared_ptr<Buffer> c = CreateBuffer(config);

  // Double-buffered circular buffers: two groups of kEltwiseGroup tiles each.
  Program program = CreateProgram();
  for (uint8_t cb : {CBIndex::c_0, CBIndex::c_1, CBIndex::c_16}) {
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(2 * kernels::kEltwiseGroup * tile_size, {{cb, DataFormat::Float16_b}})
                             .set_page_size(cb, tile_size));
  }
  KernelHandle reader = CreateKernel(program, kernels::EltwiseReader(), core, DataMovementConfig{});
  KernelHandle compute = CreateKernel(program, kernels::EltwiseCompute(EltwiseOp::Add), core,
                                      ComputeConfig{.math_fidelity = MathFidelity::HiFi4});
  KernelHandle writer = CreateKernel(program, kernels::EltwiseWriter(), core,
                                     DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default});
  SetRuntimeArgs(program, reader, core, {a->address(), b->address(), 0, num_tiles});
  SetRuntimeArgs(program, compute, core, {num_tiles});
  SetRuntimeArgs(program, writer, core, {c->address(), 0, num_tiles});

  const std::vector<bfloat16> a_host = ToBfloat16(RandomUniform(rows * cols, 1));
  const std::vector<bfloat16> b_host = ToBfloat16(RandomUniform(rows * cols, 2));
  EnqueueWriteBuffer(cq, a, tilize<bfloat16>(a_host, rows, cols), false);
  EnqueueWriteBuffer(cq, b, tilize<bfloat16>(b_host, rows, cols), false);
  EnqueueProgram(cq, program, false);
  Finish(cq);
  std::vector<bfloat16> c_tiles;
  EnqueueReadBuffer(cq, c, c_tiles, true);
  CloseDevice(device);

  const std::vector<float> result = ToFloat(untilize<bfloat16>(c_tiles, rows, cols));
  std::vector<float> expected(rows * cols);
  for (size_t i = 0; i < expected.size(); ++i) expected[i] = a_host[i].to_float() + b_host[i].to_float();
  CompareOptions tolerance;
  tolerance.atol = 1e-2;
  tolerance.row_length = cols;
  const ComparisonReport report = Compare(result, expected, tolerance);
  std::printf("eltwise add %ux%u: %s\n", rows, cols, report.Summary().c_str());
  return report.passed ? 0 : 1;
}
