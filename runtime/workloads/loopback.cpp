// RunLoopback: pages copied DRAM -> L1 -> DRAM by the loopback kernel, checked bit for bit.
#include <cstring>

#include <fmt/format.h>

#include "runtime/workloads/workload_common.h"

namespace tilesim {

WorkloadResult RunLoopback(const LoopbackOptions& o) {
  if (o.page_size == 0 || o.page_size % 32 != 0) {
    throw ApiError(fmt::format("loopback: page size {} must be a positive multiple of 32 bytes", o.page_size));
  }
  if (o.size_bytes == 0 || o.size_bytes % o.page_size != 0) {
    throw ApiError(
        fmt::format("loopback: size {} must be a positive multiple of the page size {}", o.size_bytes, o.page_size));
  }
  if (o.size_bytes / o.page_size > UINT32_MAX) throw ApiError("loopback: too many pages");
  workloads::CheckGrid("loopback", o.grid_x, o.grid_y);
  DeviceOptions device_options;
  device_options.perf = o.perf;
  device_options.grid_x = o.grid_x;
  device_options.grid_y = o.grid_y;
  device_options.threads = o.threads;
  workloads::ScopedDevice device(device_options);

  const std::vector<bfloat16> data = ToBfloat16(RandomNormal(o.size_bytes / sizeof(bfloat16), o.seed));
  auto src = workloads::DramBuffer(device.get(), o.size_bytes, o.page_size);
  auto dst = workloads::DramBuffer(device.get(), o.size_bytes, o.page_size);

  const auto pages = static_cast<uint32_t>(o.size_bytes / o.page_size);
  const WorkSplit split = split_work_to_cores(device->compute_with_storage_grid_size(), pages);
  Program program = CreateProgram();
  CreateCircularBuffer(program, split.all_cores,
                       CircularBufferConfig(o.page_size, {{kernels::kCbIn0, DataFormat::Float16_b}})
                           .set_page_size(kernels::kCbIn0, o.page_size));
  KernelHandle loopback = CreateKernel(program, kernels::Loopback(), split.all_cores, DataMovementConfig{});
  uint32_t next = 0;
  for (const CoreCoord& core : corerange_to_cores(split.all_cores)) {
    const uint32_t count =
        split.core_group_1.contains(core) ? split.units_per_core_group_1 : split.units_per_core_group_2;
    SetRuntimeArgs(program, loopback, core, {src->address(), dst->address(), next, count, o.page_size});
    next += count;
  }

  CommandQueue& cq = device->command_queue();
  EnqueueWriteBuffer(cq, src, data, false);
  const double emulator_ms = workloads::TimedRun(device.get(), program);
  std::vector<bfloat16> copied;
  EnqueueReadBuffer(cq, dst, copied, true);

  WorkloadResult result;
  std::vector<bfloat16> host_copy(data.size());
  workloads::Stopwatch watch;
  std::memcpy(host_copy.data(), data.data(), data.size() * sizeof(bfloat16));
  result.reference_ms = watch.ms();
  result.reference_threads = 1;

  CompareOptions compare;
  compare.exact = true;
  std::vector<float> out = ToFloat(copied);
  result.comparison = Compare(out, ToFloat(host_copy), compare);
  result.workload = "loopback";
  result.title = fmt::format("loopback {} bytes in {}-byte pages on {}x{} Tensix cores", o.size_bytes, o.page_size,
                             o.grid_x, o.grid_y);
  result.parameters = {{"size_bytes", o.size_bytes},
                       {"page_size", o.page_size},
                       {"grid", fmt::format("{}x{}", o.grid_x, o.grid_y)},
                       {"seed", o.seed}};
  workloads::FillRunInfo(result, device.get(), emulator_ms, split.num_cores);
  if (o.keep_output) result.output = std::move(out);
  return result;
}

}  // namespace tilesim
