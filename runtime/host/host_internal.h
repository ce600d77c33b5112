// The state behind the host API's handles (Device, Buffer, Program). Private to runtime/ (and its tests):
// public headers never show emulator types.
#pragma once

#include <future>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/emulator.h"
#include "runtime/host/bank_allocator.h"
#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/host.h"

namespace tilesim {

namespace host {
// The DRAM and L1 range allocators of one device. Shared with its buffers, which free into it when they
// go, even after the device was closed.
struct DeviceMemory {
  std::mutex mutex;
  BankAllocator dram;
  BankAllocator l1;
  DeviceMemory(BankAllocator dram_allocator, BankAllocator l1_allocator)
      : dram(std::move(dram_allocator)), l1(std::move(l1_allocator)) {}
};

// "(x=1, y=2)" for messages.
std::string Describe(const CoreCoord& core);
// The logical core that is L1 bank `bank` of an interleaved L1 buffer: cores in row-major order.
CoreCoord L1BankCore(const DeviceOptions& options, uint32_t bank);
}  // namespace host

struct Device::Impl {
  int id = 0;
  DeviceOptions options;
  uint32_t threads = 1;
  std::unique_ptr<emu::Device> emulator;
  std::shared_ptr<host::DeviceMemory> memory;
  std::optional<CommandQueue> queue;
  RunStats last_run_stats;
  // With DeviceOptions::perf: the timing replay of the last program runs on its own thread while the host goes
  // on (reading results, computing references); Device::last_perf() waits for it. Same result either way.
  std::future<perf::PerfResult> pending_perf;
  std::optional<perf::PerfResult> last_perf;
};

struct Buffer::Impl {
  Device* device = nullptr;
  std::shared_ptr<host::DeviceMemory> memory;
  BufferType type = BufferType::DRAM;
  uint32_t address = 0;
  uint64_t size = 0;
  uint64_t page_size = 0;
  uint32_t num_banks = 1;
  bool allocated = false;
};

namespace host {
struct KernelEntry {
  std::string name;
  KernelRole role = KernelRole::DataMovement0;
  std::shared_ptr<const bc::KernelBinary> binary;
  std::vector<CoreCoord> cores;                             // row-major order, no duplicates
  std::map<CoreCoord, std::vector<uint32_t>> runtime_args;  // cores with SetRuntimeArgs
  std::vector<uint32_t> common_args;
  ComputeConfig compute;  // compute kernels
  uint32_t noc = 0;       // data movement kernels
};
struct CircularBufferEntry {
  std::vector<CoreCoord> cores;
  uint8_t index = 0;
  DataFormat format = DataFormat::Float16_b;
  uint32_t page_size = 0;
  uint32_t total_size = 0;
  uint32_t address = 0;
};
struct SemaphoreEntry {
  std::vector<CoreCoord> cores;
  uint32_t id = 0;
  uint32_t initial_value = 0;
};
// What each core of a program has claimed so far.
struct CoreUsage {
  uint32_t cb_top = kL1CircularBufferBase;  // end of the highest circular buffer
  uint32_t cb_indexes = 0;                  // bit i: CB index i in use
  uint32_t semaphore_ids = 0;               // bit i: semaphore id i in use
  bool has_kernel[kNumKernelRoles] = {false, false, false};
};
}  // namespace host

struct Program::Impl {
  std::vector<host::KernelEntry> kernels;
  std::vector<host::CircularBufferEntry> circular_buffers;
  std::vector<host::SemaphoreEntry> semaphores;
  std::map<CoreCoord, host::CoreUsage> cores;
};

}  // namespace tilesim
