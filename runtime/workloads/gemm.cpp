// RunGemm: a bf16 GEMM over the grid, validated against Eigen's fp32 GEMM of the same bf16 inputs.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/workloads/workload_common.h"
#include "tilesim/tile.h"

namespace tilesim {

using workloads::Stopwatch;

namespace {

void CheckOptions(const GemmOptions& o) {
  if (o.M == 0 || o.N == 0 || o.K == 0) {
    throw ApiError(fmt::format("gemm: M, N and K must be at least 1 (got {}x{}x{})", o.M, o.N, o.K));
  }
  workloads::CheckGrid("gemm", o.grid_x, o.grid_y);
}

double DefaultMinPcc(MathFidelity fidelity) { return fidelity == MathFidelity::LoFi ? 0.99 : 0.999; }

// The same inputs for a given seed on every platform: uniform in [-1, 1), rounded to bf16.
std::vector<bfloat16> Operand(std::size_t count, uint64_t seed) { return ToBfloat16(RandomUniform(count, seed)); }

}  // namespace

WorkloadResult RunGemm(const GemmOptions& o) {
  CheckOptions(o);
  DeviceOptions device_options;
  device_options.perf = o.perf;
  device_options.grid_x = o.grid_x;
  device_options.grid_y = o.grid_y;
  device_options.threads = o.threads;
  if (o.l1_size != 0) device_options.l1_size = o.l1_size;
  workloads::ScopedDevice device(device_options);

  const kernels::GemmPlan plan = kernels::PlanGemm(o.M, o.N, o.K, device->compute_with_storage_grid_size(), o.fp32_dest,
                                                   device->l1_size_per_core() - kL1CircularBufferBase, o.k_block);
  const std::vector<bfloat16> a = Operand(std::size_t{o.M} * o.K, o.seed * 2 + 1);
  const std::vector<bfloat16> b = Operand(std::size_t{o.K} * o.N, o.seed * 2 + 2);

  // The reference on the same bf16 values, timed at its best of two runs (the first warms Eigen's threads).
  // It runs before the emulation so that its threads do not compete with the timing replay, which runs
  // in the background after the emulation (Device::last_perf).
  const std::vector<float> a_f = ToFloat(a);
  const std::vector<float> b_f = ToFloat(b);
  WorkloadResult result;
  std::vector<float> expected;
  result.reference_ms = 1e300;
  for (int run = 0; run < 2; ++run) {
    Stopwatch watch;
    expected = ReferenceMatmul(a_f, b_f, o.M, o.N, o.K, static_cast<int>(o.threads));
    result.reference_ms = std::min(result.reference_ms, watch.ms());
  }
  result.reference_threads = static_cast<uint32_t>(ReferenceThreads(static_cast<int>(o.threads)));

  const uint64_t tile = kernels::kBf16TileBytes;
  auto a_buffer = workloads::DramBuffer(device.get(), uint64_t{plan.Mt} * plan.Kt * tile, tile);
  auto b_buffer = workloads::DramBuffer(device.get(), uint64_t{plan.Kt} * plan.Nt * tile, tile);
  auto c_buffer = workloads::DramBuffer(device.get(), uint64_t{plan.Mt} * plan.Nt * tile, tile);

  Program program = CreateProgram();
  const CoreRange cores = plan.cores();
  auto add_cb = [&](uint8_t index, uint32_t pages, DataFormat format) {
    if (pages == 0) return;
    const uint32_t page = TileSizeBytes(format);
    CreateCircularBuffer(program, cores,
                         CircularBufferConfig(pages * page, {{index, format}}).set_page_size(index, page));
  };
  add_cb(kernels::kCbIn0, plan.in0_cb_pages, DataFormat::Float16_b);
  add_cb(kernels::kCbIn1, plan.in1_cb_pages, DataFormat::Float16_b);
  add_cb(kernels::kCbOut, plan.out_cb_pages, DataFormat::Float16_b);
  add_cb(kernels::kCbIntermediate, plan.intermediate_cb_pages, plan.intermediate_format);

  const std::vector<uint32_t> compile_args = plan.CompileArgs();
  const DataMovementConfig reader_config{DataMovementProcessor::RISCV_0, NOC::RISCV_0_default, compile_args};
  const DataMovementConfig writer_config{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default, compile_args};
  KernelHandle reader = CreateKernel(program, kernels::GemmReader(), cores, reader_config);
  KernelHandle compute =
      CreateKernel(program, kernels::GemmCompute(), cores, ComputeConfig{o.fidelity, o.fp32_dest, false, compile_args});
  KernelHandle writer = CreateKernel(program, kernels::GemmWriter(), cores, writer_config);
  for (const CoreCoord& core : corerange_to_cores(cores)) {
    const std::vector<uint32_t> args =
        plan.RuntimeArgs(core, a_buffer->address(), b_buffer->address(), c_buffer->address());
    for (KernelHandle kernel : {reader, compute, writer}) SetRuntimeArgs(program, kernel, core, args);
  }

  CommandQueue& cq = device->command_queue();
  EnqueueWriteBuffer(cq, a_buffer, tilize<bfloat16>(a, o.M, o.K), false);
  EnqueueWriteBuffer(cq, b_buffer, tilize<bfloat16>(b, o.K, o.N), false);
  const double emulator_ms = workloads::TimedRun(device.get(), program);
  std::vector<bfloat16> c_tiles;
  EnqueueReadBuffer(cq, c_buffer, c_tiles, true);
  std::vector<float> c = ToFloat(untilize<bfloat16>(c_tiles, o.M, o.N));

  CompareOptions compare;
  compare.atol = 1e-2;
  compare.rtol = 2e-2;
  compare.min_pcc = o.min_pcc.value_or(DefaultMinPcc(o.fidelity));
  compare.row_length = o.N;
  result.comparison = Compare(c, expected, compare);
  result.workload = "gemm";
  result.title = fmt::format("gemm {}x{}x{} (M x N x K, bf16, {}, {} DST) on {}x{} Tensix cores", o.M, o.N, o.K,
                             ToString(o.fidelity), o.fp32_dest ? "fp32" : "bf16", o.grid_x, o.grid_y);
  result.parameters = {{"M", o.M},
                       {"N", o.N},
                       {"K", o.K},
                       {"grid", fmt::format("{}x{}", o.grid_x, o.grid_y)},
                       {"fidelity", std::string(ToString(o.fidelity))},
                       {"fp32_dest", o.fp32_dest},
                       {"seed", o.seed},
                       {"block", fmt::format("{}x{}", plan.block_m, plan.block_n)},
                       {"subblock", fmt::format("{}x{}", plan.subblock_h, plan.subblock_w)},
                       {"k_block", plan.k_block},
                       {"num_k_blocks", plan.num_k_blocks}};
  workloads::FillRunInfo(result, device.get(), emulator_ms, plan.cores_x * plan.cores_y);
  if (o.keep_output) result.output = std::move(c);
  return result;
}

}  // namespace tilesim
