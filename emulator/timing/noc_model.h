// A deterministic flow-level model of the two NoCs: when do transfers finish, and how busy are the links.
//
// A transfer is split into packets (NocParams::max_packet_bytes). Each packet becomes ready a fixed
// latency after the transfer is issued (the request's trip and, for reads, the response's first flit
// coming back) and then streams its bytes as a fluid flow through every resource on its path: the
// sending NIU, the links of its route (or multicast tree), the receiving NIU(s), and the DRAM channel
// when a bank is read or written. Concurrent flows share each resource max-min fairly (progressive
// filling). Packets also spend their initiator's issue budget: a stream of packets of one size from one
// initiator sustains at most the packet-size throughput curve's value for that size. A packet holds one
// virtual channel of its class on the first router port it takes, so an NIU streams at most that many
// packets of a class through one port at once; the rest wait in order (noc_params.h: *_vcs_per_port).
//
// Time is continuous (double cycles); events are packet starts and finishes, so the result does not
// depend on a time step. Same submissions in the same order give the same cycles.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "emulator/timing/noc_params.h"
#include "emulator/timing/noc_routing.h"

namespace tilesim::emu::timing {

enum class NocOp : uint8_t {
  Read,            // data moves from `target` to `initiator`
  Write,           // data moves from `initiator` to `target`
  MulticastWrite,  // data moves from `initiator` to every worker in the rectangle
};

struct NocTransfer {
  NocOp op = NocOp::Read;
  uint32_t noc = 0;          // 0 or 1
  NocCoord initiator;        // the core whose RISC-V issued the command
  NocCoord target;           // Read: where the data is; Write: where it goes
  NocCoord mcast_start;      // MulticastWrite: two opposite corners of the destination rectangle
  NocCoord mcast_end;
  // MulticastWrite: the initiator is no destination even inside the rectangle (noc_async_write_multicast
  // without loopback_src). Measured traces do not say, so their rectangles count whole.
  bool sender_excluded = false;
  uint64_t bytes = 0;
  uint64_t issue_cycle = 0;  // when the command was issued; not earlier than NocModel::now()
};

using TransferId = uint32_t;

struct ResourceUsage {
  double bytes = 0;        // bytes that crossed it
  double busy_cycles = 0;  // cycles during which at least one flow crossed it
};
struct LinkUsage {
  NocLink link;
  ResourceUsage usage;
};

class NocModel {
 public:
  explicit NocModel(NocParams params);

  // Adds a transfer. Throws std::invalid_argument naming the field for a bad NoC index, a coordinate
  // outside the NoC, zero bytes, or an issue cycle before now().
  TransferId Submit(const NocTransfer& transfer);

  // Cycles from issue until the transfer's first packet can start streaming.
  double StartLatency(const NocTransfer& transfer) const;

  // Simulates every event up to and including `cycle`; now() becomes `cycle` if it was earlier.
  void AdvanceTo(double cycle);
  // When the next packet starts or finishes, if anything is pending.
  std::optional<double> NextEventCycle() const;
  // Simulates until the transfer is done; returns its completion cycle.
  uint64_t RunUntilComplete(TransferId id);
  // Simulates until everything submitted is done; returns the last completion cycle (0 if none).
  uint64_t RunToCompletion();

  // The cycle the transfer's last byte arrived (rounded up), once it has.
  std::optional<uint64_t> CompletionCycle(TransferId id) const {  // inline: barriers poll it per NoC event
    if (id >= transfers_.size() || transfers_[id].packets_left > 0) return std::nullopt;
    return transfers_[id].completion;
  }
  // The transfers that completed since ClearCompleted, in completion order.
  const std::vector<TransferId>& Completed() const { return completed_; }
  void ClearCompleted() { completed_.clear(); }
  double now() const { return now_; }
  const NocParams& params() const { return params_; }

