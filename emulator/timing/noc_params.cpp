// NoC model parameters (noc_params.h). Defaults describe a Wormhole B0; profiles/wormhole_b0.json says
// where each number comes from.
#include "emulator/timing/noc_params.h"

#include <fmt/format.h>

namespace tilesim::emu::timing {
namespace {

const Param<double> kLinkBandwidth{"noc.link_bytes_per_cycle",
                                   "bytes one NoC link moves per cycle in one direction (effective)", 30.0, Positive()};
const Param<double> kWorkerInject{"noc.worker_inject_bytes_per_cycle",
                                  "bytes per cycle a Tensix NIU can put onto one NoC", 28.1, Positive()};
const Param<double> kWorkerEject{"noc.worker_eject_bytes_per_cycle",
                                 "bytes per cycle a Tensix NIU can take off one NoC", 28.1, Positive()};
const Param<std::vector<Pair2>> kPacketThroughput{
    "noc.packet_throughput",
    "[packet bytes, bytes per cycle] a stream of packets of that size sustains, ascending",
    {{128, 5.5}, {256, 10.1}, {512, 18.0}, {1024, 27.4}, {2048, 30.0}, {8192, 30.0}},
    NonNegative()};
const Param<int64_t> kMaxPacket{"noc.max_packet_bytes", "largest packet; longer transfers are split", 8192,
                                Between(32, 1 << 20)};
const Param<double> kHop{"noc.router_hop_cycles", "cycles for a flit to cross one router-to-router hop", 9.0,
                         NonNegative()};
const Param<double> kNiu{"noc.niu_latency_cycles", "cycles between an NIU and its router, each way", 5.0,
                         NonNegative()};
const Param<double> kReadOverhead{"noc.read_overhead_cycles",
                                  "cycles from issuing a read of the core's own L1 to its data arriving", 70.0,
                                  NonNegative()};
const Param<double> kWriteOverhead{"noc.write_overhead_cycles",
                                   "cycles from issuing a write to its first byte entering the NoC", 40.0,
                                   NonNegative()};
const Param<int64_t> kResponseVcs{"noc.response_vcs_per_port",
                                  "read-response packets one NIU streams at once through one router port", 2,
                                  Between(1, 16)};
const Param<int64_t> kUnicastWriteVcs{"noc.unicast_write_vcs_per_port",
                                      "unicast write packets one NIU streams at once through one router port", 1,
                                      Between(1, 16)};
const Param<int64_t> kMulticastVcs{"noc.multicast_vcs_per_port",
                                   "multicast packets one NIU streams at once through one router port", 1,
                                   Between(1, 16)};
const Param<double> kDramInject{"dram.inject_bytes_per_cycle",
                                "bytes per cycle a DRAM tile's NIU can put onto one NoC (read data)", 23.2,
                                Positive()};
const Param<double> kDramEject{"dram.eject_bytes_per_cycle",
                               "bytes per cycle a DRAM tile's NIU can take off one NoC (write data)", 24.0,
                               Positive()};
const Param<double> kDramChannel{"dram.channel_bytes_per_cycle",
                                 "bytes per cycle one DRAM bank (GDDR6 channel) reads plus writes", 22.2, Positive()};
const Param<double> kDramReadLatency{"dram.read_latency_cycles",
                                     "cycles a DRAM read adds to an L1 read of the same distance", 0.0, NonNegative()};

}  // namespace

const std::vector<const ParamBase*>& NocParamList() {
  static const std::vector<const ParamBase*> list = {
      &kLinkBandwidth, &kWorkerInject,   &kWorkerEject,  &kPacketThroughput, &kMaxPacket,  &kHop,
      &kNiu,           &kReadOverhead,   &kWriteOverhead, &kResponseVcs,     &kUnicastWriteVcs,
      &kMulticastVcs,  &kDramInject,     &kDramEject,    &kDramChannel,      &kDramReadLatency};
  return list;
}

double NocParams::PacketThroughput(uint64_t packet_bytes) const {
  const double bytes = static_cast<double>(packet_bytes);
  Pair2 previous{0.0, 0.0};
  for (const Pair2& point : packet_throughput) {
    if (bytes <= point[0]) {
      if (point[0] == previous[0]) return point[1];
      const double t = (bytes - previous[0]) / (point[0] - previous[0]);
      return previous[1] + t * (point[1] - previous[1]);
    }
    previous = point;
  }
  return previous[1];
}

NocParams NocParamsFromProfile(const DeviceProfile& profile) {
  NocParams p;
  p.shape = ShapeFromProfile(profile);
  p.link_bytes_per_cycle = profile.Get(kLinkBandwidth);
  p.worker_inject_bytes_per_cycle = profile.Get(kWorkerInject);
  p.worker_eject_bytes_per_cycle = profile.Get(kWorkerEject);
  p.dram_inject_bytes_per_cycle = profile.Get(kDramInject);
  p.dram_eject_bytes_per_cycle = profile.Get(kDramEject);
  p.dram_channel_bytes_per_cycle = profile.Get(kDramChannel);
  p.packet_throughput = profile.Get(kPacketThroughput);
  p.max_packet_bytes = static_cast<uint64_t>(profile.Get(kMaxPacket));
  p.router_hop_cycles = profile.Get(kHop);
  p.niu_latency_cycles = profile.Get(kNiu);
  p.read_overhead_cycles = profile.Get(kReadOverhead);
  p.write_overhead_cycles = profile.Get(kWriteOverhead);
  p.dram_read_latency_cycles = profile.Get(kDramReadLatency);
  p.response_vcs = static_cast<uint32_t>(profile.Get(kResponseVcs));
  p.unicast_write_vcs = static_cast<uint32_t>(profile.Get(kUnicastWriteVcs));
  p.multicast_vcs = static_cast<uint32_t>(profile.Get(kMulticastVcs));

  const std::string where = profile.path().empty() ? std::string("built-in profile") : profile.path().string();
  const auto fail = [&](std::string_view what) {
    throw ProfileError(fmt::format("{}: 'noc.packet_throughput': {}", where, what));
  };
  if (p.packet_throughput.empty()) fail("needs at least one [packet bytes, bytes per cycle] entry");
  for (size_t i = 0; i < p.packet_throughput.size(); ++i) {
    if (i > 0 && p.packet_throughput[i][0] <= p.packet_throughput[i - 1][0]) fail("packet sizes must be strictly ascending");
    // A zero rate would leave packets of that size stuck forever.
    if (p.packet_throughput[i][1] <= 0) fail("every bytes-per-cycle value must be positive");
  }
  return p;
}

}  // namespace tilesim::emu::timing
