// Kernel API: circular buffers. The producer reserves and pushes at the back, the consumer waits and pops
// at the front; page counters are totals, pointers wrap at the end of the buffer (core_runtime.h).
//
// Checks that catch real hardware bugs: a request for more pages than the CB holds can never complete; a
// push or pop beyond what is free or ready would corrupt the FIFO; a block of pages that runs past the end
// of the buffer (tt-metal's pointers wrap only between blocks, not inside one); publishing a page that an
// un-barriered noc_async_read still targets, or freeing one an un-flushed noc_async_write still reads.
#include <algorithm>
#include <mutex>
#include <string>

#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu::api {
namespace {

std::string Call(const char* op, uint32_t cb, uint32_t n) {
  return std::string(op) + "(cb=" + std::to_string(cb) + ", n=" + std::to_string(n) + ")";
}

std::string Pages(uint32_t n) { return std::to_string(n) + (n == 1 ? " page" : " pages"); }

void CheckSatisfiable(const CircularBuffer& cb, uint32_t n, const char* op) {
  if (n > cb.spec.num_pages) {
    throw KernelTrap(Call(op, cb.spec.index, n) + " can never complete: cb " + std::to_string(cb.spec.index) +
                     " holds only " + Pages(cb.spec.num_pages));
  }
}

// The n pages from `first_page` must not run past the end of the buffer.
void CheckContiguous(const CircularBuffer& cb, uint32_t first_page, uint32_t n, const char* op) {
  if (first_page + n > cb.spec.num_pages) {
    throw KernelTrap(Call(op, cb.spec.index, n) + ": the " + Pages(n) + " starting at page " + std::to_string(first_page) +
                     " of " + std::to_string(cb.spec.num_pages) +
                     " run past the end of the buffer (the CB's pointers wrap only between blocks): make the CB's "
                     "page count a multiple of the pages moved at a time");
  }
}

L1Range PagesRange(const CircularBuffer& cb, uint32_t first_page, uint32_t n) {
  return L1Range{cb.PageAddress(first_page), cb.PageAddress(first_page) + n * cb.spec.page_size};
}

}  // namespace

CallStatus cb_reserve_back(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t index = U32(args, 0);
  const uint32_t n = U32(args, 1);
  CircularBuffer& cb = ctx.Cb(index, "cb_reserve_back");
  CheckSatisfiable(cb, n, "cb_reserve_back");
  std::lock_guard lock(ctx.core().lock);
  if (cb.PagesFree() < n) {
    ctx.wait = WaitReason{WaitReason::Kind::CbBack, index, n};
    return CallStatus::Block;
  }
  CheckContiguous(cb, cb.BackPage(), n, "cb_reserve_back");
  cb.reserved = std::max(cb.reserved, n);
  return CallStatus::Done;
}

CallStatus cb_push_back(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t index = U32(args, 0);
  const uint32_t n = U32(args, 1);
  CircularBuffer& cb = ctx.Cb(index, "cb_push_back");
  UpdateCoreAndWake(ctx.program(), ctx.core(), [&] {
    if (n > cb.PagesFree()) {
      throw KernelTrap(Call("cb_push_back", index, n) + ": only " + Pages(cb.PagesFree()) +
                       " free; pushing more would overwrite pages the consumer has not popped (" + cb.Describe() + ")");
    }
    CheckContiguous(cb, cb.BackPage(), n, "cb_push_back");
    const L1Range pushed = PagesRange(cb, cb.BackPage(), n);
    if (NocTransactions::AnyOverlap(ctx.noc.unbarriered_read_dsts, pushed)) {
      throw KernelTrap(Call("cb_push_back", index, n) + ": L1 [" + Hex(pushed.begin) + ", " + Hex(pushed.end) +
                       ") is still the destination of a noc_async_read issued without a later "
                       "noc_async_read_barrier: missing noc_async_read_barrier before cb_push_back");
    }
    cb.pushed += n;
    cb.reserved = cb.reserved > n ? cb.reserved - n : 0;
    cb.packed = 0;
  });
  ctx.NoteProgress();
  return CallStatus::Done;
}

