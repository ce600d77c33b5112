// Flow-level NoC model (noc_model.h): routes, packets, events and usage; the rate solve is noc_rate_solve.cpp.
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

}  // namespace

NocModel::NocModel(NocParams params) : params_(std::move(params)) {
  grid_ = {params_.shape.noc_size_x, params_.shape.noc_size_y};
  if (grid_.size_x > 256 || grid_.size_y > 256) {  // Submit packs a coordinate in a byte
    throw std::invalid_argument(fmt::format("NoC model: a {}x{} NoC is larger than 256x256", grid_.size_x, grid_.size_y));
  }
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
  users_.resize(capacity_.size());
  demand_.assign(capacity_.size(), 0);
  busy_since_.assign(capacity_.size(), 0);
  shared_.assign(capacity_.size(), 0);
  hot_.assign(capacity_.size(), 0);
  check_mark_.assign(capacity_.size(), 0);
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

NocModel::Route NocModel::MakeRoute(const NocTransfer& t) {
  NocCoord source = t.initiator;
  std::vector<NocCoord> sinks;
  std::vector<NocLink> links;
  VcClass vc = VcClass::UnicastWrite;
  if (t.op == NocOp::MulticastWrite) {
    MulticastTree tree = MulticastRoute(t.noc, t.initiator, t.mcast_start, t.mcast_end, grid_);
    for (NocCoord c : tree.destinations) {
      // Other tile types opt out of multicast.
      if (params_.shape.IsWorker(c) && !(t.sender_excluded && c == t.initiator)) sinks.push_back(c);
    }
    if (sinks.empty()) {
      throw std::invalid_argument(fmt::format("NoC transfer: multicast rectangle ({}, {})-({}, {}) holds no worker tile{}",
                                              t.mcast_start.x, t.mcast_start.y, t.mcast_end.x, t.mcast_end.y,
                                              t.sender_excluded ? " but the sender" : ""));
    }
    links = std::move(tree.links);
    vc = VcClass::Multicast;
  } else {
    if (t.op == NocOp::Read) {
      source = t.target;
      sinks = {t.initiator};
      vc = VcClass::Response;
    } else {
      sinks = {t.target};
    }
    links = UnicastRoute(t.noc, source, sinks.front(), grid_);
  }

  Route route;
  route.path_begin = static_cast<uint32_t>(path_resources_.size());
  path_resources_.push_back(IssueResource(t.noc, t.initiator));  // first: Flow::Weight counts on it
  path_resources_.push_back(InjectResource(t.noc, source));
  if (t.op == NocOp::Read) {
    if (auto dram = DramResource(source)) path_resources_.push_back(*dram);
  }
  for (const NocLink& link : links) path_resources_.push_back(LinkIndex(link, grid_));
  for (NocCoord sink : sinks) {
    path_resources_.push_back(EjectResource(t.noc, sink));
    if (t.op == NocOp::Write) {
      if (auto dram = DramResource(sink)) path_resources_.push_back(*dram);
    }
  }
  route.path_size = static_cast<uint32_t>(path_resources_.size()) - route.path_begin;
  route.group = GroupFor(t.noc, source, links, vc);
  route.latency = StartLatency(t);
  return route;
}

TransferId NocModel::Submit(const NocTransfer& t) {
  if (t.noc > 1) throw std::invalid_argument(fmt::format("NoC transfer: noc must be 0 or 1, got {}", t.noc));
  if (t.bytes == 0) throw std::invalid_argument("NoC transfer: bytes must be at least 1");
  if (static_cast<double>(t.issue_cycle) < now_) {
    throw std::invalid_argument(fmt::format("NoC transfer: issued at cycle {} but the model is already at cycle {}",
                                            t.issue_cycle, now_));
  }
  CheckCoord(t.initiator, "initiator");
  const bool multicast = t.op == NocOp::MulticastWrite;
  if (multicast) {
    CheckCoord(t.mcast_start, "multicast start");
    CheckCoord(t.mcast_end, "multicast end");
  } else {
    CheckCoord(t.target, "target");
  }
  // Transfers between the same end points share their route (a GEMM repeats about a thousand routes in
  // seventeen thousand transfers). Coordinates fit a byte: CheckCoord and the constructor made sure.
  const auto byte = [](uint32_t v) { return static_cast<uint64_t>(v); };
  const NocCoord a = multicast ? t.mcast_start : t.target;
  const NocCoord b = multicast ? t.mcast_end : NocCoord{};
  const uint64_t key = byte(t.sender_excluded) << 51 | byte(static_cast<uint32_t>(t.op)) << 49 | byte(t.noc) << 48 |
                       byte(t.initiator.x) << 40 | byte(t.initiator.y) << 32 | byte(a.x) << 24 | byte(a.y) << 16 |
                       byte(b.x) << 8 | byte(b.y);
  auto found = routes_.find(key);
  if (found == routes_.end()) found = routes_.emplace(key, MakeRoute(t)).first;
  const Route& route = found->second;

  const TransferId id = static_cast<TransferId>(transfers_.size());
  const double ready = static_cast<double>(t.issue_cycle) + route.latency;
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
    // Every packet costs its initiator a fixed share of issue time, so a stream of packets of one size
    // sustains the throughput curve's value for that size: the issue budget (capacity 1) is spent at
    // 1 / throughput per byte.
    flow.issue_weight = 1.0 / flow.peak;
    flow.group = route.group;
    flow.path_begin = route.path_begin;
    flow.path_size = route.path_size;
    pending_.emplace(ready, static_cast<uint32_t>(flows_.size()));
    flows_.push_back(flow);
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
    Flow& flow = flows_[f];
    flow.cap_stale = true;
    stale_caps_.push_back(f);
    started_since_solve_.push_back(f);
    if (free_slots_.empty()) {
      flow.slot = slot_count_++;
    } else {
      flow.slot = free_slots_.back();
      free_slots_.pop_back();
    }
    for (uint32_t k = 0; k < flow.path_size; ++k) {
      const uint32_t r = path_resources_[flow.path_begin + k];
      const double weight = flow.Weight(k);
      std::vector<Use>& users = users_[r];
      if (users.empty()) busy_since_[r] = now_;
      users.push_back({f, flow.slot, weight});
      demand_[r] += weight * flow.peak;
      if (users.size() == 2) MarkCapsStale(r);
      shared_[r] = Shared(r);
      MakeHot(r);  // a new flow's resources are the likeliest new bottlenecks
    }
  }
}

