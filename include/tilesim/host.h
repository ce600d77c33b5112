// The host API: devices, buffers, programs, kernels, circular buffers, semaphores, runtime arguments and
// the command queue, named and behaving like TT-Metalium's single-device API.
//
//   Device* device = CreateDevice(0);
//   CommandQueue& cq = device->command_queue();
//   auto src = CreateBuffer(InterleavedBufferConfig{device, n_tiles * 2048, 2048, BufferType::DRAM});
//   Program program = CreateProgram();
//   CreateCircularBuffer(program, core, CircularBufferConfig(2 * 2048, {{CBIndex::c_0, DataFormat::Float16_b}})
//                                           .set_page_size(CBIndex::c_0, 2048));
//   KernelHandle reader = CreateKernel(program, reader_kernel, core, DataMovementConfig{});
//   SetRuntimeArgs(program, reader, core, {src->address(), n_tiles});
//   EnqueueWriteBuffer(cq, src, host_data, false);
//   EnqueueProgram(cq, program, false);
//   Finish(cq);
//   EnqueueReadBuffer(cq, dst, result, true);
//   CloseDevice(device);
//
// Commands run in order as they are enqueued (the emulator is the device), so `blocking` never changes
// what the host observes. API misuse throws ApiError naming the call and the bad value; a program that
// fails on the device (deadlock, trap, livelock, invalid program) throws RunError with the full report.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "tilesim/data_format.h"
#include "tilesim/kernel_ir.h"
#include "tilesim/perf.h"

namespace tilesim {

// ---- Errors ----

// A host API call was asked for something it cannot do (bad size, core outside the grid, unknown kernel...).
class ApiError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};
// A DRAM bank or L1 has no room for a buffer or the program's circular buffers.
class AllocationError : public ApiError {
 public:
  using ApiError::ApiError;
};

enum class RunFailure { Deadlock, Livelock, Trap, InvalidProgram };
std::string_view ToString(RunFailure failure);  // "deadlock", "livelock", "trap", "invalid program"

// A program that did not run to completion. what() is the emulator's full report (every blocked kernel,
// or the trapping kernel with its source location).
class RunError : public std::runtime_error {
 public:
  RunError(RunFailure failure, const std::string& report);
  RunFailure failure() const { return failure_; }

 private:
  RunFailure failure_;
};

// ---- Cores ----

// A logical worker core: x is the column, y the row of the compute grid.
struct CoreCoord {
  std::size_t x = 0;
  std::size_t y = 0;
  std::string str() const;  // "(x=1, y=2)"
  friend bool operator==(const CoreCoord&, const CoreCoord&) = default;
  friend auto operator<=>(const CoreCoord& a, const CoreCoord& b) {
    return a.y != b.y ? a.y <=> b.y : a.x <=> b.x;  // row-major order
  }
};

// An inclusive rectangle of cores, start_coord..end_coord.
struct CoreRange {
  CoreCoord start_coord;
  CoreCoord end_coord;
  CoreRange(CoreCoord core) : start_coord(core), end_coord(core) {}  // NOLINT: a single core
  CoreRange(CoreCoord start, CoreCoord end);                         // throws ApiError if end is left of or above start
  std::size_t size() const { return (end_coord.x - start_coord.x + 1) * (end_coord.y - start_coord.y + 1); }
  CoreCoord grid_size() const { return {end_coord.x - start_coord.x + 1, end_coord.y - start_coord.y + 1}; }
  bool contains(const CoreCoord& core) const;
  bool intersects(const CoreRange& other) const;
  std::string str() const;  // "[(x=0, y=0) - (x=3, y=1)]"
  friend bool operator==(const CoreRange&, const CoreRange&) = default;
};

// A set of non-overlapping core ranges. Converts implicitly from one core or one range, so every call
// taking a CoreRangeSet also takes a CoreCoord or a CoreRange, as in TT-Metalium.
class CoreRangeSet {
 public:
  CoreRangeSet() = default;
  CoreRangeSet(const CoreCoord& core) : ranges_{CoreRange(core)} {}  // NOLINT
  CoreRangeSet(const CoreRange& range) : ranges_{range} {}           // NOLINT
  explicit CoreRangeSet(std::vector<CoreRange> ranges);              // throws ApiError if two ranges overlap

  const std::vector<CoreRange>& ranges() const { return ranges_; }
  std::size_t num_cores() const;
  bool empty() const { return ranges_.empty(); }
  bool contains(const CoreCoord& core) const;
  CoreRange bounding_box() const;                       // throws ApiError on an empty set
  CoreRangeSet merge(const CoreRangeSet& other) const;  // union; throws ApiError if they overlap
  std::string str() const;

