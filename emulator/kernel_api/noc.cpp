// Kernel API: NoC addressing and transfers.
//
// Data moves when a transfer is issued, so a race-free program sees the same bytes whatever the thread
// count, and barriers never wait. What the barriers do is retire the kernel's bookkeeping of transfers in
// flight (kernel_context.h: NocTransactions), against which cb_push_back / cb_pop_front check.
#include <string>

#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_api/noc_access.h"
#include "emulator/kernel_context.h"
#include "emulator/noc_address.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu::api {
namespace {

void CheckCoord(uint32_t value, const char* op, const char* name) {
  if (value > noc::kMaxCoord) {
    throw KernelTrap(std::string(op) + ": NoC " + name + " = " + std::to_string(value) +
                     " is outside the NoC address space (coordinates are 0.." + std::to_string(noc::kMaxCoord) + ")");
  }
}

uint64_t CheckedLocal(uint64_t local, const char* op) {
  if (local > noc::kLocalMask) {
    throw KernelTrap(std::string(op) + ": local address " + Hex(local) + " does not fit the 36 bits of a NoC address");
  }
  return local;
}

uint64_t BankAddress(KernelContext& ctx, uint32_t bank, uint64_t local, bool is_dram, const char* op) {
  const DeviceState& device = ctx.device();
  const uint32_t banks = is_dram ? device.config().num_dram_banks : device.num_cores();
  if (bank >= banks) {
    throw KernelTrap(std::string(op) + ": bank " + std::to_string(bank) + " does not exist (the device has " +
                     std::to_string(banks) + (is_dram ? " DRAM banks)" : " L1 banks, one per worker core)"));
  }
  const NocCoord c = is_dram ? device.config().dram_bank_noc[bank] : device.WorkerNoc(device.CoreAt(bank));
  return noc::EncodeUnicast(c.x, c.y, CheckedLocal(local, op));
}

CallStatus MulticastWrite(KernelContext& ctx, const uint64_t* args, bool loopback, const char* op) {
  const uint32_t src = U32(args, 0);
  const uint32_t size = U32(args, 2);
  CheckLocalL1(ctx, src, size, op, "source");
  uint64_t local = 0;
  for (CoreRuntime* dest : ResolveMulticast(ctx, args[1], size, U32(args, 3), loopback, op, local)) {
    WriteWorkerL1(ctx, *dest, local, ctx.core().l1 + src, size);
  }
  ++ctx.noc.writes_issued;
  NocTransactions::Track(ctx.noc.unflushed_write_srcs, L1Range{src, src + size});
  ctx.NoteProgress();
  return CallStatus::Done;
}

}  // namespace

CallStatus get_noc_addr(KernelContext&, const uint64_t* args, uint64_t& result) {
  CheckCoord(U32(args, 0), "get_noc_addr", "x");
  CheckCoord(U32(args, 1), "get_noc_addr", "y");
  result = noc::EncodeUnicast(U32(args, 0), U32(args, 1), U32(args, 2));
  return CallStatus::Done;
}

CallStatus get_noc_addr_interleaved(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  const uint32_t page_id = U32(args, 0);
  const uint64_t base = U32(args, 1);
  const uint64_t page_size = U32(args, 2);
  const bool is_dram = U32(args, 3) != 0;
  const uint64_t offset = U32(args, 4);
  const DeviceState& device = ctx.device();
  const uint32_t banks = is_dram ? device.config().num_dram_banks : device.num_cores();
  // Page i lives in bank i % banks at base + (i / banks) * page_size (REFERENCE.md).
  result = BankAddress(ctx, page_id % banks, base + (page_id / banks) * page_size + offset, is_dram,
                       "get_noc_addr_interleaved");
  return CallStatus::Done;
}

CallStatus get_noc_addr_from_bank_id(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  result = BankAddress(ctx, U32(args, 0), U32(args, 1), U32(args, 2) != 0, "get_noc_addr_from_bank_id");
  return CallStatus::Done;
}

CallStatus get_noc_multicast_addr(KernelContext&, const uint64_t* args, uint64_t& result) {
  static constexpr const char* kNames[] = {"x_start", "y_start", "x_end", "y_end"};
  for (uint32_t i = 0; i < 4; ++i) CheckCoord(U32(args, i), "get_noc_multicast_addr", kNames[i]);
  const noc::NocRect rect = noc::MakeRect(U32(args, 0), U32(args, 1), U32(args, 2), U32(args, 3));
  result = noc::EncodeMulticast(rect, U32(args, 4));
  return CallStatus::Done;
}

CallStatus noc_async_read(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t dst = U32(args, 1);
  const uint32_t size = U32(args, 2);
  CheckLocalL1(ctx, dst, size, "noc_async_read", "destination");
  const NocTarget src = ResolveUnicast(ctx, args[0], size, "noc_async_read");
  ReadTarget(ctx, src, ctx.core().l1 + dst, size);
  ++ctx.noc.reads_issued;
  NocTransactions::Track(ctx.noc.unbarriered_read_dsts, L1Range{dst, dst + size});
  ctx.NoteProgress();
  return CallStatus::Done;
}

CallStatus noc_async_write(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t src = U32(args, 0);
  const uint32_t size = U32(args, 2);
  CheckLocalL1(ctx, src, size, "noc_async_write", "source");
  const NocTarget dst = ResolveUnicast(ctx, args[1], size, "noc_async_write");
  WriteTarget(ctx, dst, ctx.core().l1 + src, size);
  ++ctx.noc.writes_issued;
  NocTransactions::Track(ctx.noc.unflushed_write_srcs, L1Range{src, src + size});
  ctx.NoteProgress();
  return CallStatus::Done;
}

CallStatus noc_async_write_multicast(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return MulticastWrite(ctx, args, /*loopback=*/false, "noc_async_write_multicast");
}

CallStatus noc_async_write_multicast_loopback_src(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  return MulticastWrite(ctx, args, /*loopback=*/true, "noc_async_write_multicast_loopback_src");
}

CallStatus noc_async_read_barrier(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.noc.reads_landed = ctx.noc.reads_issued;
  ctx.noc.unbarriered_read_dsts.clear();
  return CallStatus::Done;
}

CallStatus noc_async_write_barrier(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.noc.writes_landed = ctx.noc.writes_issued;
  ctx.noc.unflushed_write_srcs.clear();
  return CallStatus::Done;
}

CallStatus noc_async_writes_flushed(KernelContext& ctx, const uint64_t*, uint64_t&) {
  // The writes have left the core (their sources may be reused) but need not have landed yet.
  ctx.noc.unflushed_write_srcs.clear();
  return CallStatus::Done;
}

CallStatus noc_async_atomic_barrier(KernelContext& ctx, const uint64_t*, uint64_t&) {
  ctx.noc.atomics_landed = ctx.noc.atomics_issued;
  return CallStatus::Done;
}

}  // namespace tilesim::emu::api
