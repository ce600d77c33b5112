// The M:N scheduler: kernel contexts multiplexed over a few host threads.
//
// A worker thread runs a context's bytecode (RunSlice) until it halts, blocks or spends its instruction
// budget. A context that spent its budget goes to the back of the ready queue, which keeps spinning
// kernels fair. A blocked context holds no thread: the worker re-checks its wait condition under its core's
// lock and, if it still does not hold, parks it in the core's waiter list; the event that satisfies the
// condition (a push, a pop, a semaphore write) moves it back to the ready queue (Wake). Because the check
// and the registration happen under the same lock the event is published under, no wake-up is lost.
//
// Cheap switches: a context woken by the running one goes to the waking thread's "run next" slot when no
// thread is idle, so a producer/consumer pair ping-pongs on one thread without touching the shared queue;
// the queue's mutex and condition variable are only for handing work to idle threads.
//
// The thread that calls Run is worker 0 and `threads - 1` helper threads join it, so a one-thread run
// starts no thread at all. A worker that finds no work spins briefly (kIdleSpin) before it sleeps: work
// handed over within that time costs no futex wake-up, which on a loaded machine can take milliseconds,
// and the last contexts of a run are not left waiting for a sleeping thread to be scheduled.
//
// The run stops at the first of: every context halted; no context ready or running while some are parked
// (deadlock); a trap; no progress event for the livelock timeout (a non-positive timeout disables the
// check). Workers look at the clock between slices and, every poll interval, one of them checks progress
// and wakes contexts parked on a semaphore that a plain L1 store set (MonitorTick); while every worker
// sleeps no context is ready or running, which is the deadlock check's business.
// The one place kernel faults (KernelTrap) are caught is WorkerLoop.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tilesim::emu {

class KernelContext;
struct ProgramState;

class Scheduler {
 public:
  // Instructions a context runs before it goes to the back of the queue, if others are waiting.
  static constexpr uint64_t kSliceBudget = 4096;
  // How long a worker without work polls the ready queue before it sleeps on the condition variable.
  static constexpr std::chrono::microseconds kIdleSpin{200};

  enum class Outcome : uint8_t { Finished, Deadlock, Livelock, Trap };
  struct Result {
    Outcome outcome = Outcome::Finished;
    KernelContext* trapped = nullptr;  // Trap: the faulting context (its vm.pc is on the faulting instruction)
    std::string trap_message;
    uint64_t context_switches = 0;
  };

  Scheduler(ProgramState& program, std::vector<KernelContext*> contexts, uint32_t threads,
            std::chrono::milliseconds livelock_timeout);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs every context until the run stops; returns why it stopped. Call once.
  Result Run();

  // `context` was parked and has just been removed from its core's waiter list by the caller.
  void Wake(KernelContext* context);

 private:
  // One per thread, on its own cache line: the slot and counter are written on every switch.
  struct alignas(64) Worker {
    KernelContext* run_next = nullptr;  // touched only by the worker's own thread
    uint64_t switches = 0;
  };
  using Clock = std::chrono::steady_clock;

  void WorkerLoop(Worker& worker);
  KernelContext* TakeNext(Worker& worker);
  // Pops the front of the ready queue, or null; the caller holds queue_mutex_.
  KernelContext* PopReadyLocked();
  // Polls for work for up to kIdleSpin; null if none came (or the run stopped).
  KernelContext* SpinForWork();
  void PushReady(KernelContext* context);
  // Re-checks the wait condition under the core lock; true if the context is now parked.
  bool Park(KernelContext* context);
  void Halted(KernelContext* context);
  // A context stopped being ready or running; detects "nobody can run".
  void Deactivated();
  // Wakes parked contexts whose condition holds although nobody signalled it (a plain L1 store, ST32,
  // to a semaphore word). Returns how many were woken. Call with recheck_mutex_ held.
  uint32_t WakeSatisfiedParked();
  void Stop(Outcome outcome, KernelContext* trapped = nullptr, std::string message = {});
  uint64_t TotalProgress() const;
  // Every poll interval one worker checks for livelock and for unsignalled semaphore stores.
  void MonitorTick();

  ProgramState& program_;
  std::vector<KernelContext*> contexts_;
  uint32_t num_threads_;
  std::chrono::milliseconds livelock_timeout_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;       // sleeping workers wait here
  std::deque<KernelContext*> ready_;       // guarded by queue_mutex_
  uint32_t sleeping_workers_ = 0;          // guarded by queue_mutex_
  std::atomic<uint32_t> idle_hint_{0};     // workers spinning or sleeping for want of work
  std::atomic<size_t> ready_hint_{0};      // ready_.size(), readable without the lock

  std::atomic<int64_t> active_{0};         // contexts ready or running
  std::atomic<int64_t> not_done_{0};       // contexts not halted
  std::atomic<uint64_t> halted_events_{0};
  std::mutex recheck_mutex_;               // serialises the "nobody can run" decision with rechecks

  std::atomic<bool> stop_{false};
  std::mutex outcome_mutex_;
  bool has_outcome_ = false;               // guarded by outcome_mutex_
  Result result_;                          // guarded by outcome_mutex_

  Clock::duration poll_interval_{};
  std::atomic<Clock::rep> next_poll_{0};   // Clock ticks; the first worker past it runs MonitorTick
  std::mutex monitor_mutex_;               // one MonitorTick at a time; guards the two below
  uint64_t last_progress_ = 0;
  Clock::time_point last_change_;
};

}  // namespace tilesim::emu
