// ReplayEventLog (timing_engine.h): the discrete-event replay of kernel event logs.
#include "emulator/timing/timing_engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <queue>
#include <string>

#include <fmt/format.h>

#include "emulator/noc_address.h"
#include "emulator/timing/compute_costs.h"
#include "emulator/timing/noc_model.h"
#include "emulator/timing/noc_params.h"

namespace tilesim::emu::timing {
namespace {

using bc::Intrinsic;
constexpr double kInf = std::numeric_limits<double>::infinity();

enum class Block : uint8_t { None, CbFront, CbBack, ReadBarrier, WriteBarrier, Semaphore, Done };

// One CB's history in model time: when the cumulative pushed / popped page counts changed.
struct CbTimeline {
  const CircularBufferSpec* spec = nullptr;
  std::vector<std::pair<uint64_t, double>> pushes;  // (pages pushed so far, cycle)
  std::vector<std::pair<uint64_t, double>> pops;
  uint64_t pushed = 0;
  uint64_t popped = 0;
  // When the count first reached `count`, if it has.
  static std::optional<double> Reached(const std::vector<std::pair<uint64_t, double>>& h, uint64_t count) {
    if (count == 0) return 0.0;
    auto it = std::lower_bound(h.begin(), h.end(), count, [](const auto& e, uint64_t c) { return e.first < c; });
    if (it == h.end()) return std::nullopt;
    return it->second;
  }
};

struct Context {
  const ContextLog* log = nullptr;
  uint32_t core = 0;  // core index
  NocCoord noc_xy;
  size_t next = 0;
  uint64_t last_instructions = 0;
  double t = 0;          // the RISC-V's clock
  double fpu_free = 0;   // compute: when the FPU finishes its queued work
  double pack_free = 0;  // compute: when the packer finishes
  double section_done[2] = {0, 0};  // compute: pack completion of the last two DST sections
  uint64_t sections = 0;
  Block block = Block::None;
  uint32_t block_cb = 0;
  uint64_t block_need = 0;        // CB: cumulative count needed; semaphore: value
  bool sem_at_least = false;
  uint32_t sem_address = 0;
  double blocked_at = 0;
  std::vector<TransferId> reads, writes;
  double barrier_last = 0;  // the latest landing among the transfers a pending barrier has seen land
  perf::KernelTiming timing;
};

struct SemUpdate {
  double cycle;
  uint64_t seq;
  uint32_t core;
  uint32_t address;
  uint32_t value;
  bool increment;
  bool operator>(const SemUpdate& o) const { return cycle != o.cycle ? cycle > o.cycle : seq > o.seq; }
};

class Engine {
 public:
  Engine(const ProgramEventLog& log, const DeviceProfile& profile, const TimingOptions& options)
      : log_(log), costs_(profile), params_(NocParamsFromProfile(profile)), noc_(params_), options_(options) {
    result_.device = profile.name();
    result_.clock_ghz = params_.shape.clock_ghz;
    result_.grid_x = log.device.grid_x;
    result_.grid_y = log.device.grid_y;
    result_.noc_x = log.device.noc_size_x;
    result_.noc_y = log.device.noc_size_y;
    for (uint32_t cy = 0; cy < log.device.grid_y; ++cy) {
      for (uint32_t cx = 0; cx < log.device.grid_x; ++cx) {
        result_.noc_tiles.push_back({log.device.worker_noc_x[cx], log.device.worker_noc_y[cy], false, cx, cy});
      }
    }
    for (const NocCoord& bank : log.device.dram_bank_noc) result_.noc_tiles.push_back({bank.x, bank.y, true, 0, 0});
    cbs_.resize(size_t{log.device.grid_x} * log.device.grid_y * 32);
    for (const CoreResources& r : log.cores) {
      const uint32_t core = CoreIndex(r.core);
      for (const CircularBufferSpec& cb : r.circular_buffers) cbs_[core * 32 + cb.index].spec = &cb;
      for (const SemaphoreSpec& s : r.semaphores) semaphores_[{core, s.address}] = s.initial_value;
    }
    contexts_.resize(log.contexts.size());
    core_contexts_.resize(size_t{log.device.grid_x} * log.device.grid_y);
    for (size_t i = 0; i < log.contexts.size(); ++i) {
      Context& c = contexts_[i];
      c.log = &log.contexts[i];
      c.core = CoreIndex(c.log->core);
      c.noc_xy = WorkerNoc(c.log->core);
      c.timing.core_x = c.log->core.x;
      c.timing.core_y = c.log->core.y;
      c.timing.role = static_cast<uint32_t>(c.log->role);
      c.timing.kernel = c.log->kernel;
      c.timing.instructions = c.log->instructions;
      core_contexts_[c.core].push_back(i);
      runnable_.push({0.0, i});
    }
  }

