// Kernel contexts, core runtimes and wait conditions (kernel_context.h, core_runtime.h).
#include "emulator/kernel_context.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "emulator/scheduler.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

// ---- CircularBuffer, CoreRuntime ----

std::string CircularBuffer::Describe() const {
  return "cb " + std::to_string(spec.index) + ": " + std::to_string(PagesReady()) + " of " +
         std::to_string(spec.num_pages) + " pages ready, " + std::to_string(PagesFree()) + " free (producer pushed " +
         std::to_string(pushed) + ", consumer popped " + std::to_string(popped) + ")";
}

const SemaphoreSpec* CoreRuntime::SemaphoreAt(uint32_t address) const {
  for (const SemaphoreSpec& s : semaphores) {
    if (s.address == address) return &s;
  }
  return nullptr;
}

uint32_t CoreRuntime::LoadWord(uint32_t address) const {
  uint32_t v;
  std::memcpy(&v, l1 + address, sizeof v);
  return v;
}

void CoreRuntime::StoreWord(uint32_t address, uint32_t value) { std::memcpy(l1 + address, &value, sizeof value); }

// ---- Wait conditions ----

bool WaitSatisfied(const CoreRuntime& core, const WaitReason& wait) {
  switch (wait.kind) {
    case WaitReason::Kind::None: return true;
    case WaitReason::Kind::CbFront: return core.cbs[wait.target].PagesReady() >= wait.value;
    case WaitReason::Kind::CbBack: return core.cbs[wait.target].PagesFree() >= wait.value;
    case WaitReason::Kind::SemaphoreEqual: return core.LoadWord(wait.target) == wait.value;
    case WaitReason::Kind::SemaphoreAtLeast: return core.LoadWord(wait.target) >= wait.value;
  }
  return true;
}

std::string DescribeWaitOperation(const WaitReason& wait) {
  const std::string target = std::to_string(wait.target);
  const std::string value = std::to_string(wait.value);
  switch (wait.kind) {
    case WaitReason::Kind::None: return "running";
    case WaitReason::Kind::CbFront: return "cb_wait_front(cb=" + target + ", n=" + value + ")";
    case WaitReason::Kind::CbBack: return "cb_reserve_back(cb=" + target + ", n=" + value + ")";
    case WaitReason::Kind::SemaphoreEqual: return "noc_semaphore_wait(addr=" + Hex(wait.target) + ", value=" + value + ")";
    case WaitReason::Kind::SemaphoreAtLeast:
      return "noc_semaphore_wait_min(addr=" + Hex(wait.target) + ", value=" + value + ")";
  }
  return "?";
}

std::string DescribeWaitState(const CoreRuntime& core, const WaitReason& wait) {
  switch (wait.kind) {
    case WaitReason::Kind::None: return "";
    case WaitReason::Kind::CbFront:
    case WaitReason::Kind::CbBack: return core.cbs[wait.target].Describe();
    case WaitReason::Kind::SemaphoreEqual:
    case WaitReason::Kind::SemaphoreAtLeast: {
      const SemaphoreSpec* sem = core.SemaphoreAt(wait.target);
      const std::string name = sem != nullptr ? "semaphore " + std::to_string(sem->id) + " (L1 " + Hex(wait.target) + ")"
                                              : "L1 word " + Hex(wait.target);
      return name + " = " + std::to_string(core.LoadWord(wait.target)) +
             (wait.kind == WaitReason::Kind::SemaphoreEqual ? ", waiting for == " : ", waiting for >= ") +
             std::to_string(wait.value);
    }
  }
  return "";
}

// ---- NoC bookkeeping ----

void NocTransactions::Track(std::vector<L1Range>& ranges, L1Range range) {
  if (range.begin == range.end) return;
  ranges.push_back(range);
  if (ranges.size() < 256) return;
  // Merge overlapping / adjacent ranges so the list stays proportional to the distinct L1 regions.
  std::sort(ranges.begin(), ranges.end(), [](L1Range a, L1Range b) { return a.begin < b.begin; });
  std::vector<L1Range> merged;
  for (L1Range r : ranges) {
    if (!merged.empty() && r.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  ranges = std::move(merged);
}

bool NocTransactions::AnyOverlap(const std::vector<L1Range>& ranges, L1Range range) {
  return std::any_of(ranges.begin(), ranges.end(), [&](L1Range r) { return r.Overlaps(range); });
}

// ---- KernelContext ----

KernelContext::KernelContext(ProgramState& program, CoreRuntime& core, std::shared_ptr<const ExecutableKernel> kernel,
                             std::vector<uint32_t> runtime_args, std::vector<uint32_t> common_args,
                             const ComputeSpec& compute, uint32_t noc_index)
    : program_(program),
      core_(core),
      kernel_(std::move(kernel)),
      runtime_args_(std::move(runtime_args)),
      common_args_(std::move(common_args)),
      noc_index_(noc_index) {
  if (kernel_->binary->role == KernelRole::Compute) compute_ = std::make_unique<ComputeState>(compute);
}

ComputeState& KernelContext::compute() {
  // The verifier rejects compute intrinsics in data movement kernels, so this is a safety net.
  if (compute_ == nullptr) throw KernelTrap("a compute intrinsic was called from a " + std::string(ToString(role())) + " kernel");
  return *compute_;
}

std::string KernelContext::Prefix() const {
  return "[core (" + std::to_string(core_.core.x) + "," + std::to_string(core_.core.y) + ") " +
         std::string(ToString(role())) + "] ";
}

CircularBuffer& KernelContext::Cb(uint32_t index, const char* op) {
  if (index >= kMaxCircularBuffers) {
    throw KernelTrap(std::string(op) + ": circular buffer index " + std::to_string(index) + " is out of range (0.." +
                     std::to_string(kMaxCircularBuffers - 1) + ")");
  }
  CircularBuffer& cb = core_.cbs[index];
  if (!cb.configured) {
    throw KernelTrap(std::string(op) + ": circular buffer " + std::to_string(index) + " is not configured on core (" +
                     std::to_string(core_.core.x) + "," + std::to_string(core_.core.y) + ") (CreateCircularBuffer)");
  }
  return cb;
}

// ---- WakeList ----

void WakeList::CollectSatisfied(CoreRuntime& core) {
  uint32_t kept = 0;
  for (uint32_t i = 0; i < core.num_waiters; ++i) {
    KernelContext* waiter = core.waiters[i];
    if (WaitSatisfied(core, waiter->wait)) {
      contexts_[count_++] = waiter;
    } else {
      core.waiters[kept++] = waiter;
    }
  }
  for (uint32_t i = kept; i < core.num_waiters; ++i) core.waiters[i] = nullptr;
  core.num_waiters = kept;
}

void WakeList::WakeAll(Scheduler& scheduler) {
  for (uint32_t i = 0; i < count_; ++i) scheduler.Wake(contexts_[i]);
  count_ = 0;
}

}  // namespace tilesim::emu