 private:
  std::vector<CoreRange> ranges_;
};

// The cores of `set` in row-major order (or column-major if !row_wise), at most `max_cores` of them.
std::vector<CoreCoord> corerange_to_cores(const CoreRangeSet& set, std::optional<std::size_t> max_cores = {},
                                          bool row_wise = true);

// How `units` items of work spread over a grid, as tt-metal's split_work_to_cores: the first
// `core_group_1` cores take units_per_core_group_1 items each, the rest (core_group_2) one fewer.
struct WorkSplit {
  uint32_t num_cores = 0;
  CoreRangeSet all_cores;
  CoreRangeSet core_group_1;
  CoreRangeSet core_group_2;
  uint32_t units_per_core_group_1 = 0;
  uint32_t units_per_core_group_2 = 0;
};
WorkSplit split_work_to_cores(CoreCoord grid_size, uint32_t units, bool row_wise = true);

// ---- Device ----

struct DeviceOptions {
  uint32_t grid_x = 8;                               // worker columns
  uint32_t grid_y = 8;                               // worker rows
  uint32_t threads = 0;                              // host threads that run programs; 0 = every host core
  uint32_t l1_size = 1499136;                        // bytes of L1 per core (Wormhole: 1464 KiB)
  uint32_t num_dram_banks = 12;                      // Wormhole n150: 12 DRAM channels
  uint64_t dram_bank_size = 1ull << 30;              // bytes per bank (at most 4 GiB: addresses are 32-bit)
  std::chrono::milliseconds livelock_timeout{2000};  // see emulator RunOptions
  std::function<void(const std::string&)> dprint;    // receives DPRINT lines; empty = stderr
  std::optional<perf::PerfOptions> perf;             // time every program (Device::last_perf, tilesim/perf.h)
};

// L1 layout of every core: semaphores, then circular buffers from kL1CircularBufferBase upwards, then L1
// buffers allocated from the top of L1 downwards. The bottom (firmware and mailboxes on the chip) is
// kept free so that addresses look like the hardware's.
inline constexpr uint32_t kL1SemaphoreBase = 0x8000;
inline constexpr uint32_t kL1SemaphoreStride = 16;
inline constexpr uint32_t kMaxSemaphores = 16;
inline constexpr uint32_t kL1CircularBufferBase = 0x10000;
inline constexpr uint32_t kMaxCircularBuffers = 32;
inline constexpr uint32_t kDramBase = 0x400;      // first allocatable DRAM address in each bank
inline constexpr uint32_t kBufferAlignment = 32;  // buffer and circular buffer addresses

// Counters of the last program run (EnqueueProgram).
struct RunStats {
  uint64_t instructions = 0;      // bytecode instructions executed, all kernels
  uint64_t context_switches = 0;  // kernel contexts suspended and resumed
  double wall_ms = 0;             // wall time of the emulated run
  uint32_t threads = 0;           // host threads used
};

class CommandQueue;
class Device {
 public:
  struct Impl;
  explicit Device(std::unique_ptr<Impl> impl);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  int id() const;
  CoreCoord compute_with_storage_grid_size() const;
  uint32_t num_dram_channels() const;
  uint32_t l1_size_per_core() const;
  uint64_t dram_size_per_channel() const;
  uint32_t threads() const;                                                 // host threads programs run on
  CoreCoord worker_core_from_logical_core(const CoreCoord& logical) const;  // its NoC coordinate
  CommandQueue& command_queue(std::size_t cq_id = 0);                       // only queue 0 exists
  const RunStats& last_run_stats() const;
  // The timing of the last program when DeviceOptions::perf is set, else null. The timing replay runs in the
  // background after EnqueueProgram returns (so the host can read results meanwhile); this waits for it.
  const perf::PerfResult* last_perf() const;
  const DeviceOptions& options() const;

  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};
using IDevice = Device;  // tt-metal's spelling

// Opens device `device_id` (any id not already open). Throws ApiError on bad options.
Device* CreateDevice(int device_id, const DeviceOptions& options = {});
// Closes a device from CreateDevice; false if `device` is not an open device. Buffers still held keep
// their memory until released, but must not be used with a closed device.
bool CloseDevice(Device* device);

// ---- Buffers ----

enum class BufferType { DRAM, L1 };

struct InterleavedBufferConfig {
  Device* device = nullptr;
  uint64_t size = 0;       // bytes; a multiple of page_size
  uint64_t page_size = 0;  // bytes
  BufferType buffer_type = BufferType::DRAM;
};