  perf::PerfResult Run();

 private:
  uint32_t CoreIndex(CoreCoord c) const { return c.y * log_.device.grid_x + c.x; }
  NocCoord WorkerNoc(CoreCoord c) const { return NocCoord{log_.device.worker_noc_x[c.x], log_.device.worker_noc_y[c.y]}; }
  // Calls f(core index, NoC coordinate) for every worker core inside the rectangle, row by row.
  template <class F>
  void ForEachWorkerIn(const noc::NocRect& rect, F f) const {
    for (uint32_t cy = 0; cy < log_.device.grid_y; ++cy) {
      for (uint32_t cx = 0; cx < log_.device.grid_x; ++cx) {
        const NocCoord n = WorkerNoc({cx, cy});
        if (rect.Contains(n.x, n.y)) f(cy * log_.device.grid_x + cx, n);
      }
    }
  }
  std::optional<uint32_t> CoreAtNoc(uint32_t x, uint32_t y) const {
    std::optional<uint32_t> found;
    ForEachWorkerIn(noc::MakeRect(x, y, x, y), [&](uint32_t core, NocCoord) { found = core; });
    return found;
  }
  std::string Where(const Context& c) const {
    return fmt::format("core ({},{}) {} '{}' event {}", c.log->core.x, c.log->core.y, ToString(c.log->role), c.log->kernel,
                       c.next);
  }
  CbTimeline& Cb(const Context& c, uint64_t index) {
    CbTimeline& cb = cbs_[c.core * 32 + (index & 31)];
    if (index >= 32 || cb.spec == nullptr) throw TimingError(fmt::format("{}: cb {} is not configured", Where(c), index));
    return cb;
  }
  void Stall(Context& c, perf::Activity kind, double until) {
    if (until <= c.t) return;
    c.timing.cycles[static_cast<int>(kind)] += until - c.t;
    if (options_.record_intervals) c.timing.stalls.push_back({c.t, until, kind});
    c.t = until;
  }
  void SampleCb(const Context& c, uint32_t index, const CbTimeline& cb, double cycle) {
    if (!options_.record_intervals) return;
    const CoreCoord core = c.log->core;
    result_.cb_samples.push_back({core.x, core.y, index, cycle, static_cast<uint32_t>(cb.pushed - cb.popped)});
  }

  bool Step(Context& c);  // processes one event; false when the context blocked or finished
  bool TryUnblock(Context& c);
  void Compute(Context& c, double cycles, double ideal);
  void SubmitTransfer(Context& c, const KernelEvent& e);
  void SemaphoreWrite(Context& c, const KernelEvent& e);
  void WakeCore(uint32_t core);
  void Finish(Context& c);
  void Collect();

