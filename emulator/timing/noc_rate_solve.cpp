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
  flow_local_.resize(flows_.size());
  prev_rate_.resize(active_.size());
  for (uint32_t i = 0; i < active_.size(); ++i) {
    flow_local_[active_[i]] = i;
    prev_rate_[i] = flows_[active_[i]].rate;
  }
  // Of the ~100 resources coupling the ~20 flows in flight of a GEMM, fewer than ten freeze flows in a
  // solve; the rest never bind. So the solve runs over a working set (hot_): the constraints that were
  // bottlenecks last time and the resources of flows started since. The max-min fair rates of that
  // relaxed problem are the answer when they also fit every other constraint (the leximin optimum of a
  // larger feasible set that lies in the smaller one is optimal there too); a constraint they overload
  // joins the working set and the solve runs again.
  do {
    SolveWorkingSet();
  } while (AddOverloadedConstraints());
  for (uint32_t r : hot_list_) hot_[r] = 0;
  hot_list_.clear();
  for (uint32_t r : bottlenecks_) MakeHot(r);
  if (check_full_solve_) CheckAgainstFullSolve();
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
      throw std::logic_error(fmt::format("NoC model at cycle {}: packet {} runs at {} B/cycle by the working-set solve but "
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
  const size_t flow_count = active_.size();
  solve_resources_.clear();
  capacity_left_.clear();
  open_weight_.clear();
  bottlenecks_.clear();
  user_begin_.clear();
  user_list_.clear();
  user_weight_.clear();
  edge_begin_.assign(flow_count + 1, 0);
  for (uint32_t r : hot_list_) {
    if (!shared_[r]) continue;
    solve_resources_.push_back(r);
    user_begin_.push_back(static_cast<uint32_t>(user_list_.size()));
    double weights = 0;
    for (const Use& u : users_[r]) {
      const uint32_t i = flow_local_[u.flow];
      user_list_.push_back(i);
      user_weight_.push_back(u.weight);
      weights += u.weight;
      ++edge_begin_[i + 1];
    }
    capacity_left_.push_back(capacity_[r]);
    open_weight_.push_back(weights);
  }
  user_begin_.push_back(static_cast<uint32_t>(user_list_.size()));
  const size_t constraint_count = solve_resources_.size();
  // Each flow's constraint uses, for freezing it.
  for (size_t i = 0; i < flow_count; ++i) edge_begin_[i + 1] += edge_begin_[i];
  edges_.resize(user_list_.size());
  fill_cursor_.assign(edge_begin_.begin(), edge_begin_.end() - 1);
  for (uint32_t c = 0; c < constraint_count; ++c) {
    for (uint32_t u = user_begin_[c]; u < user_begin_[c + 1]; ++u) edges_[fill_cursor_[user_list_[u]]++] = {c, user_weight_[u]};
  }
  share_.resize(constraint_count);
  flow_cap_.resize(flow_count);
  flow_rate_.assign(flow_count, -1.0);  // negative: not frozen yet
  for (uint32_t i = 0; i < flow_count; ++i) flow_cap_[i] = flows_[active_[i]].cap;
  open_cap_ = flow_cap_;  // per flow: its cap while unfrozen, infinity after

  // Progressive filling: raise every unfrozen flow's rate together; when a constraint runs out of
  // capacity (or a flow reaches its cap), freeze the flows it limits at the current level. A flow uses
  // weight x rate of each constraint's capacity. A constraint's share (the level at which it would run
  // out) is kept up to date as flows freeze, so finding the next bottleneck is a plain minimum.
  const auto update_share = [&](uint32_t c) {
    share_[c] = open_weight_[c] <= kMinRate ? kInfinity  // no unfrozen user left (up to rounding)
                                            : std::max(capacity_left_[c], 0.0) / open_weight_[c];
  };
  for (uint32_t c = 0; c < constraint_count; ++c) update_share(c);
  // The constraints that still have unfrozen users, in working-set order (which decides ties), shrunk
  // as the filling goes.
  open_constraints_.resize(constraint_count);
  for (uint32_t c = 0; c < constraint_count; ++c) open_constraints_[c] = c;
  size_t unfrozen = flow_count;
  const auto freeze = [&](uint32_t i, double rate) {
    flow_rate_[i] = std::max(rate, kMinRate);
    open_cap_[i] = kInfinity;
    --unfrozen;
    for (uint32_t e = edge_begin_[i]; e < edge_begin_[i + 1]; ++e) {
      capacity_left_[edges_[e].constraint] -= flow_rate_[i] * edges_[e].weight;
      open_weight_[edges_[e].constraint] -= edges_[e].weight;
    }
    just_frozen_.push_back(i);
  };
  while (unfrozen > 0) {
    double level = kInfinity;
    for (uint32_t i = 0; i < flow_count; ++i) level = std::min(level, open_cap_[i]);
    uint32_t bottleneck = kNone;
    size_t kept = 0;
    for (uint32_t c : open_constraints_) {
      const double share = share_[c];
      open_constraints_[kept] = c;
      kept += share != kInfinity;  // no unfrozen user left: it never binds again
      bottleneck = share < level ? c : bottleneck;
      level = std::min(share, level);
    }
    open_constraints_.resize(kept);
    just_frozen_.clear();
    if (bottleneck != kNone) {
      bottlenecks_.push_back(solve_resources_[bottleneck]);
      for (uint32_t u = user_begin_[bottleneck]; u < user_begin_[bottleneck + 1]; ++u) {
        if (flow_rate_[user_list_[u]] < 0) freeze(user_list_[u], level);
      }
    } else {
      for (uint32_t i = 0; i < flow_count; ++i) {
        if (open_cap_[i] <= level) freeze(i, flow_cap_[i]);
      }
    }
    for (uint32_t i : just_frozen_) {
      for (uint32_t e = edge_begin_[i]; e < edge_begin_[i + 1]; ++e) update_share(edges_[e].constraint);
    }
  }
  for (uint32_t i = 0; i < flow_count; ++i) flows_[active_[i]].rate = flow_rate_[i];
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
      for (const Use& u : users_[r]) load += u.weight * flows_[u.flow].rate;
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
