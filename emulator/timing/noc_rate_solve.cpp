// The NoC model's rate solve (noc_model.h): max-min fair rates of the flows in flight by progressive filling,
// over a working set of the resources that can run out, checked against the rest.
#include "emulator/timing/noc_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace tilesim::emu::timing {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Progressive filling never hands out a zero rate in exact arithmetic; rounding must not either.
constexpr double kMinRate = 1e-9;
constexpr uint32_t kNone = 0xFFFFFFFFu;

}  // namespace

void NocModel::ComputeRates() {
  rates_stale_ = false;
  if (active_.empty()) return;
  earliest_finish_valid_ = false;
  for (uint32_t f : stale_caps_) {
    Flow& flow = flows_[f];
    if (!flow.cap_stale || flow.remaining <= 0) continue;  // already done, or finished since
    flow.cap = flow.peak;
    for (uint32_t k = 0; k < flow.path_size; ++k) {
      const uint32_t r = path_resources_[flow.path_begin + k];
      if (users_[r].size() == 1) flow.cap = std::min(flow.cap, capacity_[r] / flow.Weight(k));
    }
    flow.cap_stale = false;
  }
  stale_caps_.clear();
  slot_rate_.resize(slot_count_);
  slot_edges_.resize(slot_count_);
  // When the flows that started are twins of the ones that finished (same route, same packet size: the
  // next tile of a stream taking its predecessor's place), the problem is the old one with flows renamed,
  // and max-min fair rates are unique: each new flow runs at its twin's rate. A GEMM's replay skips
  // about one solve in six this way.
  const bool same_problem = TakeOverRates();
  retired_since_solve_.clear();
  started_since_solve_.clear();
  if (same_problem) {
    ++solve_counts_.takeovers;
    if (check_full_solve_) CheckAgainstFullSolve();
    return;
  }
  prev_rate_.resize(active_.size());
  for (uint32_t i = 0; i < active_.size(); ++i) prev_rate_[i] = flows_[active_[i]].rate;
  // Of the ~100 resources coupling the ~20 flows in flight of a GEMM, fewer than ten freeze flows in a
  // solve; the rest never bind. So the solve runs over a working set (hot_): the constraints that were
  // bottlenecks last time and the resources of flows started since. The max-min fair rates of that
  // relaxed problem are the answer when they also fit every other constraint (the leximin optimum of a
  // larger feasible set that lies in the smaller one is optimal there too); a constraint they overload
  // joins the working set and the solve runs again.
  ++solve_counts_.solves;
  do {
    ++solve_counts_.rounds;
    SolveWorkingSet();
  } while (AddOverloadedConstraints());
  for (uint32_t r : hot_list_) hot_[r] = 0;
  hot_list_.clear();
  for (uint32_t r : bottlenecks_) MakeHot(r);
  if (check_full_solve_) CheckAgainstFullSolve();
}

bool NocModel::TakeOverRates() {
  if (started_since_solve_.empty() || started_since_solve_.size() != retired_since_solve_.size()) return false;
  twins_.clear();
  for (uint32_t f : started_since_solve_) {  // a handful at most: pairing them up by search is cheapest
    const Flow& flow = flows_[f];
    uint32_t t = 0;
    while (t < retired_since_solve_.size() &&
           !(retired_since_solve_[t].path_begin == flow.path_begin && retired_since_solve_[t].bytes == flow.bytes &&
             std::find(twins_.begin(), twins_.end(), t) == twins_.end())) {
      ++t;
    }
    if (t == retired_since_solve_.size()) return false;
    twins_.push_back(t);
  }
  for (size_t i = 0; i < twins_.size(); ++i) flows_[started_since_solve_[i]].rate = retired_since_solve_[twins_[i]].rate;
  return true;
}

void NocModel::CheckAgainstFullSolve() {
  std::vector<double> rates;
  for (uint32_t f : active_) rates.push_back(flows_[f].rate);
  const std::vector<uint32_t> working_set = hot_list_;
  for (uint32_t r = 0; r < capacity_.size(); ++r) {
    if (shared_[r]) MakeHot(r);
  }
  SolveWorkingSet();
  for (size_t i = 0; i < active_.size(); ++i) {
    Flow& flow = flows_[active_[i]];
    if (std::abs(flow.rate - rates[i]) > 1e-9 * rates[i]) {
      throw std::logic_error(fmt::format("NoC model at cycle {}: packet {} runs at {} B/cycle (working-set solve or twin's rate) but "
                                         "{} by the full one",
                                         now_, active_[i], rates[i], flow.rate));
    }
    flow.rate = rates[i];
  }
  for (uint32_t r : hot_list_) hot_[r] = 0;
  hot_list_.clear();
  for (uint32_t r : working_set) MakeHot(r);
}