CallStatus cb_wait_front(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t index = U32(args, 0);
  const uint32_t n = U32(args, 1);
  CircularBuffer& cb = ctx.Cb(index, "cb_wait_front");
  CheckSatisfiable(cb, n, "cb_wait_front");
  std::lock_guard lock(ctx.core().lock);
  if (cb.PagesReady() < n) {
    ctx.wait = WaitReason{WaitReason::Kind::CbFront, index, n};
    return CallStatus::Block;
  }
  CheckContiguous(cb, cb.FrontPage(), n, "cb_wait_front");
  return CallStatus::Done;
}

CallStatus cb_pop_front(KernelContext& ctx, const uint64_t* args, uint64_t&) {
  const uint32_t index = U32(args, 0);
  const uint32_t n = U32(args, 1);
  CircularBuffer& cb = ctx.Cb(index, "cb_pop_front");
  UpdateCoreAndWake(ctx.program(), ctx.core(), [&] {
    if (n > cb.PagesReady()) {
      throw KernelTrap(Call("cb_pop_front", index, n) + ": only " + Pages(cb.PagesReady()) + " ready (" + cb.Describe() + ")");
    }
    CheckContiguous(cb, cb.FrontPage(), n, "cb_pop_front");
    const L1Range popped = PagesRange(cb, cb.FrontPage(), n);
    if (NocTransactions::AnyOverlap(ctx.noc.unflushed_write_srcs, popped)) {
      throw KernelTrap(Call("cb_pop_front", index, n) + ": L1 [" + Hex(popped.begin) + ", " + Hex(popped.end) +
                       ") is still the source of a noc_async_write issued without a later noc_async_write_barrier "
                       "(or noc_async_writes_flushed): missing write barrier before cb_pop_front");
    }
    cb.popped += n;
  });
  // The compute engine's prepared copies of this CB's pages must not outlive them (operand_cache.h).
  if (ctx.role() == KernelRole::Compute) ctx.compute().matmul_operands.InvalidateCb(index);
  ctx.NoteProgress();
  return CallStatus::Done;
}

CallStatus cb_pages_available_at_front(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  const uint32_t n = U32(args, 1);
  CircularBuffer& cb = ctx.Cb(U32(args, 0), "cb_pages_available_at_front");
  CheckSatisfiable(cb, n, "cb_pages_available_at_front");
  std::lock_guard lock(ctx.core().lock);
  result = cb.PagesReady() >= n ? 1 : 0;
  return CallStatus::Done;
}

CallStatus cb_pages_reservable_at_back(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  const uint32_t n = U32(args, 1);
  CircularBuffer& cb = ctx.Cb(U32(args, 0), "cb_pages_reservable_at_back");
  CheckSatisfiable(cb, n, "cb_pages_reservable_at_back");
  std::lock_guard lock(ctx.core().lock);
  result = cb.PagesFree() >= n ? 1 : 0;
  return CallStatus::Done;
}

CallStatus get_write_ptr(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  CircularBuffer& cb = ctx.Cb(U32(args, 0), "get_write_ptr");
  std::lock_guard lock(ctx.core().lock);
  result = cb.PageAddress(cb.BackPage());
  return CallStatus::Done;
}

CallStatus get_read_ptr(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  CircularBuffer& cb = ctx.Cb(U32(args, 0), "get_read_ptr");
  std::lock_guard lock(ctx.core().lock);
  result = cb.PageAddress(cb.FrontPage());
  return CallStatus::Done;
}

CallStatus get_tile_size(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  result = ctx.Cb(U32(args, 0), "get_tile_size").spec.page_size;
  return CallStatus::Done;
}

}  // namespace tilesim::emu::api