// An interleaved buffer: page i lives in bank (i % num_banks) at address() + (i / num_banks) * page_size.
// DRAM buffers use the DRAM banks; L1 buffers use every worker core's L1 as a bank, cores in row-major
// order. The memory is released when the last shared_ptr goes (or by DeallocateBuffer).
class Buffer {
 public:
  struct Impl;
  explicit Buffer(std::unique_ptr<Impl> impl);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  uint32_t address() const;
  uint64_t size() const;
  uint64_t page_size() const;
  uint64_t num_pages() const;
  uint32_t num_banks() const;
  BufferType buffer_type() const;
  bool is_allocated() const;
  Device* device() const;

  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Throws ApiError on a bad config, AllocationError when no bank range is free.
std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config);
void DeallocateBuffer(Buffer& buffer);

// ---- Programs ----

using KernelHandle = uint32_t;
using CBHandle = uint32_t;

class Program {
 public:
  struct Impl;
  Program();
  ~Program();
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;

  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};
Program CreateProgram();

enum class DataMovementProcessor { RISCV_0, RISCV_1 };  // BRISC, NCRISC
enum class NOC : uint8_t { RISCV_0_default = 0, RISCV_1_default = 1, NOC_0 = 0, NOC_1 = 1 };

struct DataMovementConfig {
  DataMovementProcessor processor = DataMovementProcessor::RISCV_0;
  NOC noc = NOC::RISCV_0_default;
  std::vector<uint32_t> compile_args;  // get_compile_time_arg_val(i)
};
struct ComputeConfig {
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  bool fp32_dest_acc_en = false;
  bool math_approx_mode = false;
  std::vector<uint32_t> compile_args;
};
using KernelConfig = std::variant<DataMovementConfig, ComputeConfig>;

// Lowers `kernel` to bytecode with the config's compile args (compiler::LowerToBytecode) and places it on
// `cores`. A data movement config runs it on BRISC (RISCV_0) or NCRISC (RISCV_1) whatever role the kernel
// was built for; a compute kernel needs a ComputeConfig. Throws ApiError on a role/config mismatch, a core
// that already runs a kernel on that processor, or a compile error (the message has file:line:col).
KernelHandle CreateKernel(Program& program, const kir::Kernel& kernel, const CoreRangeSet& cores,
                          const KernelConfig& config);
// As above from a compiled bytecode file (.tsb, bc::SaveToFile). Compile args must be empty: they were
// substituted when the file was compiled.
KernelHandle CreateKernel(Program& program, const std::string& bytecode_path, const CoreRangeSet& cores,
                          const KernelConfig& config);

// Circular buffer indexes, as tt::CBIndex.
enum CBIndex : uint8_t {
  c_0,
  c_1,
  c_2,
  c_3,
  c_4,
  c_5,
  c_6,
  c_7,
  c_8,
  c_9,
  c_10,
  c_11,
  c_12,
  c_13,
  c_14,
  c_15,
  c_16,
  c_17,
  c_18,
  c_19,
  c_20,
  c_21,
  c_22,
  c_23,
  c_24,
  c_25,
  c_26,
  c_27,
  c_28,
  c_29,
  c_30,
  c_31,
};

// One circular buffer of `total_size` bytes for the index in `data_format_spec`, with a page size per index.
class CircularBufferConfig {
 public:
  CircularBufferConfig(uint32_t total_size, const std::map<uint8_t, DataFormat>& data_format_spec);
  CircularBufferConfig& set_page_size(uint8_t buffer_index, uint32_t page_size);
  CircularBufferConfig& set_total_size(uint32_t total_size);

  uint32_t total_size() const { return total_size_; }
  const std::map<uint8_t, DataFormat>& data_formats() const { return data_formats_; }
  const std::map<uint8_t, uint32_t>& page_sizes() const { return page_sizes_; }

 private:
  uint32_t total_size_;
  std::map<uint8_t, DataFormat> data_formats_;
  std::map<uint8_t, uint32_t> page_sizes_;
};

// Places the circular buffer on every core of `cores`. Addresses are assigned in L1 from
// kL1CircularBufferBase upwards, 32-byte aligned, the same address on every core of the set (above every
// CB already on any of them). Throws ApiError if the config is incomplete (no page size, size not a
// multiple of it, more than one index: aliased indexes are not supported) or the index is already used on
// one of the cores. Whether it fits in L1 is checked by EnqueueProgram, which knows the device.
CBHandle CreateCircularBuffer(Program& program, const CoreRangeSet& cores, const CircularBufferConfig& config);
// The L1 address CreateCircularBuffer assigned.
uint32_t GetCircularBufferAddress(const Program& program, CBHandle cb);

