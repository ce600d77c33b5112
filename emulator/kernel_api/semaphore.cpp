// Kernel API: semaphores, 32-bit words in L1. Every read-modify-write happens under the owning core's
// lock, which makes noc_semaphore_inc atomic and lets a write wake the core's waiters (kernel_context.h).
#include <mutex>
#include <string>

#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_api/noc_access.h"
#include "emulator/kernel_context.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu::api {
namespace {

// The worker core and word a semaphore NoC address names.
CoreRuntime& RemoteWord(KernelContext& ctx, uint64_t noc_address, const char* op, uint64_t& local) {
  const NocTarget target = ResolveUnicast(ctx, noc_address, 4, op);
  if (target.endpoint.kind != NocEndpoint::Kind::Worker) {
    throw KernelTrap(std::string(op) + ": NoC address " + noc::FormatAddress(noc_address) +
                     " is in a DRAM bank; semaphores live in a worker core's L1");
  }
  if (target.local % 4 != 0) {
    throw KernelTrap(std::string(op) + ": semaphore address " + Hex(target.local) + " is not 4-byte aligned");
  }
  local = target.local;
  return ctx.program().Core(target.endpoint.index);
}

uint32_t LoadLocalWord(KernelContext& ctx, uint32_t address) {
  std::lock_guard lock(ctx.core().lock);
  return ctx.core().LoadWord(address);
}

void StoreWordAndWake(KernelContext& ctx, CoreRuntime& core, uint64_t local, uint32_t value) {
  UpdateCoreAndWake(ctx.program(), core, [&] { core.StoreWord(static_cast<uint32_t>(local), value); });
}

CallStatus Wait(KernelContext& ctx, const uint64_t* args, WaitReason::Kind kind, const char* op) {
  const uint32_t address = U32(args, 0);
  CheckLocalWord(ctx, address, op);
  const WaitReason wait{kind, address, U32(args, 1)};
  std::lock_guard lock(ctx.core().lock);
  if (WaitSatisfied(ctx.core(), wait)) return CallStatus::Done;
  ctx.wait = wait;
  return CallStatus::Block;
}

CallStatus SetMulticast(KernelContext& ctx, const uint64_t* args, bool loopback, const char* op) {
  const uint32_t src = U32(args, 0);
  CheckLocalWord(ctx, src, op);
  const uint32_t value = LoadLocalWord(ctx, src);
  uint64_t local = 0;
  for (CoreRuntime* dest : ResolveMulticast(ctx, args[1], 4, U32(args, 2), loopback, op, local)) {
    if (local % 4 != 0) throw KernelTrap(std::string(op) + ": semaphore address " + Hex(local) + " is not 4-byte aligned");
    StoreWordAndWake(ctx, *dest, local, value);
  }
  ++ctx.noc.writes_issued;
  NocTransactions::Track(ctx.noc.unflushed_write_srcs, L1Range{src, src + 4});
  ctx.NoteProgress();
  return CallStatus::Done;
}

}  // namespace

CallStatus get_semaphore(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  const uint32_t id = U32(args, 0);
  for (const SemaphoreSpec& s : ctx.core().semaphores) {
    if (s.id == id) {
      result = s.address;
      return CallStatus::Done;
    }
  }
  throw KernelTrap("get_semaphore(" + std::to_string(id) + "): core (" + std::to_string(ctx.core().core.x) + "," +
                   std::to_string(ctx.core().core.y) + ") has no semaphore " + std::to_string(id) + " (CreateSemaphore)");
}

CallStatus noc_semaphore_set(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t address = U32(args, 0);
  CheckLocalWord(ctx, address, "noc_semaphore_set");
  StoreWordAndWake(ctx, ctx.core(), address, U32(args, 1));
  ctx.NoteProgress();
  return CallStatus::Done;
}

CallStatus noc_semaphore_wait(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Wait(ctx, args, WaitReason::Kind::SemaphoreEqual, "noc_semaphore_wait");
}

CallStatus noc_semaphore_wait_min(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return Wait(ctx, args, WaitReason::Kind::SemaphoreAtLeast, "noc_semaphore_wait_min");
}

CallStatus noc_semaphore_inc(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  uint64_t local = 0;
  CoreRuntime& core = RemoteWord(ctx, args[0], "noc_semaphore_inc", local);
  const uint32_t increment = U32(args, 1);
  UpdateCoreAndWake(ctx.program(), core, [&] {
    const auto address = static_cast<uint32_t>(local);
    core.StoreWord(address, core.LoadWord(address) + increment);
  });
  ++ctx.noc.atomics_issued;
  ctx.NoteProgress();
  return CallStatus::Done;
}

CallStatus noc_semaphore_set_remote(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t src = U32(args, 0);
  CheckLocalWord(ctx, src, "noc_semaphore_set_remote");
  uint64_t local = 0;
  CoreRuntime& core = RemoteWord(ctx, args[1], "noc_semaphore_set_remote", local);
  StoreWordAndWake(ctx, core, local, LoadLocalWord(ctx, src));
  ++ctx.noc.writes_issued;
  NocTransactions::Track(ctx.noc.unflushed_write_srcs, L1Range{src, src + 4});
  ctx.NoteProgress();
  return CallStatus::Done;
}

CallStatus noc_semaphore_set_multicast(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return SetMulticast(ctx, args, /*loopback=*/false, "noc_semaphore_set_multicast");
}

CallStatus noc_semaphore_set_multicast_loopback_src(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return SetMulticast(ctx, args, /*loopback=*/true, "noc_semaphore_set_multicast_loopback_src");
}

}  // namespace tilesim::emu::api
