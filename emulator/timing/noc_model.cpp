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

}  // namespace

NocModel::NocModel(NocParams params) : params_(std::move(params)) {
  grid_ = {params_.shape.noc_size_x, params_.shape.noc_size_y};
  nodes_ = grid_.size_x * grid_.size_y;
  const uint32_t links = LinkCount(grid_);
  // Layout: links, then per NoC and tile the injecting NIU, the ejecting NIU and the packet issue
  // budget of an initiator, then one DRAM channel per bank.
  resources_.resize(links + 6 * nodes_ + params_.shape.dram_banks.size());
  for (uint32_t i = 0; i < links; ++i) resources_[i].capacity = params_.link_bytes_per_cycle;
  for (uint32_t noc = 0; noc < 2; ++noc) {
    for (uint32_t y = 0; y < grid_.size_y; ++y) {
      for (uint32_t x = 0; x < grid_.size_x; ++x) {
        const bool dram = params_.shape.IsDram({x, y});
        resources_[InjectResource(noc, {x, y})].capacity =
            dram ? params_.dram_inject_bytes_per_cycle : params_.worker_inject_bytes_per_cycle;
        resources_[EjectResource(noc, {x, y})].capacity =
            dram ? params_.dram_eject_bytes_per_cycle : params_.worker_eject_bytes_per_cycle;
        resources_[IssueResource(noc, {x, y})].capacity = 1.0;
      }
    }
  }
  for (uint32_t bank = 0; bank < params_.shape.dram_banks.size(); ++bank) {
    resources_[links + 6 * nodes_ + bank].capacity = params_.dram_channel_bytes_per_cycle;
  }
  users_.resize(resources_.size());
  busy_position_.assign(resources_.size(), kNotBusy);
  resource_mark_.assign(resources_.size(), 0);
  demand_.assign(resources_.size(), 0);
  scratch_capacity_.resize(resources_.size());
  scratch_weight_.resize(resources_.size());
  scratch_users_.resize(resources_.size());
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
    flow.remaining = static_cast<double>(size);
    flow.peak = params_.PacketThroughput(size);
    flow.group = group;
    flow.resources = path;
    // Every packet costs its initiator a fixed share of issue time, so a stream of packets of one size
    // sustains the throughput curve's value for that size: the issue budget (capacity 1) is spent at
    // 1 / throughput per byte.
    flow.weights.assign(path.size(), 1.0);
    flow.weights[0] = 1.0 / flow.peak;
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
    const Flow& flow = flows_[f];
    for (size_t k = 0; k < flow.resources.size(); ++k) {
      const uint32_t r = flow.resources[k];
      demand_[r] += flow.weights[k] * flow.peak;
      if (users_[r].empty()) {
        busy_position_[r] = static_cast<uint32_t>(busy_.size());
        busy_.push_back(r);
      }
      users_[r].push_back(f);
      dirty_resources_.push_back(r);
    }
  }
}

void NocModel::Retire(uint32_t f) {
  const Flow& flow = flows_[f];
  for (size_t k = 0; k < flow.resources.size(); ++k) {
    const uint32_t r = flow.resources[k];
    std::vector<uint32_t>& users = users_[r];
    users.erase(std::remove(users.begin(), users.end(), f), users.end());
    demand_[r] = users.empty() ? 0 : demand_[r] - flow.weights[k] * flow.peak;  // no drift once idle
    if (users.empty() && busy_position_[r] != kNotBusy) {
      const uint32_t last = busy_.back();
      busy_[busy_position_[r]] = last;
      busy_position_[last] = busy_position_[r];
      busy_.pop_back();
      busy_position_[r] = kNotBusy;
    }
    dirty_resources_.push_back(r);
  }
}

