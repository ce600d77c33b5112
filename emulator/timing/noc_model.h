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
  std::optional<uint64_t> CompletionCycle(TransferId id) const;
  double now() const { return now_; }
  const NocParams& params() const { return params_; }

  std::vector<LinkUsage> LinkUsages() const;             // links that carried data
  std::vector<ResourceUsage> DramChannelUsages() const;  // per DRAM bank

 private:
  enum class VcClass : uint8_t { Response, UnicastWrite, Multicast };
  struct Resource {
    double capacity = 0;
    ResourceUsage usage;
  };
  struct Flow {  // one packet
    TransferId transfer = 0;
    double ready = 0;
    double remaining = 0;
    double peak = 0;
    double rate = 0;
    uint32_t group = 0;
    std::vector<uint32_t> resources;
    std::vector<double> weights;  // capacity of each resource used per byte moved
  };
  struct Group {  // packets of one VC class leaving one NIU through one router port
    uint32_t limit = 1;
    uint32_t active = 0;
    std::deque<uint32_t> waiting;
  };
  struct Transfer {
    uint32_t packets_left = 0;
    double finish = 0;
  };
  using GroupKey = std::tuple<uint32_t, uint32_t, uint32_t, int, VcClass>;  // noc, x, y, port, class

  uint32_t InjectResource(uint32_t noc, NocCoord c) const;
  uint32_t EjectResource(uint32_t noc, NocCoord c) const;
  uint32_t IssueResource(uint32_t noc, NocCoord c) const;
  std::optional<uint32_t> DramResource(NocCoord c) const;
  void CheckCoord(NocCoord c, const char* field) const;
  uint32_t GroupFor(uint32_t noc, NocCoord source, const std::vector<NocLink>& route, VcClass vc);

  void AdmitReady();
  void StartWaiting(uint32_t group);
  void Retire(uint32_t flow);  // a finished flow leaves its resources
  bool Shared(uint32_t resource) const;  // a constraint coupling several flows
  void ComputeRates();
  bool ProcessNextEvent(double limit);  // false when no event is due at or before `limit`
  void Progress(double dt);

  NocParams params_;
  NocGrid grid_;
  uint32_t nodes_ = 0;
  std::vector<Resource> resources_;
  std::vector<Flow> flows_;
  std::vector<Transfer> transfers_;
  std::vector<Group> groups_;
  std::map<GroupKey, uint32_t> group_index_;
  // Flows not yet ready, earliest first (ties by flow id).
  std::priority_queue<std::pair<double, uint32_t>, std::vector<std::pair<double, uint32_t>>, std::greater<>> pending_;
  std::vector<uint32_t> active_;  // flows streaming now, ascending id
  // Per resource, the active flows through it (a flow may appear once per use).
  std::vector<std::vector<uint32_t>> users_;
  std::vector<double> demand_;  // per resource, sum over its active flows of weight x peak rate
  // Resources with at least one active flow, and each resource's position in that list (for O(1) removal).
  static constexpr uint32_t kNotBusy = 0xFFFFFFFFu;
  std::vector<uint32_t> busy_;
  std::vector<uint32_t> busy_position_;
  // Resources of flows that started or ended since rates were last computed: rates must be recomputed
  // for the flows connected to them.
  std::vector<uint32_t> dirty_resources_;
  // ComputeRates' working arrays, indexed by resource or flow; kept to avoid reallocating per event.
  uint32_t epoch_ = 0;
  std::vector<uint32_t> resource_mark_;
  std::vector<uint32_t> flow_mark_;
  std::vector<double> scratch_capacity_;
  std::vector<double> scratch_weight_;  // summed weights of the unfrozen flows
  std::vector<std::vector<uint32_t>> scratch_users_;
  double now_ = 0;
};

}  // namespace tilesim::emu::timing
