// Flow-level NoC model (noc_model.h).
#include "emulator/timing/noc_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace tilesim::emu::timing {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// A flow whose remaining bytes fall below this is done: far below one byte, far above rounding noise.
constexpr double kDoneBytes = 1e-6;
// Progressive filling never hands out a zero rate in exact arithmetic; rounding must not either.
constexpr double kMinRate = 1e-9;
constexpr uint32_t kNone = 0xFFFFFFFFu;

}  // namespace

NocModel::NocModel(NocParams params) : params_(std::move(params)) {
  grid_ = {params_.shape.noc_size_x, params_.shape.noc_size_y};
  nodes_ = grid_.size_x * grid_.size_y;
  const uint32_t links = LinkCount(grid_);
  // Layout: links, then per NoC and tile the injecting NIU, the ejecting NIU and the packet issue
  // budget of an initiator, then one DRAM channel per bank.
  capacity_.resize(links + 6 * nodes_ + params_.shape.dram_banks.size());
  usage_.resize(capacity_.size());
  for (uint32_t i = 0; i < links; ++i) capacity_[i] = params_.link_bytes_per_cycle;
  for (uint32_t noc = 0; noc < 2; ++noc) {
    for (uint32_t y = 0; y < grid_.size_y; ++y) {
      for (uint32_t x = 0; x < grid_.size_x; ++x) {
        const bool dram = params_.shape.IsDram({x, y});
        capacity_[InjectResource(noc, {x, y})] =
            dram ? params_.dram_inject_bytes_per_cycle : params_.worker_inject_bytes_per_cycle;
        capacity_[EjectResource(noc, {x, y})] =
            dram ? params_.dram_eject_bytes_per_cycle : params_.worker_eject_bytes_per_cycle;
        capacity_[IssueResource(noc, {x, y})] = 1.0;
      }
    }
  }
  for (uint32_t bank = 0; bank < params_.shape.dram_banks.size(); ++bank) {
    capacity_[links + 6 * nodes_ + bank] = params_.dram_channel_bytes_per_cycle;
  }
  user_count_.assign(capacity_.size(), 0);
  demand_.assign(capacity_.size(), 0);
  busy_since_.assign(capacity_.size(), 0);
  resource_mark_.assign(capacity_.size(), 0);
  shared_.assign(capacity_.size(), 0);
  local_index_.assign(capacity_.size(), 0);
}

uint32_t NocModel::InjectResource(uint32_t noc, NocCoord c) const {
  return LinkCount(grid_) + noc * nodes_ + c.y * grid_.size_x + c.x;
}

uint32_t NocModel::EjectResource(uint32_t noc, NocCoord c) const {
  return LinkCount(grid_) + (2 + noc) * nodes_ + c.y * grid_.size_x + c.x;
}

uint32_t NocModel::IssueResource(uint32_t noc, NocCoord c) const {
  return LinkCount(grid_) + (4 + noc) * nodes_ + c.y * grid_.size_x + c.x;
}



std::optional<uint32_t> NocModel::DramResource(NocCoord c) const {
  const std::optional<uint32_t> bank = params_.shape.DramBankAt(c);
  if (!bank) return std::nullopt;
  return LinkCount(grid_) + 6 * nodes_ + *bank;
}

void NocModel::CheckCoord(NocCoord c, const char* field) const {
  if (c.x >= grid_.size_x || c.y >= grid_.size_y) {
    throw std::invalid_argument(
        fmt::format("NoC transfer: {} ({}, {}) is outside the {}x{} NoC", field, c.x, c.y, grid_.size_x, grid_.size_y));
  }
}

double NocModel::StartLatency(const NocTransfer& t) const {
  const double hop = params_.router_hop_cycles;
  const double niu = params_.niu_latency_cycles;
  switch (t.op) {
    case NocOp::Read: {
      double latency = params_.read_overhead_cycles;
      if (!(t.initiator == t.target)) {
        // The request crosses the NoC to the target and the response crosses back, each entering and
        // leaving through an NIU.
        const uint32_t hops = UnicastHops(t.noc, t.initiator, t.target, grid_) + UnicastHops(t.noc, t.target, t.initiator, grid_);
        latency += 4 * niu + hop * hops;
      }
      if (params_.shape.IsDram(t.target)) latency += params_.dram_read_latency_cycles;
      return latency;
    }
    case NocOp::Write:
      if (t.initiator == t.target) return params_.write_overhead_cycles;
      return params_.write_overhead_cycles + 2 * niu + hop * UnicastHops(t.noc, t.initiator, t.target, grid_);
    case NocOp::MulticastWrite:
      return params_.write_overhead_cycles + 2 * niu +
             hop * MulticastRoute(t.noc, t.initiator, t.mcast_start, t.mcast_end, grid_).depth;
  }
  return 0;
}