  const ProgramEventLog& log_;
  ComputeCosts costs_;
  NocParams params_;
  NocModel noc_;
  TimingOptions options_;
  std::vector<CbTimeline> cbs_;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> semaphores_;
  std::vector<Context> contexts_;
  std::vector<std::vector<size_t>> core_contexts_;  // per core: its contexts, ascending
  std::priority_queue<std::pair<double, size_t>, std::vector<std::pair<double, size_t>>, std::greater<>> runnable_;
  std::priority_queue<SemUpdate, std::vector<SemUpdate>, std::greater<>> sem_updates_;
  uint64_t sem_seq_ = 0;
  size_t barrier_waiters_ = 0;  // contexts blocked on a NoC barrier
  std::vector<std::pair<TransferId, size_t>> transfer_owner_;  // indexed by TransferId: ids count up from 0
  std::vector<NocTransfer> transfer_specs_;
  perf::PerfResult result_;
};

void Engine::Compute(Context& c, double cycles, double ideal) {
  const double start = std::max({c.t, c.fpu_free, c.section_done[c.sections % 2]});
  c.fpu_free = start + cycles;
  c.timing.fpu_cycles += cycles;
  result_.fpu_ideal_cycles += ideal;
}

void Engine::SubmitTransfer(Context& c, const KernelEvent& e) {
  NocTransfer t;
  t.noc = c.log->noc;
  t.initiator = c.noc_xy;
  const Intrinsic op = e.op();
  const uint64_t address = op == Intrinsic::noc_async_read ? e.args[0] : e.args[1];
  t.bytes = static_cast<uint32_t>(e.args[2]);
  const noc::DecodedNocAddress d = noc::Decode(address);
  if (op == Intrinsic::noc_async_read) {
    t.op = NocOp::Read;
    t.target = NocCoord{d.x, d.y};
  } else if (op == Intrinsic::noc_async_write) {
    t.op = NocOp::Write;
    t.target = NocCoord{d.x, d.y};
  } else {
    t.op = NocOp::MulticastWrite;
    t.mcast_start = NocCoord{d.rect.x_start, d.rect.y_start};
    t.mcast_end = NocCoord{d.rect.x_end, d.rect.y_end};
    t.sender_excluded = op == Intrinsic::noc_async_write_multicast;  // the emulator's semantics too
  }
  if (t.bytes == 0) return;
  noc_.AdvanceTo(c.t);
  t.issue_cycle = static_cast<uint64_t>(std::ceil(std::max(c.t, noc_.now())));
  TransferId id = 0;
  try {
    id = noc_.Submit(t);
  } catch (const std::invalid_argument& error) {
    throw TimingError(fmt::format("{}: {}", Where(c), error.what()));
  }
  (t.op == NocOp::Read ? c.reads : c.writes).push_back(id);
  transfer_owner_.push_back({id, static_cast<size_t>(&c - contexts_.data())});
  transfer_specs_.push_back(t);
}

void Engine::SemaphoreWrite(Context& c, const KernelEvent& e) {
  const Intrinsic op = e.op();
  auto remote = [&](uint32_t core, uint32_t address, uint32_t value, bool increment, NocCoord target) {
    NocTransfer probe;
    probe.op = NocOp::Write;
    probe.noc = c.log->noc;
    probe.initiator = c.noc_xy;
    probe.target = target;
    const double arrival = c.t + noc_.StartLatency(probe);
    sem_updates_.push({arrival, sem_seq_++, core, address, value, increment});
  };
  if (op == Intrinsic::noc_semaphore_set) {
    sem_updates_.push({c.t, sem_seq_++, c.core, static_cast<uint32_t>(e.args[0]), static_cast<uint32_t>(e.args[1]), false});
    return;
  }
  if (op == Intrinsic::noc_semaphore_inc || op == Intrinsic::noc_semaphore_set_remote) {
    const bool inc = op == Intrinsic::noc_semaphore_inc;
    const noc::DecodedNocAddress d = noc::Decode(inc ? e.args[0] : e.args[1]);
    const auto core = CoreAtNoc(d.x, d.y);
    if (!core) throw TimingError(fmt::format("{}: semaphore at NoC ({},{}) is not on a worker core", Where(c), d.x, d.y));
    remote(*core, static_cast<uint32_t>(d.local), inc ? static_cast<uint32_t>(e.args[1]) : e.value, inc, {d.x, d.y});
    return;
  }
  // Multicast set: every worker in the rectangle, the sender only with loopback.
  const bool loopback = op == Intrinsic::noc_semaphore_set_multicast_loopback_src;
  const noc::DecodedNocAddress d = noc::Decode(e.args[1]);
  ForEachWorkerIn(d.rect, [&](uint32_t core, NocCoord n) {
    if (core != c.core || loopback) remote(core, static_cast<uint32_t>(d.local), e.value, false, n);
  });
}

// Re-evaluates a blocked context's condition; true (and the clock moved past the stall) if it holds.
bool Engine::TryUnblock(Context& c) {
  switch (c.block) {
    case Block::CbFront:
    case Block::CbBack: {
      CbTimeline& cb = cbs_[c.core * 32 + c.block_cb];
      const auto when = CbTimeline::Reached(c.block == Block::CbFront ? cb.pushes : cb.pops, c.block_need);
      if (!when) return false;
      Stall(c, c.block == Block::CbFront ? perf::Activity::CbFront : perf::Activity::CbBack, *when);
      break;
    }
    case Block::ReadBarrier:
    case Block::WriteBarrier: {
      // Landed transfers leave the front of the list as they are found; the first one still in flight
      // ends the check, so a long barrier costs O(1) per NoC event rather than a rescan of the list.
      std::vector<TransferId>& ids = c.block == Block::ReadBarrier ? c.reads : c.writes;
      size_t landed = 0;
      for (; landed < ids.size(); ++landed) {
        const auto done = noc_.CompletionCycle(ids[landed]);
        if (!done) break;
        c.barrier_last = std::max(c.barrier_last, static_cast<double>(*done));
      }
      ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(landed));
      if (!ids.empty()) return false;
      Stall(c, perf::Activity::NocBarrier, c.barrier_last);
      c.barrier_last = 0;
      break;
    }
    case Block::Semaphore: {
      auto it = semaphores_.find({c.core, c.sem_address});
      const uint32_t value = it == semaphores_.end() ? 0 : it->second;
      if (c.sem_at_least ? value < c.block_need : value != c.block_need) return false;
      break;  // the clock was moved to the update's cycle by the caller
    }
    default: return true;
  }
  c.block = Block::None;
  ++c.next;
  return true;
}

void Engine::WakeCore(uint32_t core) {
  for (size_t i : core_contexts_[core]) {
    Context& c = contexts_[i];
    if (c.block == Block::None || c.block == Block::Done) continue;
    if (c.block == Block::ReadBarrier || c.block == Block::WriteBarrier) continue;
    if (TryUnblock(c)) runnable_.push({c.t, i});
  }
}

bool Engine::Step(Context& c) {
  if (c.next >= c.log->events.size()) {
    c.t += static_cast<double>(c.log->instructions - c.last_instructions) * costs_.riscv().alu;
    Finish(c);
    return false;
  }
  const KernelEvent& e = c.log->events[c.next];
  // Contexts take turns, so no hardware prefetcher follows one context's log: fetch its next events now.
  if (c.next + 4 < c.log->events.size()) __builtin_prefetch(&c.log->events[c.next + 4]);
  c.t += static_cast<double>(e.instructions - c.last_instructions) * costs_.riscv().alu;
  c.last_instructions = e.instructions;
  const CbCosts& cbc = costs_.cb();
  const MathFidelity fidelity = c.log->compute.math_fidelity;
  auto unpack = [&](uint64_t cb) { return costs_.UnpackTileCycles(Cb(c, cb).spec->format); };
  const Intrinsic op = e.op();
  switch (op) {
    case Intrinsic::cb_wait_front:
    case Intrinsic::cb_reserve_back: {
      CbTimeline& cb = Cb(c, e.args[0]);
      const bool front = op == Intrinsic::cb_wait_front;
      c.t += front ? cbc.wait_front : cbc.reserve_back;
      c.block = front ? Block::CbFront : Block::CbBack;
      c.block_cb = static_cast<uint32_t>(e.args[0]);
      // Front: the producer must have pushed popped + n pages; back: the consumer must have popped
      // pushed + n - capacity.
      const int64_t need = front ? static_cast<int64_t>(cb.popped + e.args[1])
                                 : static_cast<int64_t>(cb.pushed + e.args[1]) - static_cast<int64_t>(cb.spec->num_pages);
      c.block_need = static_cast<uint64_t>(std::max<int64_t>(need, 0));
      c.blocked_at = c.t;
      return TryUnblock(c);
    }
    case Intrinsic::cb_push_back:
    case Intrinsic::cb_pop_front: {
      CbTimeline& cb = Cb(c, e.args[0]);
      const bool push = op == Intrinsic::cb_push_back;
      c.t += push ? cbc.push_back : cbc.pop_front;
      // In a compute kernel the packer thread pushes once its packs are done and the unpacker thread pops
      // once the FPU has consumed the operands; the issuing thread does not wait for either.
      double when = c.t;
      if (c.log->role == KernelRole::Compute) when = std::max(c.t, push ? c.pack_free : c.fpu_free);
      if (push) {
        cb.pushed += e.args[1];
        cb.pushes.push_back({cb.pushed, when});
      } else {
        cb.popped += e.args[1];
        cb.pops.push_back({cb.popped, when});
      }
      SampleCb(c, static_cast<uint32_t>(e.args[0]), cb, when);
      ++c.next;
      WakeCore(c.core);
      return true;
    }
    case Intrinsic::noc_async_read:
    case Intrinsic::noc_async_write:
    case Intrinsic::noc_async_write_multicast:
    case Intrinsic::noc_async_write_multicast_loopback_src:
      SubmitTransfer(c, e);
      break;
    case Intrinsic::noc_async_read_barrier:
    case Intrinsic::noc_async_write_barrier:
    case Intrinsic::noc_async_writes_flushed:
      c.block = op == Intrinsic::noc_async_read_barrier ? Block::ReadBarrier : Block::WriteBarrier;
      c.blocked_at = c.t;
      if (TryUnblock(c)) return true;
      ++barrier_waiters_;
      return false;
    case Intrinsic::noc_semaphore_wait:
    case Intrinsic::noc_semaphore_wait_min:
      c.block = Block::Semaphore;
      c.sem_address = static_cast<uint32_t>(e.args[0]);
      c.block_need = static_cast<uint32_t>(e.args[1]);
      c.sem_at_least = op == Intrinsic::noc_semaphore_wait_min;
      c.blocked_at = c.t;
      return TryUnblock(c);
    case Intrinsic::noc_semaphore_set:
    case Intrinsic::noc_semaphore_inc:
    case Intrinsic::noc_semaphore_set_remote:
    case Intrinsic::noc_semaphore_set_multicast:
    case Intrinsic::noc_semaphore_set_multicast_loopback_src:
      SemaphoreWrite(c, e);
      break;
    case Intrinsic::tile_regs_acquire:
    case Intrinsic::acquire_dst:
      break;  // Compute() waits for the section's pack two sections back
    case Intrinsic::tile_regs_release:
    case Intrinsic::release_dst:
      c.section_done[c.sections % 2] = c.pack_free;
      ++c.sections;
      break;
    case Intrinsic::matmul_tiles: {
      const double math = costs_.MatmulTileCycles(fidelity);
      Compute(c, std::max(math, unpack(e.args[0]) + unpack(e.args[1])), math);
      break;
    }
    case Intrinsic::add_tiles:
    case Intrinsic::sub_tiles:
    case Intrinsic::mul_tiles:
    // bcast.h runs the same ELWADD / ELWSUB / ELWMUL with SrcB broadcast: costed as the element-wise ops
    case Intrinsic::add_tiles_bcast_rows:
    case Intrinsic::sub_tiles_bcast_rows:
    case Intrinsic::mul_tiles_bcast_rows:
    case Intrinsic::add_tiles_bcast_cols:
    case Intrinsic::sub_tiles_bcast_cols:
    case Intrinsic::mul_tiles_bcast_cols:
    case Intrinsic::add_tiles_bcast_scalar:
    case Intrinsic::sub_tiles_bcast_scalar:
    case Intrinsic::mul_tiles_bcast_scalar: {
      const bool mul = op == Intrinsic::mul_tiles || op == Intrinsic::mul_tiles_bcast_rows ||
                       op == Intrinsic::mul_tiles_bcast_cols || op == Intrinsic::mul_tiles_bcast_scalar;
      const double math = mul ? costs_.EltwiseMulTileCycles(fidelity) : costs_.EltwiseAddTileCycles();
      Compute(c, std::max(math, unpack(e.args[0]) + unpack(e.args[1])), math);
      break;
    }
    case Intrinsic::copy_tile:
    case Intrinsic::transpose_wh_tile:  // an unpack (faces swapped) and a datacopy, like copy_tile
      Compute(c, unpack(e.args[0]), 0);
      break;
    case Intrinsic::pack_tile:
    case Intrinsic::pack_tile_out_of_order: {
      const uint64_t cb = e.args[1];  // pack_tile(idst, cb) and pack_tile_out_of_order(idst, cb, ...)
      const double start = std::max(c.fpu_free, c.pack_free);
      c.pack_free = start + costs_.PackTileCycles(Cb(c, cb).spec->format);
      break;
    }
    default: {
      const std::string_view name = bc::Info(op).name;
      if (name.size() > 5 && name.ends_with("_tile") && !name.ends_with("copy_tile")) {
        const auto sfpu = costs_.SfpuTileCycles(name.substr(0, name.size() - 5));
        if (sfpu) Compute(c, *sfpu, 0);
      }
      break;
    }
  }
  ++c.next;
  return true;
}

void Engine::Finish(Context& c) {
  c.block = Block::Done;
  c.timing.end_cycle = std::max({c.t, c.fpu_free, c.pack_free});
  for (TransferId id : c.reads) c.timing.end_cycle = std::max(c.timing.end_cycle, static_cast<double>(noc_.RunUntilComplete(id)));
}

perf::PerfResult Engine::Run() {
  for (;;) {
    const double next_ctx = runnable_.empty() ? kInf : runnable_.top().first;
    const double next_sem = sem_updates_.empty() ? kInf : sem_updates_.top().cycle;
    double next_noc = kInf;
    if (barrier_waiters_ > 0) {
      if (auto n = noc_.NextEventCycle()) next_noc = std::max(*n, noc_.now());
    }
    if (next_ctx == kInf && next_sem == kInf && next_noc == kInf) break;
    if (next_sem <= next_ctx && next_sem <= next_noc) {
      const SemUpdate u = sem_updates_.top();
      sem_updates_.pop();
      uint32_t& word = semaphores_[{u.core, u.address}];
      word = u.increment ? word + u.value : u.value;
      for (size_t i : core_contexts_[u.core]) {
        Context& c = contexts_[i];
        if (c.block != Block::Semaphore || c.sem_address != u.address) continue;
        const double before = c.t;
        if (TryUnblock(c)) {
          c.t = before;
          Stall(c, perf::Activity::Semaphore, u.cycle);
          runnable_.push({c.t, i});
        }
      }
      continue;
    }
    if (next_noc < next_ctx) {
      noc_.AdvanceTo(next_noc);
      // Only a context whose transfer landed can pass its barrier now.
      for (TransferId id : noc_.Completed()) {
        const size_t i = transfer_owner_[id].second;
        Context& c = contexts_[i];
        if (c.block != Block::ReadBarrier && c.block != Block::WriteBarrier) continue;
        if (TryUnblock(c)) {
          --barrier_waiters_;
          runnable_.push({c.t, i});
        }
      }
      noc_.ClearCompleted();
      continue;
    }
    const size_t i = runnable_.top().second;
    runnable_.pop();
    Context& c = contexts_[i];
    // Run the context while it stays the earliest, to keep the queue small.
    while (Step(c)) {
      if (!runnable_.empty() && runnable_.top().first < c.t) {
        runnable_.push({c.t, i});
        break;
      }
      if (!sem_updates_.empty() && sem_updates_.top().cycle < c.t) {
        runnable_.push({c.t, i});
        break;
      }
      if (barrier_waiters_ > 0) {
        const auto n = noc_.NextEventCycle();
        if (n && *n < c.t) {
          runnable_.push({c.t, i});
          break;
        }
      }
    }
  }
  std::string stuck;
  for (const Context& c : contexts_) {
    if (c.block == Block::Done) continue;
    static constexpr const char* kWhat[] = {"running", "cb_wait_front", "cb_reserve_back", "noc_async_read_barrier",
                                            "noc_async_write_barrier", "noc_semaphore_wait", "done"};
    stuck += fmt::format("\n  {} ({} at cycle {:.0f})", Where(c), kWhat[static_cast<int>(c.block)], c.t);
  }
  if (!stuck.empty()) throw TimingError(fmt::format("timing replay deadlocked (the logs do not fit together in model time):{}", stuck));
  Collect();
  return std::move(result_);
}

void Engine::Collect() {
  double end = static_cast<double>(noc_.RunToCompletion());
  std::vector<bool> compute_core(contexts_.size() ? log_.device.grid_x * log_.device.grid_y : 0, false);
  for (Context& c : contexts_) {
    end = std::max(end, c.timing.end_cycle);
    double stalls = 0;
    for (uint32_t k = 1; k < perf::kNumActivities; ++k) stalls += c.timing.cycles[k];
    c.timing.cycles[0] = std::max(0.0, c.timing.end_cycle - stalls);
    if (c.log->role == KernelRole::Compute) compute_core[c.core] = true;
    result_.kernels.push_back(std::move(c.timing));
  }
  result_.cycles = static_cast<uint64_t>(std::ceil(end));
  result_.microseconds = static_cast<double>(result_.cycles) / (result_.clock_ghz * 1000.0);
  result_.compute_cores = static_cast<uint32_t>(std::count(compute_core.begin(), compute_core.end(), true));
  if (result_.compute_cores != 0 && result_.cycles != 0) {
    result_.fpu_util = result_.fpu_ideal_cycles / (static_cast<double>(result_.compute_cores) * static_cast<double>(result_.cycles));
  }
  for (size_t k = 0; k < transfer_specs_.size(); ++k) {
    const NocTransfer& t = transfer_specs_[k];
    const bool dram = params_.shape.IsDram(t.target) && t.op != NocOp::MulticastWrite;
    uint64_t destinations = 1;
    if (t.op == NocOp::MulticastWrite) {
      destinations = 0;
      ForEachWorkerIn(noc::MakeRect(t.mcast_start.x, t.mcast_start.y, t.mcast_end.x, t.mcast_end.y),
                      [&](uint32_t, NocCoord n) { destinations += !(t.sender_excluded && n == t.initiator); });
    }
    if (dram) result_.dram_bytes += t.bytes;
    result_.noc_bytes += t.bytes * destinations;
    if (options_.record_intervals) {
      const Context& owner = contexts_[transfer_owner_[k].second];
      perf::NocTransferRecord r;
      r.core_x = owner.log->core.x;
      r.core_y = owner.log->core.y;
      r.role = static_cast<uint32_t>(owner.log->role);
      r.noc = t.noc;
      static const std::string kTypes[] = {"READ", "WRITE", "MULTICAST_WRITE"};
      r.type = kTypes[static_cast<int>(t.op)];
      r.src_x = t.initiator.x;
      r.src_y = t.initiator.y;
      const NocCoord dst = t.op == NocOp::MulticastWrite ? t.mcast_start : t.target;
      r.dst_x = dst.x;
      r.dst_y = dst.y;
      r.mcast_end_x = t.mcast_end.x;
      r.mcast_end_y = t.mcast_end.y;
      r.bytes = t.bytes;
      r.issue_cycle = static_cast<double>(t.issue_cycle);
      r.done_cycle = static_cast<double>(noc_.CompletionCycle(transfer_owner_[k].first).value_or(0));
      result_.transfers.push_back(std::move(r));
    }
  }
  const double ns = result_.microseconds * 1000.0;
  if (ns > 0) {
    result_.dram_gbps = static_cast<double>(result_.dram_bytes) / ns;
    result_.noc_gbps = static_cast<double>(result_.noc_bytes) / ns;
  }
  for (const LinkUsage& l : noc_.LinkUsages()) {
    perf::LinkLoad load;
    load.noc = l.link.noc;
    load.x = l.link.x;
    load.y = l.link.y;
    // NoC 0 runs right (east) and down (south), NoC 1 left and up (noc_routing.h).
    const bool x_axis = l.link.axis == NocAxis::X;
    load.direction.push_back(l.link.noc == 0 ? (x_axis ? 'E' : 'S') : (x_axis ? 'W' : 'N'));
    load.bytes = l.usage.bytes;
    load.busy_cycles = l.usage.busy_cycles;
    load.utilisation = result_.cycles ? l.usage.bytes / (params_.link_bytes_per_cycle * static_cast<double>(result_.cycles)) : 0;
    result_.links.push_back(load);
  }
  std::stable_sort(result_.links.begin(), result_.links.end(), [](const auto& a, const auto& b) { return a.bytes > b.bytes; });
}

}  // namespace

perf::PerfResult ReplayEventLog(const ProgramEventLog& log, const DeviceProfile& profile, const TimingOptions& options) {
  Engine engine(log, profile, options);
  return engine.Run();
}

}  // namespace tilesim::emu::timing