// A 32-bit semaphore on every core of `cores`, set to `initial_value` before each run. Returns its id
// (get_semaphore(id)): the lowest id free on all of those cores. Throws ApiError after kMaxSemaphores.
uint32_t CreateSemaphore(Program& program, const CoreRangeSet& cores, uint32_t initial_value);

// Per-core runtime arguments (get_arg_val). Throws ApiError if the kernel does not run on a core.
void SetRuntimeArgs(Program& program, KernelHandle kernel, const CoreCoord& core, const std::vector<uint32_t>& args);
void SetRuntimeArgs(Program& program, KernelHandle kernel, const CoreRange& cores, const std::vector<uint32_t>& args);
void SetRuntimeArgs(Program& program, KernelHandle kernel, const CoreRangeSet& cores,
                    const std::vector<uint32_t>& args);
// One argument list per core, in the order given.
void SetRuntimeArgs(Program& program, KernelHandle kernel, const std::vector<CoreCoord>& cores,
                    const std::vector<std::vector<uint32_t>>& args);
std::vector<uint32_t>& GetRuntimeArgs(Program& program, KernelHandle kernel, const CoreCoord& core);
// Arguments shared by every core of the kernel (get_common_arg_val).
void SetCommonRuntimeArgs(Program& program, KernelHandle kernel, const std::vector<uint32_t>& args);
std::vector<uint32_t>& GetCommonRuntimeArgs(Program& program, KernelHandle kernel);

// ---- Command queue ----

class CommandQueue {
 public:
  explicit CommandQueue(Device& device) : device_(&device) {}
  Device& device() const { return *device_; }

 private:
  Device* device_;
};

// Writes buffer.size() bytes from `src` into the buffer's pages across its banks.
void EnqueueWriteBuffer(CommandQueue& cq, Buffer& buffer, const void* src, bool blocking);
// Reads buffer.size() bytes into `dst`.
void EnqueueReadBuffer(CommandQueue& cq, Buffer& buffer, void* dst, bool blocking);
// Runs the program to completion. Throws RunError if it fails, ApiError/AllocationError if it does not
// fit the device (cores outside the grid, circular buffers beyond L1 or over an L1 buffer).
void EnqueueProgram(CommandQueue& cq, Program& program, bool blocking);
// Waits for every enqueued command (they have all completed already; kept for the API's shape).
void Finish(CommandQueue& cq);

inline void EnqueueWriteBuffer(CommandQueue& cq, const std::shared_ptr<Buffer>& buffer, const void* src,
                               bool blocking) {
  EnqueueWriteBuffer(cq, *buffer, src, blocking);
}
inline void EnqueueReadBuffer(CommandQueue& cq, const std::shared_ptr<Buffer>& buffer, void* dst, bool blocking) {
  EnqueueReadBuffer(cq, *buffer, dst, blocking);
}
// Vector forms: the vector must hold exactly buffer.size() bytes (write); it is resized to them (read).
void CheckHostTransferSize(const Buffer& buffer, uint64_t host_bytes, const char* call);
template <typename T>
void EnqueueWriteBuffer(CommandQueue& cq, const std::shared_ptr<Buffer>& buffer, const std::vector<T>& src,
                        bool blocking) {
  CheckHostTransferSize(*buffer, src.size() * sizeof(T), "EnqueueWriteBuffer");
  EnqueueWriteBuffer(cq, *buffer, static_cast<const void*>(src.data()), blocking);
}
template <typename T>
void EnqueueReadBuffer(CommandQueue& cq, const std::shared_ptr<Buffer>& buffer, std::vector<T>& dst, bool blocking) {
  CheckHostTransferSize(*buffer, (buffer->size() / sizeof(T)) * sizeof(T), "EnqueueReadBuffer");
  dst.resize(buffer->size() / sizeof(T));
  EnqueueReadBuffer(cq, *buffer, static_cast<void*>(dst.data()), blocking);
}

// ---- Host data helpers ----

// Seeded pseudo-random values, identical on every platform and standard library (splitmix64, not
// std::*_distribution). Uniform in [low, high); "normal" is the Irwin-Hall sum of 12 uniforms, an
// approximation of N(mean, stddev^2) bounded by +-6 stddev, computed with exact additions only.
std::vector<float> RandomUniform(std::size_t count, uint64_t seed, float low = -1.0f, float high = 1.0f);
std::vector<float> RandomNormal(std::size_t count, uint64_t seed, float mean = 0.0f, float stddev = 1.0f);

std::vector<bfloat16> ToBfloat16(std::span<const float> values);  // round to nearest even
std::vector<float> ToFloat(std::span<const bfloat16> values);

}  // namespace tilesim
