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
// The run stops at the first of: every context halted; no context ready or running while some are parked
// (deadlock); a trap; no progress event for the livelock timeout (checked by the thread that called Run;
// a non-positive timeout disables the check).
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
  struct Worker {
    KernelContext* run_next = nullptr;  // touched only by the worker's own thread
    uint64_t switches = 0;
  };

  void WorkerLoop(Worker& worker);
  KernelContext* TakeNext(Worker& worker);
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
  void Monitor();

  ProgramState& program_;
  std::vector<KernelContext*> contexts_;
  uint32_t num_threads_;
  std::chrono::milliseconds livelock_timeout_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;       // idle workers wait here
  std::deque<KernelContext*> ready_;       // guarded by queue_mutex_
  uint32_t idle_workers_ = 0;              // guarded by queue_mutex_
  std::atomic<uint32_t> idle_hint_{0};     // idle_workers_, readable without the lock
  std::atomic<size_t> ready_hint_{0};      // ready_.size(), readable without the lock

  std::atomic<int64_t> active_{0};         // contexts ready or running
  std::atomic<int64_t> not_done_{0};       // contexts not halted
  std::atomic<uint64_t> halted_events_{0};
  std::mutex recheck_mutex_;               // serialises the "nobody can run" decision with rechecks

  std::atomic<bool> stop_{false};
  std::mutex outcome_mutex_;
  std::condition_variable outcome_cv_;     // the monitor waits here
  bool has_outcome_ = false;               // guarded by outcome_mutex_
  Result result_;                          // guarded by outcome_mutex_
};

}  // namespace tilesim::emu