uint32_t NocModel::GroupFor(uint32_t noc, NocCoord source, const std::vector<NocLink>& route, VcClass vc) {
  const int port = route.empty() ? -1 : static_cast<int>(route.front().axis);
  const GroupKey key{noc, source.x, source.y, port, vc};
  auto [it, inserted] = group_index_.try_emplace(key, static_cast<uint32_t>(groups_.size()));
  if (inserted) {
    Group group;
    group.limit = vc == VcClass::Response       ? params_.response_vcs
                  : vc == VcClass::UnicastWrite ? params_.unicast_write_vcs
                                                : params_.multicast_vcs;
    groups_.push_back(std::move(group));
  }
  return it->second;
}

TransferId NocModel::Submit(const NocTransfer& t) {
  if (t.noc > 1) throw std::invalid_argument(fmt::format("NoC transfer: noc must be 0 or 1, got {}", t.noc));
  if (t.bytes == 0) throw std::invalid_argument("NoC transfer: bytes must be at least 1");
  if (static_cast<double>(t.issue_cycle) < now_) {
    throw std::invalid_argument(fmt::format("NoC transfer: issued at cycle {} but the model is already at cycle {}",
                                            t.issue_cycle, now_));
  }
  CheckCoord(t.initiator, "initiator");

  NocCoord source = t.initiator;
  std::vector<NocCoord> sinks;
  std::vector<NocLink> route;
  VcClass vc = VcClass::UnicastWrite;
  if (t.op == NocOp::MulticastWrite) {
    CheckCoord(t.mcast_start, "multicast start");
    CheckCoord(t.mcast_end, "multicast end");
    MulticastTree tree = MulticastRoute(t.noc, t.initiator, t.mcast_start, t.mcast_end, grid_);
    for (NocCoord c : tree.destinations) {
      if (params_.shape.IsWorker(c)) sinks.push_back(c);  // other tile types opt out of multicast
    }
    if (sinks.empty()) {
      throw std::invalid_argument(fmt::format("NoC transfer: multicast rectangle ({}, {})-({}, {}) holds no worker tile",
                                              t.mcast_start.x, t.mcast_start.y, t.mcast_end.x, t.mcast_end.y));
    }
    route = std::move(tree.links);
    vc = VcClass::Multicast;
  } else {
    CheckCoord(t.target, "target");
    if (t.op == NocOp::Read) {
      source = t.target;
      sinks = {t.initiator};
      vc = VcClass::Response;
    } else {
      sinks = {t.target};
    }
    route = UnicastRoute(t.noc, source, sinks.front(), grid_);
  }

  std::vector<uint32_t> path{IssueResource(t.noc, t.initiator), InjectResource(t.noc, source)};
  if (t.op == NocOp::Read) {
    if (auto dram = DramResource(source)) path.push_back(*dram);
  }
  for (const NocLink& link : route) path.push_back(LinkIndex(link, grid_));
  for (NocCoord sink : sinks) {
    path.push_back(EjectResource(t.noc, sink));
    if (t.op == NocOp::Write) {
      if (auto dram = DramResource(sink)) path.push_back(*dram);
    }
  }

  const TransferId id = static_cast<TransferId>(transfers_.size());
  const double ready = static_cast<double>(t.issue_cycle) + StartLatency(t);
  const uint32_t group = GroupFor(t.noc, source, route, vc);
  const uint64_t packets = (t.bytes + params_.max_packet_bytes - 1) / params_.max_packet_bytes;
  transfers_.push_back({static_cast<uint32_t>(packets), 0.0});
  for (uint64_t p = 0; p < packets; ++p) {
    const uint64_t size = std::min(params_.max_packet_bytes, t.bytes - p * params_.max_packet_bytes);
    Flow flow;
    flow.transfer = id;
    flow.ready = ready;
    flow.bytes = static_cast<double>(size);
    flow.remaining = flow.bytes;
    flow.peak = params_.PacketThroughput(size);
    flow.group = group;
    flow.path_begin = static_cast<uint32_t>(path_resources_.size());
    flow.path_size = static_cast<uint32_t>(path.size());
    path_resources_.insert(path_resources_.end(), path.begin(), path.end());
    // Every packet costs its initiator a fixed share of issue time, so a stream of packets of one size
    // sustains the throughput curve's value for that size: the issue budget (capacity 1) is spent at
    // 1 / throughput per byte.
    path_weights_.push_back(1.0 / flow.peak);
    path_weights_.insert(path_weights_.end(), path.size() - 1, 1.0);
    pending_.emplace(ready, static_cast<uint32_t>(flows_.size()));
    flows_.push_back(std::move(flow));
  }
  return id;
}

