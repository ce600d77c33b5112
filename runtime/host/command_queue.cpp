// The command queue: buffer transfers in the interleaved page layout, and program runs on the emulator.
#include <algorithm>
#include <future>
#include <set>

#include <fmt/format.h>

#include "runtime/host/host_internal.h"
#include "runtime/perf/perf_internal.h"

namespace tilesim {

namespace {

emu::CoreCoord ToEmu(const CoreCoord& core) {
  return emu::CoreCoord{static_cast<uint32_t>(core.x), static_cast<uint32_t>(core.y)};
}

void CheckSameDevice(CommandQueue& cq, Buffer& buffer, const char* call) {
  if (!buffer.is_allocated()) throw ApiError(fmt::format("{}: the buffer has been deallocated", call));
  if (buffer.device() != &cq.device()) {
    throw ApiError(fmt::format("{}: the buffer belongs to device {}, the queue to device {}", call,
                               buffer.device()->id(), cq.device().id()));
  }
}

// Calls fn(bank, bank_offset, host_offset, bytes) for every page of the buffer: page i is in bank
// i % banks at address + (i / banks) * page_size.
template <typename Fn>
void ForEachPage(const Buffer& buffer, Fn&& fn) {
  const uint64_t pages = buffer.num_pages();
  const uint32_t banks = buffer.num_banks();
  for (uint64_t page = 0; page < pages; ++page) {
    fn(static_cast<uint32_t>(page % banks), buffer.address() + (page / banks) * buffer.page_size(),
       page * buffer.page_size(), buffer.page_size());
  }
}

}  // namespace

void CheckHostTransferSize(const Buffer& buffer, uint64_t host_bytes, const char* call) {
  if (host_bytes != buffer.size()) {
    throw ApiError(
        fmt::format("{}: the host vector holds {} bytes but the buffer is {} bytes", call, host_bytes, buffer.size()));
  }
}

void EnqueueWriteBuffer(CommandQueue& cq, Buffer& buffer, const void* src, bool /*blocking*/) {
  CheckSameDevice(cq, buffer, "EnqueueWriteBuffer");
  if (src == nullptr) throw ApiError("EnqueueWriteBuffer: source pointer is null");
  Device::Impl& device = cq.device().impl();
  const auto* bytes = static_cast<const uint8_t*>(src);
  ForEachPage(buffer, [&](uint32_t bank, uint64_t offset, uint64_t host_offset, uint64_t size) {
    std::span<const uint8_t> page(bytes + host_offset, size);
    if (buffer.buffer_type() == BufferType::DRAM) {
      device.emulator->WriteDram(bank, offset, page);
    } else {
      device.emulator->WriteL1(ToEmu(host::L1BankCore(device.options, bank)), static_cast<uint32_t>(offset), page);
    }
  });
}

void EnqueueReadBuffer(CommandQueue& cq, Buffer& buffer, void* dst, bool /*blocking*/) {
  CheckSameDevice(cq, buffer, "EnqueueReadBuffer");
  if (dst == nullptr) throw ApiError("EnqueueReadBuffer: destination pointer is null");
  Device::Impl& device = cq.device().impl();
  auto* bytes = static_cast<uint8_t*>(dst);
  ForEachPage(buffer, [&](uint32_t bank, uint64_t offset, uint64_t host_offset, uint64_t size) {
    std::span<uint8_t> page(bytes + host_offset, size);
    if (buffer.buffer_type() == BufferType::DRAM) {
      device.emulator->ReadDram(bank, offset, page);
    } else {
      device.emulator->ReadL1(ToEmu(host::L1BankCore(device.options, bank)), static_cast<uint32_t>(offset), page);
    }
  });
}

namespace {

// Everything about the program that depends on the device: cores inside the grid, circular buffers inside
// L1 and below the L1 buffers.
void CheckFitsDevice(const Program::Impl& program, Device::Impl& device) {
  const DeviceOptions& o = device.options;
  uint64_t l1_buffers_begin = 0;
  {
    std::lock_guard lock(device.memory->mutex);
    l1_buffers_begin = device.memory->l1.lowest_allocated();
  }
  for (const auto& [core, usage] : program.cores) {
    if (core.x >= o.grid_x || core.y >= o.grid_y) {
      throw ApiError(fmt::format("EnqueueProgram: the program uses core {}, outside the device's {}x{} grid",
                                 core.str(), o.grid_x, o.grid_y));
    }
    if (usage.cb_top > o.l1_size) {
      throw AllocationError(fmt::format(
          "EnqueueProgram: circular buffers on core {} end at 0x{:x}, beyond L1 (size 0x{:x}; CBs start at 0x{:x})",
          core.str(), usage.cb_top, o.l1_size, kL1CircularBufferBase));
    }
    if (usage.cb_top > l1_buffers_begin) {
      throw AllocationError(fmt::format(
          "EnqueueProgram: circular buffers on core {} end at 0x{:x}, overlapping the L1 buffers that start at 0x{:x}",
          core.str(), usage.cb_top, l1_buffers_begin));
    }
  }
}

emu::ProgramSpec BuildSpec(const Program::Impl& program) {
  emu::ProgramSpec spec;
  for (const host::KernelEntry& kernel : program.kernels) {
    emu::KernelSpec k;
    k.binary = kernel.binary;
    k.common_runtime_args = kernel.common_args;
    k.noc = kernel.noc;
    k.compute.math_fidelity = kernel.compute.math_fidelity;
    k.compute.fp32_dest_acc_en = kernel.compute.fp32_dest_acc_en;
    k.compute.math_approx_mode = kernel.compute.math_approx_mode;
    for (const CoreCoord& core : kernel.cores) {
      k.cores.push_back(ToEmu(core));
      auto args = kernel.runtime_args.find(core);
      k.runtime_args.push_back(args != kernel.runtime_args.end() ? args->second : std::vector<uint32_t>{});
    }
    spec.kernels.push_back(std::move(k));
  }
  std::map<CoreCoord, emu::CoreResources> resources;
  auto at = [&](const CoreCoord& core) -> emu::CoreResources& {
    emu::CoreResources& r = resources[core];
    r.core = ToEmu(core);
    return r;
  };
  for (const host::CircularBufferEntry& cb : program.circular_buffers) {
    for (const CoreCoord& core : cb.cores) {
      at(core).circular_buffers.push_back(
          emu::CircularBufferSpec{cb.index, cb.address, cb.page_size, cb.total_size / cb.page_size, cb.format});
    }
  }
  for (const host::SemaphoreEntry& sem : program.semaphores) {
    for (const CoreCoord& core : sem.cores) {
      at(core).semaphores.push_back(
          emu::SemaphoreSpec{sem.id, kL1SemaphoreBase + sem.id * kL1SemaphoreStride, sem.initial_value});
    }
  }
  for (auto& [core, r] : resources) spec.cores.push_back(std::move(r));
  return spec;
}

RunFailure FailureOf(emu::RunStatus status) {
  switch (status) {
    case emu::RunStatus::Deadlock:
      return RunFailure::Deadlock;
    case emu::RunStatus::Livelock:
      return RunFailure::Livelock;
    case emu::RunStatus::Trap:
      return RunFailure::Trap;
    default:
      return RunFailure::InvalidProgram;
  }
}

}  // namespace

void EnqueueProgram(CommandQueue& cq, Program& program, bool /*blocking*/) {
  Device::Impl& device = cq.device().impl();
  CheckFitsDevice(program.impl(), device);
  const emu::ProgramSpec spec = BuildSpec(program.impl());
  emu::RunOptions options;
  options.threads = device.threads;
  options.livelock_timeout = device.options.livelock_timeout;
  options.dprint = device.options.dprint;
  options.record_events = device.options.perf.has_value();
  if (device.pending_perf.valid()) device.pending_perf.wait();  // the previous program's replay
  device.pending_perf = {};
  const emu::RunResult result = emu::Run(*device.emulator, spec, options);
  device.last_perf.reset();
  device.last_run_stats =
      RunStats{result.stats.instructions, result.stats.context_switches, result.stats.wall_ms, device.threads};
  if (!result.ok()) throw RunError(FailureOf(result.status), result.message);
  if (result.events) {
    device.pending_perf = std::async(std::launch::async, [events = result.events, options = *device.options.perf] {
      return perf::TimeEventLog(*events, options);
    });
  }
}

void Finish(CommandQueue& /*cq*/) {}

}  // namespace tilesim
