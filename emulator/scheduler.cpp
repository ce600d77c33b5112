// The M:N scheduler (scheduler.h).
#include "emulator/scheduler.h"

#include <algorithm>
#include <system_error>

#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/vm/interpreter.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

// The worker the current thread is, so that Wake can use its run-next slot.
thread_local void* tls_worker = nullptr;
thread_local const Scheduler* tls_scheduler = nullptr;

// Tells the core this is a spin-wait loop (frees pipeline resources, saves power).
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

Scheduler::Scheduler(ProgramState& program, std::vector<KernelContext*> contexts, uint32_t threads,
                     std::chrono::milliseconds livelock_timeout)
    : program_(program),
      contexts_(std::move(contexts)),
      num_threads_(std::max<uint32_t>(1, threads)),
      livelock_timeout_(livelock_timeout) {}

Scheduler::~Scheduler() = default;

Scheduler::Result Scheduler::Run() {
  if (contexts_.empty()) return result_;
  const auto n = static_cast<int64_t>(contexts_.size());
  active_.store(n);
  not_done_.store(n);
  ready_.assign(contexts_.begin(), contexts_.end());
  ready_hint_.store(ready_.size());

  // Poll often enough to stop a livelock close to its timeout, and to catch unsignalled semaphore stores.
  poll_interval_ = std::clamp<std::chrono::milliseconds>(livelock_timeout_ / 4, std::chrono::milliseconds(1),
                                                         std::chrono::milliseconds(20));
  last_progress_ = TotalProgress();
  last_change_ = Clock::now();
  next_poll_.store((last_change_ + poll_interval_).time_since_epoch().count());

  const uint32_t threads = std::min<uint32_t>(num_threads_, static_cast<uint32_t>(contexts_.size()));
  std::vector<Worker> workers(threads);
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (uint32_t i = 1; i < threads; ++i) {
    try {
      helpers.emplace_back([this, &workers, i] { WorkerLoop(workers[i]); });
    } catch (const std::system_error&) {
      break;  // the system has no thread to spare: run on those there are (results do not depend on it)
    }
  }
  WorkerLoop(workers[0]);
  for (std::thread& t : helpers) t.join();

  std::lock_guard lock(outcome_mutex_);
  for (const Worker& w : workers) result_.context_switches += w.switches;
  return result_;
}

void Scheduler::WorkerLoop(Worker& worker) {
  tls_worker = &worker;
  tls_scheduler = this;
  KernelContext* current = nullptr;
  const KernelContext* last = nullptr;
  while (!stop_.load(std::memory_order_acquire)) {
    MonitorTick();
    if (current == nullptr) {
      current = TakeNext(worker);
      if (current == nullptr) break;
    }
    if (current != last) {
      ++worker.switches;
      last = current;
    }
    SliceEnd end;
    try {
      end = RunSlice(current->kernel(), current->vm, current, current->l1(), kSliceBudget);
    } catch (const KernelTrap& trap) {
      Stop(Outcome::Trap, current, trap.what());
      break;
    } catch (const std::exception& error) {
      // Not a kernel fault but a failure inside the emulator (e.g. out of memory): still stop cleanly.
      Stop(Outcome::Trap, current, std::string("internal emulator error: ") + error.what());
      break;
    }
    switch (end) {
      case SliceEnd::Halted:
        Halted(current);
        current = nullptr;
        break;
      case SliceEnd::OutOfBudget:
        if (worker.run_next != nullptr || ready_hint_.load(std::memory_order_relaxed) > 0) {
          PushReady(current);
          current = nullptr;
        }
        break;
      case SliceEnd::Blocked:
        if (Park(current)) {
          current = nullptr;
          Deactivated();
        }
        break;
    }
  }
  tls_worker = nullptr;
  tls_scheduler = nullptr;
}

KernelContext* Scheduler::TakeNext(Worker& worker) {
  if (worker.run_next != nullptr) {
    KernelContext* next = worker.run_next;
    worker.run_next = nullptr;
    return next;
  }
  {
    std::lock_guard lock(queue_mutex_);
    if (KernelContext* next = PopReadyLocked()) return next;
  }
  if (stop_.load(std::memory_order_acquire)) return nullptr;
  // Idle from here until work is found: Wake hands woken contexts to the queue, not to its own slot.
  idle_hint_.fetch_add(1, std::memory_order_relaxed);
  KernelContext* next = SpinForWork();
  if (next == nullptr) {
    std::unique_lock lock(queue_mutex_);
    while (!stop_.load(std::memory_order_acquire) && (next = PopReadyLocked()) == nullptr) {
      ++sleeping_workers_;
      queue_cv_.wait(lock);
      --sleeping_workers_;
    }
  }
  idle_hint_.fetch_sub(1, std::memory_order_relaxed);
  return next;
}