void NocModel::StartWaiting(uint32_t g) {
  Group& group = groups_[g];
  while (group.active < group.limit && !group.waiting.empty()) {
    const uint32_t f = group.waiting.front();
    group.waiting.pop_front();
    ++group.active;
    active_.insert(std::upper_bound(active_.begin(), active_.end(), f), f);
    earliest_finish_valid_ = false;
    rates_stale_ = true;
    const Flow& flow = flows_[f];
    for (uint32_t k = 0; k < flow.path_size; ++k) {
      const uint32_t r = path_resources_[flow.path_begin + k];
      demand_[r] += path_weights_[flow.path_begin + k] * flow.peak;
      if (user_count_[r]++ == 0) busy_since_[r] = now_;
      shared_[r] = Shared(r);
    }
  }
}

void NocModel::Retire(uint32_t f) {
  const Flow& flow = flows_[f];
  rates_stale_ = true;
  for (uint32_t k = 0; k < flow.path_size; ++k) {
    const uint32_t r = path_resources_[flow.path_begin + k];
    const double weight = path_weights_[flow.path_begin + k];
    --user_count_[r];
    demand_[r] = user_count_[r] == 0 ? 0 : demand_[r] - weight * flow.peak;  // no drift once idle
    shared_[r] = Shared(r);
    usage_[r].bytes += flow.bytes * weight;
    if (user_count_[r] == 0) usage_[r].busy_cycles += now_ - busy_since_[r];
  }
}

void NocModel::AdmitReady() {
  touched_groups_.clear();
  while (!pending_.empty() && pending_.top().first <= now_) {
    const uint32_t f = pending_.top().second;
    pending_.pop();
    groups_[flows_[f].group].waiting.push_back(f);
    touched_groups_.push_back(flows_[f].group);
  }
  std::sort(touched_groups_.begin(), touched_groups_.end());
  touched_groups_.erase(std::unique(touched_groups_.begin(), touched_groups_.end()), touched_groups_.end());
  for (uint32_t g : touched_groups_) StartWaiting(g);
}

bool NocModel::Shared(uint32_t r) const {
  // One user: the resource only caps that flow's rate (folded into its cap in ComputeRates). Demand at
  // every user's peak rate within capacity: it can never limit anyone. The margin keeps add/subtract
  // rounding in demand_ from turning an exact fit into a constraint.
  return user_count_[r] > 1 && demand_[r] > capacity_[r] * (1 + 1e-9);
}

