// Resolving NoC addresses to memories, with the bounds checks every NoC intrinsic shares.
//
// Every check traps (KernelTrap) with the intrinsic's name, the NoC address and what is wrong, so that a
// bad address is a clear kernel error and never undefined behaviour.
#pragma once

#include <cstdint>
#include <vector>

#include "emulator/device_state.h"
#include "emulator/noc_address.h"

namespace tilesim::emu {

class KernelContext;
struct CoreRuntime;

namespace api {

// A resolved unicast NoC target: a worker core's L1 or a DRAM bank, and a byte range inside it.
struct NocTarget {
  NocEndpoint endpoint;
  uint64_t local = 0;
};

// Decodes a unicast address and checks [local, local + size) lies inside the target's memory.
NocTarget ResolveUnicast(KernelContext& ctx, uint64_t noc_address, uint64_t size, const char* op);
// The worker cores of a multicast rectangle in row-major NoC order, without the sender unless
// `include_sender`; checks [local, local + size) fits their L1 and that num_dests matches the count.
std::vector<CoreRuntime*> ResolveMulticast(KernelContext& ctx, uint64_t noc_address, uint64_t size, uint32_t num_dests,
                                           bool include_sender, const char* op, uint64_t& local);
// Checks [address, address + size) lies inside this core's L1.
void CheckLocalL1(const KernelContext& ctx, uint64_t address, uint64_t size, const char* op, const char* what);
// Checks a 32-bit word address: inside L1 and 4-byte aligned.
void CheckLocalWord(const KernelContext& ctx, uint64_t address, const char* op);

// Copies from a resolved target (source of a read).
void ReadTarget(KernelContext& ctx, const NocTarget& target, uint8_t* dst, uint64_t size);
// Copies into a resolved target under the target core's lock, waking its waiters (e.g. a semaphore word).
void WriteTarget(KernelContext& ctx, const NocTarget& target, const uint8_t* src, uint64_t size);
// Copies into a worker core's L1 under its lock, waking its waiters.
void WriteWorkerL1(KernelContext& ctx, CoreRuntime& core, uint64_t local, const uint8_t* src, uint64_t size);

}  // namespace api
}  // namespace tilesim::emu
