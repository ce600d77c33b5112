// The per-program state of one worker core: its circular buffers, semaphores and the kernel contexts
// blocked on them, all guarded by the core's lock.
//
// Locking rule: at most one core lock is held at a time (never nested), and the scheduler's queue lock may
// be taken while holding a core lock but never the other way round.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/emulator.h"

namespace tilesim::emu {

class KernelContext;

inline constexpr uint32_t kMaxCircularBuffers = 32;

// A FIFO of fixed-size pages in L1. The producer pushes to the back, the consumer pops from the front.
// Counters are totals since the program started; page i of the FIFO lives at address + (i % num_pages) *
// page_size, so the read and write pointers wrap around at the end of the buffer.
struct CircularBuffer {
  bool configured = false;
  CircularBufferSpec spec;
  uint64_t pushed = 0;     // pages the producer has published
  uint64_t popped = 0;     // pages the consumer has freed
  uint32_t reserved = 0;   // pages reserved at the back (cb_reserve_back) and not yet pushed
  uint32_t packed = 0;     // pack_tile's next page, relative to the back; reset by cb_push_back

  uint32_t PagesReady() const { return static_cast<uint32_t>(pushed - popped); }
  uint32_t PagesFree() const { return spec.num_pages - PagesReady(); }
  uint32_t FrontPage() const { return static_cast<uint32_t>(popped % spec.num_pages); }
  uint32_t BackPage() const { return static_cast<uint32_t>(pushed % spec.num_pages); }
  uint32_t PageAddress(uint32_t page) const { return spec.address + page * spec.page_size; }
  uint32_t end_address() const { return spec.address + spec.num_pages * spec.page_size; }
  // "cb 1: 0 of 2 pages ready, 2 free (producer pushed 0, consumer popped 0)"
  std::string Describe() const;
};

struct CoreRuntime {
  CoreCoord core;
  uint32_t core_index = 0;
  uint8_t* l1 = nullptr;
  uint32_t l1_size = 0;

  std::mutex lock;
  std::array<CircularBuffer, kMaxCircularBuffers> cbs;   // guarded by lock (spec is immutable once running)
  std::vector<SemaphoreSpec> semaphores;                 // immutable once running
  // Contexts of this core parked until a CB or semaphore condition holds; at most one per role.
  std::array<KernelContext*, 3> waiters{};               // guarded by lock
  uint32_t num_waiters = 0;                              // guarded by lock

  // The semaphore whose word is at `address`, or null.
  const SemaphoreSpec* SemaphoreAt(uint32_t address) const;
  // 32-bit word of L1; the caller holds `lock` when the word may change concurrently (semaphores).
  uint32_t LoadWord(uint32_t address) const;
  void StoreWord(uint32_t address, uint32_t value);
};

}  // namespace tilesim::emu
