// The event log of a run: what each kernel context did, in its own program order, for the timing engine.
//
// Logging is off unless RunOptions::record_events asks for it. When it is on, the kernels are linked
// against a second intrinsic table whose entries call the ordinary handler and then, if the call
// completed, append one KernelEvent (kernel_api/dispatch_table.cpp). A call that blocks is logged once,
// when it finally completes. The handlers themselves are untouched, so logging cannot change results.
//
// Events are plain data: the intrinsic, its first arguments as the kernel passed them (NoC addresses
// still encoded, so the timing engine decodes source and destination itself), and the context's executed
// instruction count at the call, from which the engine charges the scalar work between two calls.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "emulator/emulator.h"
#include "tilesim/bytecode/intrinsics.h"
#include "tilesim/kernel_role.h"

namespace tilesim::emu {

struct KernelEvent {
  uint64_t instructions = 0;      // VmState::instructions when the call completed
  std::array<uint64_t, 4> args{};  // the call's first four arguments (fewer are zero)
  uint32_t value = 0;             // semaphore set_remote / set_multicast: the word sent
  uint16_t intrinsic = 0;         // bc::Intrinsic
  bc::Intrinsic op() const { return static_cast<bc::Intrinsic>(intrinsic); }
};

// One kernel context's log.
struct ContextLog {
  CoreCoord core;
  KernelRole role = KernelRole::DataMovement0;
  std::string kernel;        // kernel name
  ComputeSpec compute;       // math fidelity etc. of a compute kernel
  uint32_t noc = 0;          // NoC index of a data movement kernel
  uint64_t instructions = 0; // executed in total (the scalar work after the last event counts too)
  std::vector<KernelEvent> events;
};

// Everything the timing engine needs about one run: the device's shape, every core's CBs and semaphores,
// and the logs of all contexts (in the order Run created them, which is deterministic).
struct ProgramEventLog {
  DeviceConfig device;
  std::vector<CoreResources> cores;
  std::vector<ContextLog> contexts;
};

}  // namespace tilesim::emu
