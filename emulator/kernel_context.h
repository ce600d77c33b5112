// A kernel context: one kernel running on one core (a RISC role), with everything its intrinsics touch.
//
// A context is bytecode + VM registers + the per-kernel state the kernel API keeps: runtime arguments,
// the compute engine's DST and math configuration, the DPRINT line being built, the NoC transactions
// issued and not yet barriered, and, while it is blocked, what it waits for. The scheduler
// (scheduler.h) decides which host thread runs it; intrinsics (kernel_api/) run on that thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/core_runtime.h"
#include "emulator/device_state.h"
#include "emulator/dst_register.h"
#include "emulator/event_log.h"
#include "emulator/emulator.h"
#include "emulator/tile_math/operand_cache.h"
#include "emulator/tile_math/tile_math.h"
#include "emulator/vm/interpreter.h"

namespace tilesim::emu {

class Scheduler;
class KernelContext;

// What every context of one running program shares.
struct ProgramState {
  explicit ProgramState(DeviceState& device_state) : device(device_state) {}

  DeviceState& device;
  std::vector<std::unique_ptr<CoreRuntime>> cores;  // one per worker core, by DeviceState::CoreIndex
  Scheduler* scheduler = nullptr;
  std::function<void(const std::string&)> dprint;  // called with dprint_mutex held
  std::mutex dprint_mutex;

  CoreRuntime& Core(uint32_t index) { return *cores[index]; }
};

// What a blocked context waits for; the condition is evaluated under its core's lock.
struct WaitReason {
  enum class Kind : uint8_t { None, CbFront, CbBack, SemaphoreEqual, SemaphoreAtLeast };
  Kind kind = Kind::None;
  uint32_t target = 0;  // CB index, or the semaphore's L1 address
  uint32_t value = 0;   // pages, or the semaphore value waited for
};
// The caller holds core.lock.
bool WaitSatisfied(const CoreRuntime& core, const WaitReason& wait);
// "cb_wait_front(cb=1, n=1)", "noc_semaphore_wait(addr=0x1000, value=1)".
std::string DescribeWaitOperation(const WaitReason& wait);
// The CB's page counts, or the semaphore's value; the caller holds core.lock.
std::string DescribeWaitState(const CoreRuntime& core, const WaitReason& wait);

// A half-open range of L1 addresses.
struct L1Range {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool Overlaps(L1Range o) const { return begin < o.end && o.begin < end; }
};

// NoC transactions of one kernel. Data moves when a transfer is issued, so barriers never wait; what is
// tracked is which L1 ranges are still "in flight" from the kernel's point of view, to catch a page
// published or freed before its barrier.
struct NocTransactions {
  uint64_t reads_issued = 0;
  uint64_t reads_landed = 0;
  uint64_t writes_issued = 0;
  uint64_t writes_landed = 0;
  uint64_t atomics_issued = 0;
  uint64_t atomics_landed = 0;
  std::vector<L1Range> unbarriered_read_dsts;   // local L1 written by reads before noc_async_read_barrier
  std::vector<L1Range> unflushed_write_srcs;    // local L1 read by writes before the write barrier / flush

  // Adds a range, merging the list when it grows long (a kernel may issue many reads per barrier).
  static void Track(std::vector<L1Range>& ranges, L1Range range);
  static bool AnyOverlap(const std::vector<L1Range>& ranges, L1Range range);
};

// The compute engine of a compute context.
struct ComputeState {
  explicit ComputeState(const ComputeSpec& spec)
      : math{spec.math_fidelity, spec.fp32_dest_acc_en, spec.math_approx_mode}, dst(spec.fp32_dest_acc_en) {}
  tile::MathConfig math;
  DstRegister dst;
  tile::Tile operand_a;  // scratch for unpacked operands
  tile::Tile operand_b;
  tile::PreparedOperandCache matmul_operands;  // matmul_tiles' prepared in0 / in1 tiles, by CB page
};

class KernelContext {
 public:
  KernelContext(ProgramState& program, CoreRuntime& core, std::shared_ptr<const ExecutableKernel> kernel,
                std::vector<uint32_t> runtime_args, std::vector<uint32_t> common_args, const ComputeSpec& compute,
                uint32_t noc_index);
  KernelContext(const KernelContext&) = delete;
  KernelContext& operator=(const KernelContext&) = delete;

  ProgramState& program() { return program_; }
  DeviceState& device() { return program_.device; }
  CoreRuntime& core() { return core_; }
  const CoreRuntime& core() const { return core_; }
  KernelRole role() const { return kernel_->binary->role; }
  const std::string& name() const { return kernel_->binary->name; }
  const ExecutableKernel& kernel() const { return *kernel_; }
  const bc::KernelBinary& binary() const { return *kernel_->binary; }
  uint32_t noc_index() const { return noc_index_; }
  const std::vector<uint32_t>& runtime_args() const { return runtime_args_; }
  const std::vector<uint32_t>& common_args() const { return common_args_; }
  ComputeState& compute();  // traps unless this is a compute kernel
  L1View l1() { return L1View{core_.l1, core_.l1_size}; }
  // "[core (1,2) reader] "
  std::string Prefix() const;

  // The configured CB `index` of this core; traps naming `op` if the index is out of range or unconfigured.
  CircularBuffer& Cb(uint32_t index, const char* op);

  // A CB, NoC, semaphore or L1-store event happened: the livelock monitor watches these counters.
  void NoteProgress() { progress_.store(progress_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  uint64_t progress() const { return progress_.load(std::memory_order_relaxed); }

  VmState vm;
  std::string dprint_line;
  NocTransactions noc;
  WaitReason wait;     // set by a blocking intrinsic; read by the scheduler under the core lock
  bool done = false;   // halted; written by the thread that ran the last slice
  // The context's event log when RunOptions::record_events is on (event_log.h), else null.
  std::vector<KernelEvent>* events = nullptr;

 private:
  ProgramState& program_;
  CoreRuntime& core_;
  std::shared_ptr<const ExecutableKernel> kernel_;
  std::vector<uint32_t> runtime_args_;
  std::vector<uint32_t> common_args_;
  uint32_t noc_index_;
  std::unique_ptr<ComputeState> compute_;
  std::atomic<uint64_t> progress_{0};
};

// Contexts of a core whose wait condition now holds, collected under the core lock and woken after it is
// released (waking takes the scheduler's queue lock).
class WakeList {
 public:
  // Removes every satisfied waiter from core.waiters; the caller holds core.lock.
  void CollectSatisfied(CoreRuntime& core);
  // Hands the collected contexts to the scheduler; call without holding any core lock.
  void WakeAll(Scheduler& scheduler);
  bool empty() const { return count_ == 0; }
  uint32_t size() const { return count_; }

 private:
  std::array<KernelContext*, 3> contexts_{};
  uint32_t count_ = 0;
};

// Runs `fn` under core.lock, then wakes whoever's condition became true. The common shape of every
// intrinsic that publishes an event (push, pop, semaphore write, NoC write into L1).
template <typename Fn>
void UpdateCoreAndWake(ProgramState& program, CoreRuntime& core, Fn&& fn) {
  WakeList wake;
  {
    std::lock_guard lock(core.lock);
    fn();
    if (core.num_waiters != 0) wake.CollectSatisfied(core);
  }
  if (!wake.empty()) wake.WakeAll(*program.scheduler);
}

}  // namespace tilesim::emu