KernelContext* Scheduler::PopReadyLocked() {
  if (ready_.empty()) return nullptr;
  KernelContext* next = ready_.front();
  ready_.pop_front();
  ready_hint_.store(ready_.size(), std::memory_order_relaxed);
  return next;
}

KernelContext* Scheduler::SpinForWork() {
  const auto give_up = Clock::now() + kIdleSpin;
  for (uint32_t polls = 1;; ++polls) {
    if (stop_.load(std::memory_order_acquire)) return nullptr;
    if (ready_hint_.load(std::memory_order_relaxed) > 0) {
      std::lock_guard lock(queue_mutex_);
      if (KernelContext* next = PopReadyLocked()) return next;
    }
    CpuRelax();
    if (polls % 64 == 0) {
      if (Clock::now() >= give_up) return nullptr;
      MonitorTick();
    }
  }
}

void Scheduler::PushReady(KernelContext* context) {
  bool notify;
  {
    std::lock_guard lock(queue_mutex_);
    ready_.push_back(context);
    ready_hint_.store(ready_.size(), std::memory_order_relaxed);
    notify = sleeping_workers_ > 0;  // a spinning worker sees ready_hint_ by itself
  }
  if (notify) queue_cv_.notify_one();
}

void Scheduler::Wake(KernelContext* context) {
  active_.fetch_add(1, std::memory_order_acq_rel);
  if (tls_scheduler == this) {
    auto* worker = static_cast<Worker*>(tls_worker);
    if (worker->run_next == nullptr && idle_hint_.load(std::memory_order_relaxed) == 0) {
      worker->run_next = context;
      return;
    }
  }
  PushReady(context);
}

bool Scheduler::Park(KernelContext* context) {
  CoreRuntime& core = context->core();
  std::lock_guard lock(core.lock);
  if (WaitSatisfied(core, context->wait)) return false;  // the event came between the check and now
  core.waiters[core.num_waiters++] = context;             // at most one per role, so never more than 3
  return true;
}

void Scheduler::Halted(KernelContext* context) {
  FlushDprint(*context);
  context->done = true;
  halted_events_.fetch_add(1, std::memory_order_relaxed);
  if (not_done_.fetch_sub(1, std::memory_order_acq_rel) == 1) Stop(Outcome::Finished);
  Deactivated();
}

void Scheduler::Deactivated() {
  if (active_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (not_done_.load(std::memory_order_acquire) == 0) return;
  // Nobody is ready or running. Only a running context or a recheck can wake one, and rechecks hold
  // recheck_mutex_, so under it "still nobody active" is stable.
  std::lock_guard lock(recheck_mutex_);
  if (active_.load(std::memory_order_acquire) != 0 || stop_.load(std::memory_order_acquire)) return;
  if (WakeSatisfiedParked() > 0) return;
  Stop(Outcome::Deadlock);
}

uint32_t Scheduler::WakeSatisfiedParked() {
  uint32_t woken = 0;
  for (auto& core : program_.cores) {
    WakeList wake;
    {
      std::lock_guard lock(core->lock);
      if (core->num_waiters == 0) continue;
      wake.CollectSatisfied(*core);
    }
    woken += wake.size();
    wake.WakeAll(*this);
  }
  return woken;
}

void Scheduler::Stop(Outcome outcome, KernelContext* trapped, std::string message) {
  {
    std::lock_guard lock(outcome_mutex_);
    if (!has_outcome_) {
      has_outcome_ = true;
      result_.outcome = outcome;
      result_.trapped = trapped;
      result_.trap_message = std::move(message);
    }
  }
  stop_.store(true, std::memory_order_release);
  { std::lock_guard lock(queue_mutex_); }  // a worker about to wait either saw stop_ or is waiting now
  queue_cv_.notify_all();
}

uint64_t Scheduler::TotalProgress() const {
  uint64_t total = halted_events_.load(std::memory_order_relaxed);
  for (const KernelContext* c : contexts_) total += c->progress();
  return total;
}

void Scheduler::MonitorTick() {
  const Clock::rep due = next_poll_.load(std::memory_order_relaxed);
  if (Clock::now().time_since_epoch().count() < due) return;
  std::unique_lock lock(monitor_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another worker is on it
  const auto now = Clock::now();
  if (now.time_since_epoch().count() < next_poll_.load(std::memory_order_relaxed)) return;  // it just was
  next_poll_.store((now + poll_interval_).time_since_epoch().count(), std::memory_order_relaxed);
  const uint64_t progress = TotalProgress();
  if (progress != last_progress_) {
    last_progress_ = progress;
    last_change_ = now;
  } else if (livelock_timeout_.count() > 0 && now - last_change_ >= livelock_timeout_) {
    Stop(Outcome::Livelock);
    return;
  }
  if (!stop_.load(std::memory_order_acquire)) {
    // A semaphore set by a plain store (no intrinsic) wakes nobody; catch it here.
    std::lock_guard recheck(recheck_mutex_);
    WakeSatisfiedParked();
  }
}

}  // namespace tilesim::emu