void NocModel::AdmitReady() {
  std::vector<uint32_t> touched;
  while (!pending_.empty() && pending_.top().first <= now_) {
    const uint32_t f = pending_.top().second;
    pending_.pop();
    groups_[flows_[f].group].waiting.push_back(f);
    touched.push_back(flows_[f].group);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (uint32_t g : touched) StartWaiting(g);
}

bool NocModel::Shared(uint32_t r) const {
  // One user: the resource only caps that flow's rate (folded into its peak in ComputeRates). Demand at
  // every user's peak rate within capacity: it can never limit anyone. The margin keeps add/subtract
  // rounding in demand_ from turning an exact fit into a constraint.
  return users_[r].size() > 1 && demand_[r] > resources_[r].capacity * (1 + 1e-9);
}

void NocModel::ComputeRates() {
  // Only flows coupled to a flow that started or ended can change rate, and flows are coupled only
  // through resources that several of them use and that can run out of capacity (Shared): a constraint
  // that cannot bind does not take part in the max-min fair solution, and one with a single user is just
  // a cap on that user's rate. So start from the users of the resources the started and ended flows used
  // (one of them may just have stopped being a constraint) and follow shared resources from there;
  // solve only that set.
  ++epoch_;
  flow_mark_.resize(flows_.size(), 0);
  std::vector<uint32_t> flows;  // the coupled set, then sorted ascending so ties break the same way
  std::vector<uint32_t> used;   // the shared resources they use, in the order found (deterministic)
  std::vector<uint32_t> frontier;
  const auto add_users = [&](uint32_t r) {
    for (uint32_t f : users_[r]) {
      if (flow_mark_[f] == epoch_) continue;
      flow_mark_[f] = epoch_;
      flows.push_back(f);
      for (uint32_t next : flows_[f].resources) {
        if (resource_mark_[next] != epoch_ && Shared(next)) frontier.push_back(next);
      }
    }
  };
  for (uint32_t r : dirty_resources_) add_users(r);
  dirty_resources_.clear();
  while (!frontier.empty()) {
    const uint32_t r = frontier.back();
    frontier.pop_back();
    if (resource_mark_[r] == epoch_) continue;
    resource_mark_[r] = epoch_;
    used.push_back(r);
    add_users(r);
  }
  if (flows.empty()) return;
  std::sort(flows.begin(), flows.end());

  // Progressive filling: raise every unfrozen flow's rate together; when a resource runs out of
  // capacity (or a flow reaches its peak), freeze the flows it limits at the current level. A flow uses
  // weight x rate of each resource's capacity. Flows are named by their position in `flows`.
  for (uint32_t r : used) {
    scratch_capacity_[r] = resources_[r].capacity;
    scratch_weight_[r] = 0;
  }
  for (size_t i = 0; i < flows.size(); ++i) {
    const Flow& flow = flows_[flows[i]];
    for (size_t k = 0; k < flow.resources.size(); ++k) {
      const uint32_t r = flow.resources[k];
      if (resource_mark_[r] != epoch_) continue;  // not a constraint
      scratch_users_[r].push_back(static_cast<uint32_t>(i));
      scratch_weight_[r] += flow.weights[k];
    }
  }
  // Each flow's own cap: its packet peak and the resources only it uses.
  std::vector<double> cap(flows.size());
  for (size_t i = 0; i < flows.size(); ++i) {
    const Flow& flow = flows_[flows[i]];
    cap[i] = flow.peak;
    for (size_t k = 0; k < flow.resources.size(); ++k) {
      const uint32_t r = flow.resources[k];
      if (users_[r].size() == 1) cap[i] = std::min(cap[i], resources_[r].capacity / flow.weights[k]);
    }
  }
  std::vector<char> frozen(flows.size(), 0);
  size_t left = flows.size();
  const auto freeze = [&](uint32_t i, double rate) {
    Flow& flow = flows_[flows[i]];
    frozen[i] = 1;
    flow.rate = std::max(rate, kMinRate);
    for (size_t k = 0; k < flow.resources.size(); ++k) {
      scratch_capacity_[flow.resources[k]] -= flow.rate * flow.weights[k];
      scratch_weight_[flow.resources[k]] -= flow.weights[k];
    }
    --left;
  };
  while (left > 0) {
    double level = kInfinity;
    for (size_t i = 0; i < flows.size(); ++i) {
      if (!frozen[i]) level = std::min(level, cap[i]);
    }
    std::optional<uint32_t> bottleneck;
    for (uint32_t r : used) {
      if (scratch_weight_[r] <= kMinRate) continue;  // no unfrozen user left (up to rounding)
      const double share = std::max(scratch_capacity_[r], 0.0) / scratch_weight_[r];
      if (share < level) level = share, bottleneck = r;
    }
    if (bottleneck) {
      for (uint32_t i : scratch_users_[*bottleneck]) {
        if (!frozen[i]) freeze(i, level);
      }
    } else {
      for (uint32_t i = 0; i < flows.size(); ++i) {
        if (!frozen[i] && cap[i] <= level) freeze(i, cap[i]);
      }
    }
  }
  for (uint32_t r : used) scratch_users_[r].clear();
}

void NocModel::Progress(double dt) {
  if (dt <= 0) return;
  for (uint32_t f : active_) {
    Flow& flow = flows_[f];
    const double moved = std::min(flow.remaining, flow.rate * dt);
    flow.remaining -= moved;
    for (size_t k = 0; k < flow.resources.size(); ++k) resources_[flow.resources[k]].usage.bytes += moved * flow.weights[k];
  }
  for (uint32_t r : busy_) resources_[r].usage.busy_cycles += dt;
  now_ += dt;
}

bool NocModel::ProcessNextEvent(double limit) {
  AdmitReady();
  if (!dirty_resources_.empty()) ComputeRates();
  double next = pending_.empty() ? kInfinity : pending_.top().first;
  for (uint32_t f : active_) next = std::min(next, now_ + flows_[f].remaining / flows_[f].rate);
  if (next == kInfinity || next > limit) return false;
  Progress(next - now_);
  now_ = std::max(now_, next);

  std::vector<uint32_t> still_active;
  std::vector<uint32_t> freed_groups;
  for (uint32_t f : active_) {
    Flow& flow = flows_[f];
    if (flow.remaining > kDoneBytes) {
      still_active.push_back(f);
      continue;
    }
    flow.remaining = 0;
    flow.rate = 0;
    --groups_[flow.group].active;
    freed_groups.push_back(flow.group);
    Transfer& transfer = transfers_[flow.transfer];
    --transfer.packets_left;
    transfer.finish = std::max(transfer.finish, now_);
    Retire(f);
  }
  active_ = std::move(still_active);
  std::sort(freed_groups.begin(), freed_groups.end());
  freed_groups.erase(std::unique(freed_groups.begin(), freed_groups.end()), freed_groups.end());
  for (uint32_t g : freed_groups) StartWaiting(g);
  return true;
}

void NocModel::AdvanceTo(double cycle) {
  while (ProcessNextEvent(cycle)) {
  }
  if (cycle > now_) {
    if (!dirty_resources_.empty()) ComputeRates();
    Progress(cycle - now_);
    now_ = cycle;
  }
}

std::optional<double> NocModel::NextEventCycle() const {
  double next = pending_.empty() ? kInfinity : pending_.top().first;
  for (const Group& group : groups_) {
    if (!group.waiting.empty() && group.active < group.limit) next = std::min(next, now_);
  }
  for (uint32_t f : active_) {
    if (flows_[f].rate > 0) next = std::min(next, now_ + flows_[f].remaining / flows_[f].rate);
  }
  if (!dirty_resources_.empty() && !active_.empty()) next = std::min(next, now_);  // rates change now
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

std::optional<uint64_t> NocModel::CompletionCycle(TransferId id) const {
  if (id >= transfers_.size() || transfers_[id].packets_left > 0) return std::nullopt;
  // Rounding noise must not push an exact cycle count up by one.
  return static_cast<uint64_t>(std::ceil(transfers_[id].finish - 1e-6));
}

std::vector<LinkUsage> NocModel::LinkUsages() const {
  std::vector<LinkUsage> out;
  for (uint32_t i = 0; i < LinkCount(grid_); ++i) {
    if (resources_[i].usage.bytes > 0) out.push_back({LinkAt(i, grid_), resources_[i].usage});
  }
  return out;
}

std::vector<ResourceUsage> NocModel::DramChannelUsages() const {
  std::vector<ResourceUsage> out;
  const uint32_t first = LinkCount(grid_) + 6 * nodes_;
  for (uint32_t bank = 0; bank < params_.shape.dram_banks.size(); ++bank) out.push_back(resources_[first + bank].usage);
  return out;
}

}  // namespace tilesim::emu::timing
