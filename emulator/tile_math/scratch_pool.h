// Recycled memory for the compute engine's per-context scratch (DST sections and prepared operands) and
// for the devices' L1s.
//
// Every compute context of a run needs 64 KiB of DST and, once it multiplies, up to ~165 KiB of prepared
// operand slots. Fresh from the allocator these are fresh pages, and first-touching a page costs 1-3 us
// on a virtual machine: for a 64-core program that is milliseconds inside the run. Blocks therefore come
// from a process-wide pool and, when a run ends, go back to it for the next run instead of to the system
// (a process that runs many programs, like the test suites, pays for the pages once). Pages of a block
// that are never touched cost nothing, so a block may be sized for the most it could need. The pool only
// grows to the most scratch ever in use at once; it is never unmapped. (Transparent huge pages were tried
// for DST: no measurable gain, and a huge-page fault may stall on memory compaction.)
#pragma once

#include <cstddef>

namespace tilesim::emu::tile {

// A block of scratch memory, 4 KiB-aligned, with unspecified contents; returns to the pool when destroyed.
class ScratchBlock {
 public:
  ScratchBlock() = default;
  explicit ScratchBlock(size_t bytes);  // throws std::bad_alloc if the system has no memory for it
  ~ScratchBlock();
  ScratchBlock(ScratchBlock&& other) noexcept;
  ScratchBlock& operator=(ScratchBlock&& other) noexcept;
  ScratchBlock(const ScratchBlock&) = delete;
  ScratchBlock& operator=(const ScratchBlock&) = delete;

  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void Release();

  void* data_ = nullptr;
  size_t size_ = 0;  // rounded up to whole pages
};

// Makes the pool hold at least `count` free blocks of `bytes` (rounded up as ScratchBlock does) with every
// page already faulted in, so the next `count` ScratchBlocks of that size cost no page faults. A device
// calls this when it is opened, for the DSTs and operand slots of its cores: a page fault costs ~1.5 us on
// a virtual machine and faults do not run in parallel across threads, so inside a run they would both
// slow it and serialise it. Throws std::bad_alloc if the system has no memory for the blocks.
void ReserveScratch(size_t bytes, size_t count);

}  // namespace tilesim::emu::tile