  // Test hook: after every rate solve, solve again over every resource that can run out (not just the
  // working set, see ComputeRates) and throw std::logic_error if any rate differs. Rates, and so cycles,
  // stay those of the working-set solve.
  void CheckSolvesAgainstFullSolve(bool on) { check_full_solve_ = on; }
  // How the rates were found: solves run, their rounds (a solve repeats when its working set was too
  // small), and rate changes taken over from finished twins without a solve (ComputeRates).
  struct SolveCounts {
    uint64_t solves = 0;
    uint64_t rounds = 0;
    uint64_t takeovers = 0;
  };
  const SolveCounts& solve_counts() const { return solve_counts_; }

  std::vector<LinkUsage> LinkUsages() const;             // links that carried data
  std::vector<ResourceUsage> DramChannelUsages() const;  // per DRAM bank

 private:
  enum class VcClass : uint8_t { Response, UnicastWrite, Multicast };
  struct Flow {  // one packet
    TransferId transfer = 0;
    double ready = 0;
    double bytes = 0;      // the packet's size
    double remaining = 0;
    double peak = 0;
    double rate = 0;
    double cap = 0;        // while active: its peak and the limits of resources it has to itself
    bool cap_stale = true;
    uint32_t slot = 0;     // while active: its place in the rate solve's per-flow arrays
    uint32_t group = 0;
    double issue_weight = 0;  // 1 / peak: see Submit
    uint32_t path_begin = 0;  // its resources: path_resources_[begin, begin + size), its route's
    uint32_t path_size = 0;
    // The capacity of its k-th resource it takes per byte moved: its initiator's issue budget comes
    // first; of every other resource, one byte per byte.
    double Weight(uint32_t k) const { return k == 0 ? issue_weight : 1.0; }
  };
  struct Route {  // shared by the transfers with the same operation, NoC and end points
    uint32_t path_begin = 0;
    uint32_t path_size = 0;
    uint32_t group = 0;
    double latency = 0;  // StartLatency
  };
  struct Group {  // packets of one VC class leaving one NIU through one router port
    uint32_t limit = 1;
    uint32_t active = 0;
    std::deque<uint32_t> waiting;
  };
  struct Transfer {
    uint32_t packets_left = 0;
    double finish = 0;
    uint64_t completion = 0;  // once packets_left is 0: finish rounded up to a cycle
  };
  struct Use {  // an active flow on a resource, and the capacity it takes per byte moved
    uint32_t flow;
    uint32_t slot;  // the flow's Flow::slot
    double weight;
  };
  using GroupKey = std::tuple<uint32_t, uint32_t, uint32_t, int, VcClass>;  // noc, x, y, port, class

  uint32_t InjectResource(uint32_t noc, NocCoord c) const;
  uint32_t EjectResource(uint32_t noc, NocCoord c) const;
  uint32_t IssueResource(uint32_t noc, NocCoord c) const;
  std::optional<uint32_t> DramResource(NocCoord c) const;
  void CheckCoord(NocCoord c, const char* field) const;
  Route MakeRoute(const NocTransfer& transfer);  // throws std::invalid_argument for an empty multicast
  uint32_t GroupFor(uint32_t noc, NocCoord source, const std::vector<NocLink>& route, VcClass vc);

  void AdmitReady();
  void StartWaiting(uint32_t group);
  void Retire(uint32_t flow);  // a finished flow leaves its resources
  bool Shared(uint32_t resource) const;  // a constraint coupling several flows
  void MakeHot(uint32_t resource);       // adds it to the working set
  void MarkCapsStale(uint32_t resource);  // its users' caps change when it gains or loses its last co-user
  void ComputeRates();
  bool TakeOverRates();  // true if every started flow took the rate of a finished twin (see ComputeRates)
  void SolveWorkingSet();           // progressive filling over the working set's constraints
  bool AddOverloadedConstraints();  // true if the rates overload a shared resource outside the working set
  void CheckAgainstFullSolve();     // CheckSolvesAgainstFullSolve's check
  bool ProcessNextEvent(double limit);  // false when no event is due at or before `limit`
  void Progress(double dt);
  double EarliestFinish() const;  // when the first active flow finishes at its current rate
  std::vector<ResourceUsage> UsagesNow() const;  // per resource, including the flows in flight