void NocModel::SolveWorkingSet() {
  // Flows are coupled only through resources that several of them use and that can run out of capacity
  // (Shared); those in the working set are the constraints. A resource with a single user is just a cap
  // on that user's rate (Flow::cap).
  solve_resources_.clear();
  capacity_left_.clear();
  open_weight_.clear();
  share_.clear();
  edges_.clear();
  bottlenecks_.clear();
  // The lowest cap among unfrozen flows, and how many unfrozen flows have it: recounted only when the
  // last of them freezes (caps are mostly the packet's peak, shared by every flow of its size).
  double min_cap = kInfinity;
  uint32_t at_min_cap = 0;
  const auto count_cap = [&](const Flow& flow) {
    if (flow.cap < min_cap) {
      min_cap = flow.cap;
      at_min_cap = 0;
    }
    at_min_cap += flow.cap == min_cap;
  };
  for (uint32_t f : active_) {
    const Flow& flow = flows_[f];
    slot_rate_[flow.slot] = -1.0;  // negative: not frozen yet
    slot_edges_[flow.slot] = kNoEdge;
    count_cap(flow);
  }
  // A constraint's share is the level at which it would run out if every unfrozen user kept rising.
  const auto share_of = [](double capacity_left, double open_weight) {
    return open_weight <= kMinRate ? kInfinity  // no unfrozen user left (up to rounding)
                                   : std::max(capacity_left, 0.0) / open_weight;
  };
  for (uint32_t r : hot_list_) {
    if (!shared_[r]) continue;
    const auto c = static_cast<uint32_t>(solve_resources_.size());
    double weights = 0;
    for (const Use& u : users_[r]) {
      weights += u.weight;
      edges_.push_back({c, slot_edges_[u.slot], u.weight});
      slot_edges_[u.slot] = static_cast<uint32_t>(edges_.size() - 1);
    }
    solve_resources_.push_back(r);
    capacity_left_.push_back(capacity_[r]);
    open_weight_.push_back(weights);
    share_.push_back(share_of(capacity_[r], weights));
  }
  const size_t constraint_count = solve_resources_.size();

  // Progressive filling: raise every unfrozen flow's rate together; when a constraint runs out of
  // capacity (or a flow reaches its cap), freeze the flows it limits at the current level. A flow uses
  // weight x rate of each constraint's capacity; freezing it takes that much from each constraint it
  // crosses and its weight out of their share, so finding the next bottleneck is a plain minimum.
  size_t unfrozen = active_.size();
  const auto freeze = [&](const Flow& flow, double rate) {
    rate = std::max(rate, kMinRate);
    slot_rate_[flow.slot] = rate;
    --unfrozen;
    if (flow.cap == min_cap && --at_min_cap == 0) {
      min_cap = kInfinity;
      for (uint32_t f : active_) {
        if (slot_rate_[flows_[f].slot] < 0) count_cap(flows_[f]);
      }
    }
    for (uint32_t e = slot_edges_[flow.slot]; e != kNoEdge; e = edges_[e].next) {
      const uint32_t c = edges_[e].constraint;
      capacity_left_[c] -= rate * edges_[e].weight;
      open_weight_[c] -= edges_[e].weight;
      share_[c] = share_of(capacity_left_[c], open_weight_[c]);
    }
  };
  while (unfrozen > 0) {
    // Ties go to the flows' caps, then to the first constraint in working-set order.
    double level = min_cap;
    uint32_t bottleneck = kNone;
    for (uint32_t c = 0; c < constraint_count; ++c) {  // branch-free: which one wins is data, not pattern
      const double share = share_[c];
      bottleneck = share < level ? c : bottleneck;
      level = std::min(share, level);
    }
    if (bottleneck != kNone) {
      bottlenecks_.push_back(solve_resources_[bottleneck]);
      for (const Use& u : users_[solve_resources_[bottleneck]]) {
        if (slot_rate_[u.slot] < 0) freeze(flows_[u.flow], level);
      }
    } else {
      for (uint32_t f : active_) {
        const Flow& flow = flows_[f];
        if (slot_rate_[flow.slot] < 0 && flow.cap <= level) freeze(flow, flow.cap);
      }
    }
  }
  for (uint32_t f : active_) flows_[f].rate = slot_rate_[flows_[f].slot];
}

bool NocModel::AddOverloadedConstraints() {
  // Before the solve every resource carried at most its capacity, and a new flow's resources are all in
  // the working set; so only a resource outside it on the path of a flow that sped up can be overloaded.
  bool added = false;
  ++check_epoch_;
  for (uint32_t i = 0; i < active_.size(); ++i) {
    const Flow& flow = flows_[active_[i]];
    if (flow.rate <= prev_rate_[i]) continue;
    for (uint32_t k = 0; k < flow.path_size; ++k) {
      const uint32_t r = path_resources_[flow.path_begin + k];
      if (hot_[r] || !shared_[r] || check_mark_[r] == check_epoch_) continue;
      check_mark_[r] = check_epoch_;
      double load = 0;
      for (const Use& u : users_[r]) load += u.weight * slot_rate_[u.slot];  // this solve's rates
      // The same margin as Shared(): a resource that ties a bottleneck must not count through rounding.
      if (load > capacity_[r] * (1 + 1e-9)) {
        MakeHot(r);
        added = true;
      }
    }
  }
  return added;
}

}  // namespace tilesim::emu::timing