void NocModel::ComputeRates() {
  rates_stale_ = false;
  if (active_.empty()) return;
  earliest_finish_valid_ = false;
  // Every active flow is solved, in ascending id. (Only the flows coupled to a started or ended one
  // could change rate, but finding them costs more than solving the ~20 flows in flight: the coupled
  // set is nearly all of them, and walking per-resource user lists misses the cache.) Flows are coupled
  // only through resources that several of them use and that can run out of capacity (Shared); those
  // are the constraints, numbered in the order found. A resource with a single user is just a cap on
  // that user's rate.
  ++epoch_;
  const size_t flow_count = active_.size();
  solve_resources_.clear();
  capacity_left_.clear();
  open_weight_.clear();
  user_begin_.assign(1, 0);
  edges_.clear();
  edge_begin_.resize(flow_count + 1);
  flow_cap_.resize(flow_count);
  for (size_t i = 0; i < flow_count; ++i) {
    const Flow& flow = flows_[active_[i]];
    edge_begin_[i] = static_cast<uint32_t>(edges_.size());
    double cap = flow.peak;
    for (uint32_t k = 0; k < flow.path_size; ++k) {
      const uint32_t r = path_resources_[flow.path_begin + k];
      const double weight = path_weights_[flow.path_begin + k];
      if (user_count_[r] == 1) cap = std::min(cap, capacity_[r] / weight);
      if (!shared_[r]) continue;
      if (resource_mark_[r] != epoch_) {
        resource_mark_[r] = epoch_;
        local_index_[r] = static_cast<uint32_t>(solve_resources_.size());
        solve_resources_.push_back(r);
        capacity_left_.push_back(capacity_[r]);
        open_weight_.push_back(0.0);
        user_begin_.push_back(0);
      }
      const uint32_t c = local_index_[r];
      edges_.push_back({c, weight});
      open_weight_[c] += weight;
      ++user_begin_[c + 1];
    }
    flow_cap_[i] = cap;
  }
  const size_t constraint_count = solve_resources_.size();
  share_.resize(constraint_count);
  edge_begin_[flow_count] = static_cast<uint32_t>(edges_.size());
  for (size_t c = 0; c < constraint_count; ++c) user_begin_[c + 1] += user_begin_[c];
  user_list_.resize(edges_.size());
  {
    // Fill each constraint's users in flow order (ascending).
    fill_cursor_.assign(user_begin_.begin(), user_begin_.end() - 1);
    for (size_t i = 0; i < flow_count; ++i) {
      for (uint32_t e = edge_begin_[i]; e < edge_begin_[i + 1]; ++e) user_list_[fill_cursor_[edges_[e].constraint]++] = static_cast<uint32_t>(i);
    }
  }

  // Progressive filling: raise every unfrozen flow's rate together; when a constraint runs out of
  // capacity (or a flow reaches its cap), freeze the flows it limits at the current level. A flow uses
  // weight x rate of each constraint's capacity. A constraint's share (the level at which it would run
  // out) is kept up to date as flows freeze, so finding the next bottleneck is a plain minimum.
  const auto update_share = [&](uint32_t c) {
    share_[c] = open_weight_[c] <= kMinRate ? kInfinity  // no unfrozen user left (up to rounding)
                                            : std::max(capacity_left_[c], 0.0) / open_weight_[c];
  };
  for (uint32_t c = 0; c < constraint_count; ++c) update_share(c);
  frozen_.assign(flow_count, 0);
  // The unfrozen flows and the constraints that still have unfrozen users, both in ascending order
  // (which decides ties), shrunk as the filling goes.
  open_flows_.resize(flow_count);
  for (uint32_t i = 0; i < flow_count; ++i) open_flows_[i] = i;
  open_constraints_.resize(constraint_count);
  for (uint32_t c = 0; c < constraint_count; ++c) open_constraints_[c] = c;
  const auto freeze = [&](uint32_t i, double rate) {
    Flow& flow = flows_[active_[i]];
    frozen_[i] = 1;
    flow.rate = std::max(rate, kMinRate);
    for (uint32_t e = edge_begin_[i]; e < edge_begin_[i + 1]; ++e) {
      capacity_left_[edges_[e].constraint] -= flow.rate * edges_[e].weight;
      open_weight_[edges_[e].constraint] -= edges_[e].weight;
    }
    just_frozen_.push_back(i);
  };
  while (!open_flows_.empty()) {
    double level = kInfinity;
    for (uint32_t i : open_flows_) level = std::min(level, flow_cap_[i]);
    uint32_t bottleneck = kNone;
    size_t kept = 0;
    for (uint32_t c : open_constraints_) {
      if (share_[c] == kInfinity) continue;  // no unfrozen user left: it never binds again
      open_constraints_[kept++] = c;
      if (share_[c] < level) level = share_[c], bottleneck = c;
    }
    open_constraints_.resize(kept);
    just_frozen_.clear();
    if (bottleneck != kNone) {
      for (uint32_t u = user_begin_[bottleneck]; u < user_begin_[bottleneck + 1]; ++u) {
        if (!frozen_[user_list_[u]]) freeze(user_list_[u], level);
      }
    } else {
      for (uint32_t i : open_flows_) {
        if (flow_cap_[i] <= level) freeze(i, flow_cap_[i]);
      }
    }
    for (uint32_t i : just_frozen_) {
      for (uint32_t e = edge_begin_[i]; e < edge_begin_[i + 1]; ++e) update_share(edges_[e].constraint);
    }
    std::erase_if(open_flows_, [&](uint32_t i) { return frozen_[i] != 0; });
  }
}

void NocModel::Progress(double dt) {
  if (dt <= 0) return;
  for (uint32_t f : active_) {
    Flow& flow = flows_[f];
    flow.remaining -= std::min(flow.remaining, flow.rate * dt);
  }
  now_ += dt;
  earliest_finish_valid_ = false;
}

double NocModel::EarliestFinish() const {
  if (!earliest_finish_valid_) {
    earliest_finish_ = kInfinity;
    for (uint32_t f : active_) {
      if (flows_[f].rate > 0) earliest_finish_ = std::min(earliest_finish_, now_ + flows_[f].remaining / flows_[f].rate);
    }
    earliest_finish_valid_ = true;
  }
  return earliest_finish_;
}

