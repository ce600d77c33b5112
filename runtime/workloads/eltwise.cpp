// RunEltwise: C = A op B on bf16 tiles spread over the grid, validated against Eigen in fp32.
#include <fmt/format.h>

#include "runtime/workloads/workload_common.h"
#include "tilesim/tile.h"

namespace tilesim {

namespace {

// Per core, tiles [start, start + count) of the tile-layout matrices.
struct CoreWork {
  CoreCoord core;
  uint32_t start = 0;
  uint32_t count = 0;
};

std::vector<CoreWork> SplitTiles(CoreCoord grid, uint32_t tiles) {
  const WorkSplit split = split_work_to_cores(grid, tiles);
  std::vector<CoreWork> work;
  uint32_t next = 0;
  for (const CoreCoord& core : corerange_to_cores(split.all_cores)) {
    const uint32_t count =
        split.core_group_1.contains(core) ? split.units_per_core_group_1 : split.units_per_core_group_2;
    work.push_back({core, next, count});
    next += count;
  }
  return work;
}

}  // namespace

WorkloadResult RunEltwise(const EltwiseOptions& o) {
  const std::string name = fmt::format("eltwise_{}", ToString(o.op));
  if (o.rows == 0 || o.cols == 0) {
    throw ApiError(fmt::format("{}: rows and cols must be at least 1 (got {}x{})", name, o.rows, o.cols));
  }
  workloads::CheckGrid(name.c_str(), o.grid_x, o.grid_y);
  DeviceOptions device_options;
  device_options.perf = o.perf;
  device_options.grid_x = o.grid_x;
  device_options.grid_y = o.grid_y;
  device_options.threads = o.threads;
  workloads::ScopedDevice device(device_options);

  const size_t elements = size_t{o.rows} * o.cols;
  const std::vector<bfloat16> a = ToBfloat16(RandomUniform(elements, o.seed * 2 + 1));
  const std::vector<bfloat16> b = ToBfloat16(RandomUniform(elements, o.seed * 2 + 2));
  const uint32_t tiles = TilesAlong(o.rows) * TilesAlong(o.cols);
  const uint64_t tile = kernels::kBf16TileBytes;
  auto a_buffer = workloads::DramBuffer(device.get(), tiles * tile, tile);
  auto b_buffer = workloads::DramBuffer(device.get(), tiles * tile, tile);
  auto c_buffer = workloads::DramBuffer(device.get(), tiles * tile, tile);

  const std::vector<CoreWork> work = SplitTiles(device->compute_with_storage_grid_size(), tiles);
  std::vector<CoreRange> ranges;
  for (const CoreWork& w : work) ranges.emplace_back(w.core);
  const CoreRangeSet cores(std::move(ranges));

  Program program = CreateProgram();
  const uint32_t cb_bytes = 2 * kernels::kEltwiseGroup * static_cast<uint32_t>(tile);
  for (uint8_t index : {kernels::kCbIn0, kernels::kCbIn1, kernels::kCbOut}) {
    CreateCircularBuffer(program, cores,
                         CircularBufferConfig(cb_bytes, {{index, DataFormat::Float16_b}}).set_page_size(index, tile));
  }
  KernelHandle reader = CreateKernel(program, kernels::EltwiseReader(), cores, DataMovementConfig{});
  KernelHandle compute = CreateKernel(program, kernels::EltwiseCompute(o.op), cores, ComputeConfig{o.fidelity});
  KernelHandle writer = CreateKernel(program, kernels::EltwiseWriter(), cores,
                                     DataMovementConfig{DataMovementProcessor::RISCV_1, NOC::RISCV_1_default});
  for (const CoreWork& w : work) {
    SetRuntimeArgs(program, reader, w.core, {a_buffer->address(), b_buffer->address(), w.start, w.count});
    SetRuntimeArgs(program, compute, w.core, {w.count});
    SetRuntimeArgs(program, writer, w.core, {c_buffer->address(), w.start, w.count});
  }

  CommandQueue& cq = device->command_queue();
  EnqueueWriteBuffer(cq, a_buffer, tilize<bfloat16>(a, o.rows, o.cols), false);
  EnqueueWriteBuffer(cq, b_buffer, tilize<bfloat16>(b, o.rows, o.cols), false);
  const double emulator_ms = workloads::TimedRun(device.get(), program);
  std::vector<bfloat16> c_tiles;
  EnqueueReadBuffer(cq, c_buffer, c_tiles, true);
  std::vector<float> c = ToFloat(untilize<bfloat16>(c_tiles, o.rows, o.cols));

  WorkloadResult result;
  const std::vector<float> a_f = ToFloat(a);
  const std::vector<float> b_f = ToFloat(b);
  workloads::Stopwatch watch;
  const std::vector<float> expected = ReferenceEltwise(o.op, a_f, b_f);
  result.reference_ms = watch.ms();
  result.reference_threads = 1;

  CompareOptions compare;
  compare.atol = o.atol;
  compare.rtol = o.rtol;
  compare.row_length = o.cols;
  result.comparison = Compare(c, expected, compare);
  result.workload = name;
  result.title = fmt::format("{} {}x{} (bf16, {}) on {}x{} Tensix cores", name, o.rows, o.cols, ToString(o.fidelity),
                             o.grid_x, o.grid_y);
  result.parameters = {{"rows", o.rows},
                       {"cols", o.cols},
                       {"grid", fmt::format("{}x{}", o.grid_x, o.grid_y)},
                       {"fidelity", std::string(ToString(o.fidelity))},
                       {"seed", o.seed}};
  workloads::FillRunInfo(result, device.get(), emulator_ms, static_cast<uint32_t>(work.size()));
  if (o.keep_output) result.output = std::move(c);
  return result;
}

}  // namespace tilesim
