// What the NoC model (noc_model.h) needs to know about a device, read from its profile.
#pragma once

#include <cstdint>
#include <vector>

#include "emulator/timing/device_profile.h"
#include "emulator/timing/device_shape.h"

namespace tilesim::emu::timing {

struct NocParams {
  DeviceShape shape;

  // Bandwidths, bytes per cycle.
  double link_bytes_per_cycle = 30;         // one router-to-router link, one direction, one NoC
  double worker_inject_bytes_per_cycle = 28.1;
  double worker_eject_bytes_per_cycle = 28.1;
  double dram_inject_bytes_per_cycle = 23.2;  // a DRAM tile's NIU sending read data
  double dram_eject_bytes_per_cycle = 24.0;   // a DRAM tile's NIU taking write data
  double dram_channel_bytes_per_cycle = 22.2; // one GDDR6 channel (bank), reads and writes together
  // Sustained bytes per cycle of a stream of packets of a given size: [[packet bytes, bytes/cycle], ...],
  // ascending; interpolated linearly, and from (0, 0) below the first entry.
  std::vector<Pair2> packet_throughput;
  uint64_t max_packet_bytes = 8192;

  // Latencies, cycles.
  double router_hop_cycles = 9;
  double niu_latency_cycles = 5;           // NIU <-> router, each way
  double read_overhead_cycles = 70;        // a read of the issuing core's own L1: issue to data back
  double write_overhead_cycles = 40;       // issue to the first byte leaving the NIU
  double dram_read_latency_cycles = 0;     // extra for reads served by DRAM

  // Packets one NIU can stream at once through one router output port, by virtual-channel class.
  uint32_t response_vcs = 2;
  uint32_t unicast_write_vcs = 1;
  uint32_t multicast_vcs = 1;

  double PacketThroughput(uint64_t packet_bytes) const;
};

// Throws ProfileError naming the file and key when the values do not fit together.
NocParams NocParamsFromProfile(const DeviceProfile& profile);

const std::vector<const ParamBase*>& NocParamList();

}  // namespace tilesim::emu::timing
