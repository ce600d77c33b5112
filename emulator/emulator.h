// The emulator's one entry point for the runtime: a Device (memories) and Run(program) on it.
//
// The runtime decides every address (buffers, circular buffers, semaphores) and hands the emulator a
// ProgramSpec that says which verified kernel runs on which cores with which arguments. The emulator
// never includes compiler headers: kernels arrive as bytecode.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/data_format.h"
#include "tilesim/kernel_role.h"

namespace tilesim::emu {

struct CoreCoord {
  uint32_t x = 0;  // column
  uint32_t y = 0;  // row
  friend bool operator==(CoreCoord, CoreCoord) = default;
};
struct NocCoord {
  uint32_t x = 0;
  uint32_t y = 0;
  friend bool operator==(NocCoord, NocCoord) = default;
};

// Shape and memories of a device. Defaults describe a Wormhole B0 n150 with tt-metal's 8x8 compute grid.
struct DeviceConfig {
  std::string name = "wormhole_b0";
  uint32_t grid_x = 8;                  // worker columns
  uint32_t grid_y = 8;                  // worker rows
  uint32_t l1_size = 1499136;           // bytes of L1 per worker core (1464 KiB)
  uint32_t num_dram_banks = 12;
  uint64_t dram_bank_size = 1ull << 30; // bytes per DRAM bank; backed lazily, only touched pages cost memory
  uint32_t noc_size_x = 10;             // the NoC grid, including DRAM and other tiles
  uint32_t noc_size_y = 12;
  std::vector<uint32_t> worker_noc_x;   // NoC x of each worker column (size grid_x); empty = defaults
  std::vector<uint32_t> worker_noc_y;   // NoC y of each worker row (size grid_y); empty = defaults
  std::vector<NocCoord> dram_bank_noc;  // NoC coordinate of each DRAM bank; empty = defaults
};
// Fills the empty coordinate tables with the Wormhole layout (or a simple layout for other grid sizes),
// and checks the config; throws std::invalid_argument naming the bad field.
DeviceConfig Finalize(DeviceConfig config);

class DeviceState;  // L1s, DRAM banks: emulator/device_state.h
struct ProgramEventLog;  // emulator/event_log.h

// A device's memories, which persist across programs, like the chip's.
class Device {
 public:
  explicit Device(DeviceConfig config);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  const DeviceConfig& config() const;
  NocCoord WorkerNoc(CoreCoord core) const;   // logical worker -> NoC coordinate
  NocCoord DramBankNoc(uint32_t bank) const;

  // Host access (between programs). Throw std::out_of_range naming the bank/core and range.
  void WriteDram(uint32_t bank, uint64_t offset, std::span<const uint8_t> bytes);
  void ReadDram(uint32_t bank, uint64_t offset, std::span<uint8_t> bytes) const;
  void WriteL1(CoreCoord core, uint32_t address, std::span<const uint8_t> bytes);
  void ReadL1(CoreCoord core, uint32_t address, std::span<uint8_t> bytes) const;

  DeviceState& state();

 private:
  std::unique_ptr<DeviceState> state_;
};

struct CircularBufferSpec {
  uint32_t index = 0;       // 0..31 (tt::CBIndex::c_N)
  uint32_t address = 0;     // L1 address of the first page
  uint32_t page_size = 0;   // bytes
  uint32_t num_pages = 0;   // total size = page_size * num_pages
  DataFormat format = DataFormat::Float16_b;
};
struct SemaphoreSpec {
  uint32_t id = 0;          // get_semaphore(id)
  uint32_t address = 0;     // L1 address of the 32-bit word
  uint32_t initial_value = 0;
};
// What one core has besides its kernels: CBs and semaphores. Checked for overlap and bounds by Run.
struct CoreResources {
  CoreCoord core;
  std::vector<CircularBufferSpec> circular_buffers;
  std::vector<SemaphoreSpec> semaphores;
};

struct ComputeSpec {
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  bool fp32_dest_acc_en = false;  // DST holds fp32 (8 tiles) instead of bf16 (16 tiles)
  bool math_approx_mode = false;
};

struct KernelSpec {
  std::shared_ptr<const bc::KernelBinary> binary;   // must pass bc::Verify
  std::vector<CoreCoord> cores;
  std::vector<std::vector<uint32_t>> runtime_args;  // parallel to cores; may be shorter (no args)
  std::vector<uint32_t> common_runtime_args;
  ComputeSpec compute;                              // for compute kernels
  uint32_t noc = 0;                                 // NoC index of data movement kernels (0 or 1)
};

struct ProgramSpec {
  std::vector<KernelSpec> kernels;
  std::vector<CoreResources> cores;
};

struct RunOptions {
  uint32_t threads = 0;  // host threads; 0 = std::thread::hardware_concurrency()
  // A run in which no kernel makes progress (no CB, NoC, semaphore or L1 store activity) for this long
  // while some kernel still runs is stopped as a livelock (e.g. spinning on a flag nobody sets).
  // Zero or negative turns livelock detection off.
  std::chrono::milliseconds livelock_timeout{2000};
  // Receives each DPRINT line, prefixed with the core and kernel; default prints to stderr.
  std::function<void(const std::string&)> dprint;
  // Record every context's event log for the timing engine (event_log.h); results are the same bits.
  bool record_events = false;
};

enum class RunStatus { Ok, Deadlock, Livelock, Trap, InvalidProgram };
std::string_view ToString(RunStatus status);

// One kernel context that had not finished when the run stopped.
struct BlockedContext {
  CoreCoord core;
  KernelRole role;
  std::string kernel;     // kernel name
  std::string operation;  // e.g. "cb_wait_front(cb=1, n=1)"
  std::string location;   // file:line:col of the blocking call
  std::string state;      // e.g. "cb 1: 0 of 2 pages ready (producer pushed 0, consumer popped 0)"
};

struct RunStats {
  uint64_t instructions = 0;  // bytecode instructions executed, all contexts
  uint64_t context_switches = 0;
  double wall_ms = 0;
};

struct RunResult {
  RunStatus status = RunStatus::Ok;
  std::string message;                   // the full human-readable report when status != Ok
  std::vector<BlockedContext> blocked;   // for Deadlock / Livelock
  RunStats stats;
  std::shared_ptr<const ProgramEventLog> events;  // with RunOptions::record_events (event_log.h)
  bool ok() const { return status == RunStatus::Ok; }
};

// Runs every kernel of `program` to completion on `device`. Never hangs: deadlocks (no context can run)
// are reported at once, livelocks after RunOptions::livelock_timeout. Results are bit-identical for any
// thread count.
RunResult Run(Device& device, const ProgramSpec& program, const RunOptions& options = {});

}  // namespace tilesim::emu
