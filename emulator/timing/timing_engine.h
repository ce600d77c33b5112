// The timing engine: a deterministic discrete-event replay of a run's event logs (event_log.h) against a
// device profile, producing cycles, per-kernel stalls, FPU use and NoC/DRAM traffic (tilesim/perf.h).
//
// Every context advances its own clock by the profile's costs of what it logged and blocks, in model
// time, on the same conditions it blocked on functionally: a consumer's cb_wait_front ends when the
// producer's push of the page it needs has happened, a producer's cb_reserve_back when the consumer has
// freed the page, a NoC barrier when the NoC model says the context's transfers have landed, a semaphore
// wait when the value it waits for has arrived. Contexts are processed in model-time order (ties by
// context index), so the result depends only on the logs and the profile, never on host threads.
//
// Compute context (the three TRISCs as one): the RISC-V issues tile operations and runs ahead of the
// FPU; an FPU operation starts when the FPU is free and costs max(math cycles, unpack of its operands)
// (the unpacker feeds the next operation while the FPU computes); pack_tile runs on the packer after
// the math that produced its DST tile, so with DST half-sync the math of the next section overlaps the
// pack of the previous one: tile_regs_acquire waits only for the pack of the section two back.
// A compute kernel's cb_pop_front takes effect when the FPU is done with the operands, its cb_push_back
// when the packer is done; the issuing thread runs on (the unpack and pack TRISCs do these calls).
//
// Semaphore writes to other cores take effect after the NoC's start latency for a 4-byte write; they
// do not load the links. Scalar instructions between calls cost riscv.alu_cycles each.
#pragma once

#include <stdexcept>

#include "emulator/event_log.h"
#include "emulator/timing/device_profile.h"
#include "tilesim/perf.h"

namespace tilesim::emu::timing {

// A log the engine cannot replay: a deadlock in model time, or an event that does not fit the device.
class TimingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TimingOptions {
  bool record_intervals = false;  // stall intervals, CB occupancy samples and transfers (for traces)
};

perf::PerfResult ReplayEventLog(const ProgramEventLog& log, const DeviceProfile& profile, const TimingOptions& options = {});

}  // namespace tilesim::emu::timing