  NocParams params_;
  NocGrid grid_;
  uint32_t nodes_ = 0;
  // Per resource (links, then NIUs, issue budgets and DRAM channels: see the constructor).
  std::vector<double> capacity_;
  std::vector<ResourceUsage> usage_;  // of finished flows and past busy periods
  std::vector<Flow> flows_;
  std::vector<uint32_t> path_resources_;  // the routes' resources
  std::unordered_map<uint64_t, Route> routes_;
  std::vector<Transfer> transfers_;
  std::vector<TransferId> completed_;
  std::vector<Group> groups_;
  std::map<GroupKey, uint32_t> group_index_;
  // Flows not yet ready, earliest first (ties by flow id).
  std::priority_queue<std::pair<double, uint32_t>, std::vector<std::pair<double, uint32_t>>, std::greater<>> pending_;
  std::vector<uint32_t> active_;  // flows streaming now, ascending id
  // Per resource, kept up to date as flows start and end: its active flows in the order they started
  // (a flow counts once per use), the sum over them of weight x peak rate, and Shared(). The solve
  // reads constraints from these lists, so its cost follows the constraints rather than every path.
  std::vector<std::vector<Use>> users_;
  std::vector<double> demand_;
  std::vector<char> shared_;
  std::vector<uint32_t> stale_caps_;   // active flows whose cap must be recomputed
  // Usage is charged when a flow finishes (its bytes) and when a resource goes idle (its busy time);
  // UsagesNow adds what is in flight. Cheaper than charging every resource on every event.
  std::vector<double> busy_since_;  // per resource with active flows: when the first of them started
  bool rates_stale_ = false;  // flows started or ended since rates were last computed
  // What changed since then: a packet that replaces a finished one on the same route with the same size
  // leaves the rate problem as it was (TakeOverRates).
  struct Retired {
    uint32_t path_begin;
    double bytes;
    double rate;
  };
  std::vector<Retired> retired_since_solve_;
  std::vector<uint32_t> started_since_solve_;
  std::vector<uint32_t> twins_;  // TakeOverRates' scratch: per started flow, its twin in retired_since_solve_
  // EarliestFinish, memoised: NextEventCycle is asked far more often than the NoC state changes.
  mutable double earliest_finish_ = 0;
  mutable bool earliest_finish_valid_ = false;

  // The resources the rate solve treats as constraints (see ComputeRates): per resource, whether it is
  // one, and the list of them.
  std::vector<char> hot_;
  std::vector<uint32_t> hot_list_;
  bool check_full_solve_ = false;
  SolveCounts solve_counts_;
  // Active flows hold a slot each (Flow::slot), reused once they finish, so that the solve's per-flow
  // arrays stay as small as the number of flows in flight.
  uint32_t slot_count_ = 0;
  std::vector<uint32_t> free_slots_;
  // ComputeRates' scratch, kept between calls so that the hot loop does not allocate.
  std::vector<double> prev_rate_;       // per active flow (place in active_): its rate before this solve
  uint32_t check_epoch_ = 0;
  std::vector<uint32_t> check_mark_;    // per resource: == check_epoch_ once checked for overload
  std::vector<uint32_t> solve_resources_;  // the constraints, in hot_list_ order
  std::vector<double> capacity_left_;      // per constraint
  std::vector<double> open_weight_;        // per constraint: summed weights of its unfrozen flows
  std::vector<double> share_;              // per constraint: the rate level at which it runs out
  std::vector<double> slot_rate_;          // per slot: the flow's rate once frozen, negative before
  // Per slot: the constraints its flow crosses, as a list through edges_ (its first edge, or kNoEdge).
  static constexpr uint32_t kNoEdge = 0xFFFFFFFFu;
  struct Edge {
    uint32_t constraint;
    uint32_t next;
    double weight;
  };
  std::vector<uint32_t> slot_edges_;
  std::vector<Edge> edges_;
  std::vector<uint32_t> bottlenecks_;  // resources that froze flows in the last round
  // ProcessNextEvent / AdmitReady scratch.
  std::vector<uint32_t> still_active_;
  std::vector<uint32_t> touched_groups_;
  double now_ = 0;
};

}  // namespace tilesim::emu::timing