void NocModel::Retire(uint32_t f) {
  const Flow& flow = flows_[f];
  rates_stale_ = true;
  free_slots_.push_back(flow.slot);
  retired_since_solve_.push_back({flow.path_begin, flow.bytes, flow.rate});
  for (uint32_t k = 0; k < flow.path_size; ++k) {
    const uint32_t r = path_resources_[flow.path_begin + k];
    const double weight = flow.Weight(k);
    std::vector<Use>& users = users_[r];
    users.erase(std::find_if(users.begin(), users.end(), [&](const Use& u) { return u.flow == f; }));
    demand_[r] = users.empty() ? 0 : demand_[r] - weight * flow.peak;  // no drift once idle
    if (users.size() == 1) MarkCapsStale(r);
    shared_[r] = Shared(r);
    usage_[r].bytes += flow.bytes * weight;
    if (users.empty()) usage_[r].busy_cycles += now_ - busy_since_[r];
  }
}

void NocModel::MarkCapsStale(uint32_t r) {
  for (const Use& u : users_[r]) {
    if (!flows_[u.flow].cap_stale) {
      flows_[u.flow].cap_stale = true;
      stale_caps_.push_back(u.flow);
    }
  }
}

void NocModel::MakeHot(uint32_t r) {
  if (hot_[r]) return;
  hot_[r] = 1;
  hot_list_.push_back(r);
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
  return users_[r].size() > 1 && demand_[r] > capacity_[r] * (1 + 1e-9);
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
    --groups_[flow.group].active;
    touched_groups_.push_back(flow.group);
    Transfer& transfer = transfers_[flow.transfer];
    --transfer.packets_left;
    transfer.finish = std::max(transfer.finish, now_);
    // Rounding noise must not push an exact cycle count up by one.
    if (transfer.packets_left == 0) {
      transfer.completion = static_cast<uint64_t>(std::ceil(transfer.finish - 1e-6));
      completed_.push_back(flow.transfer);
    }
    Retire(f);
    flow.rate = 0;
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
    if (!users_[r].empty()) usage[r].busy_cycles += now_ - busy_since_[r];
  }
  for (uint32_t f : active_) {  // the bytes in flight
    const Flow& flow = flows_[f];
    for (uint32_t k = 0; k < flow.path_size; ++k) {
      usage[path_resources_[flow.path_begin + k]].bytes += (flow.bytes - flow.remaining) * flow.Weight(k);
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