bool NocModel::ProcessNextEvent(double limit) {
  AdmitReady();
  if (rates_stale_) ComputeRates();
  const double next = std::min(pending_.empty() ? kInfinity : pending_.top().first, EarliestFinish());
  if (next == kInfinity || next > limit) return false;
  Progress(next - now_);
  if (next > now_) {
    now_ = next;
    earliest_finish_valid_ = false;
  }

  still_active_.clear();
  touched_groups_.clear();
  for (uint32_t f : active_) {
    Flow& flow = flows_[f];
    if (flow.remaining > kDoneBytes) {
      still_active_.push_back(f);
      continue;
    }
    flow.remaining = 0;
    flow.rate = 0;
    --groups_[flow.group].active;
    touched_groups_.push_back(flow.group);
    Transfer& transfer = transfers_[flow.transfer];
    --transfer.packets_left;
    transfer.finish = std::max(transfer.finish, now_);
    // Rounding noise must not push an exact cycle count up by one.
    if (transfer.packets_left == 0) transfer.completion = static_cast<uint64_t>(std::ceil(transfer.finish - 1e-6));
    Retire(f);
  }
  if (still_active_.size() != active_.size()) {
    active_.swap(still_active_);
    earliest_finish_valid_ = false;
  }
  std::sort(touched_groups_.begin(), touched_groups_.end());
  touched_groups_.erase(std::unique(touched_groups_.begin(), touched_groups_.end()), touched_groups_.end());
  for (uint32_t g : touched_groups_) StartWaiting(g);
  return true;
}

void NocModel::AdvanceTo(double cycle) {
  while (ProcessNextEvent(cycle)) {
  }
  if (cycle > now_) {
    if (rates_stale_) ComputeRates();
    Progress(cycle - now_);
    now_ = cycle;
    earliest_finish_valid_ = false;
  }
}

std::optional<double> NocModel::NextEventCycle() const {
  // No group ever holds a waiting packet while it has a free virtual channel: AdmitReady and
  // ProcessNextEvent start waiting packets whenever they queue one or free a channel.
  double next = std::min(pending_.empty() ? kInfinity : pending_.top().first, EarliestFinish());
  if (rates_stale_ && !active_.empty()) next = std::min(next, now_);  // rates change now
  if (next == kInfinity) return std::nullopt;
  return next;
}

uint64_t NocModel::RunUntilComplete(TransferId id) {
  if (id >= transfers_.size()) throw std::invalid_argument(fmt::format("NoC model: no transfer {}", id));
  while (transfers_[id].packets_left > 0) {
    if (!ProcessNextEvent(kInfinity)) throw std::logic_error("NoC model: a transfer can never finish");
  }
  return *CompletionCycle(id);
}

uint64_t NocModel::RunToCompletion() {
  while (ProcessNextEvent(kInfinity)) {
  }
  uint64_t last = 0;
  for (TransferId id = 0; id < transfers_.size(); ++id) last = std::max(last, *CompletionCycle(id));
  return last;
}

std::vector<ResourceUsage> NocModel::UsagesNow() const {
  std::vector<ResourceUsage> usage = usage_;
  for (uint32_t r = 0; r < usage.size(); ++r) {
    if (user_count_[r] > 0) usage[r].busy_cycles += now_ - busy_since_[r];
  }
  for (uint32_t f : active_) {  // the bytes in flight
    const Flow& flow = flows_[f];
    for (uint32_t k = 0; k < flow.path_size; ++k) {
      usage[path_resources_[flow.path_begin + k]].bytes += (flow.bytes - flow.remaining) * path_weights_[flow.path_begin + k];
    }
  }
  return usage;
}

std::vector<LinkUsage> NocModel::LinkUsages() const {
  const std::vector<ResourceUsage> usage = UsagesNow();
  std::vector<LinkUsage> out;
  for (uint32_t i = 0; i < LinkCount(grid_); ++i) {
    if (usage[i].bytes > 0) out.push_back({LinkAt(i, grid_), usage[i]});
  }
  return out;
}

std::vector<ResourceUsage> NocModel::DramChannelUsages() const {
  const std::vector<ResourceUsage> usage = UsagesNow();
  const uint32_t first = LinkCount(grid_) + 6 * nodes_;
  return {usage.begin() + first, usage.begin() + first + static_cast<std::ptrdiff_t>(params_.shape.dram_banks.size())};
}

}  // namespace tilesim::emu::timing
