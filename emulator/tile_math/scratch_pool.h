// Recycled memory for the compute engine's per-context scratch: DST sections and prepared operands.
//
// Every compute context of a run needs 64 KiB of DST and, once it multiplies, up to ~165 KiB of prepared
// operand slots. Fresh from the allocator these are fresh pages, and first-touching a page costs 1-3 us
// on a virtual machine: for a 64-core program that is milliseconds inside the run. Blocks therefore come
// from a process-wide pool and, when a run ends, go back to it for the next run instead of to the system.
// Memory that is touched whole (DST) comes from 2 MiB-aligned regions advised for transparent huge pages:
// one fault per 2 MiB instead of 512, where the kernel allows it. Memory touched sparsely (operand slots,
// of which a context may use few) comes from ordinary regions, where untouched pages cost nothing. The
// pool only grows to the most scratch ever in use at once; it is never unmapped.
#pragma once

#include <cstddef>

namespace tilesim::emu::tile {

// How a block's pages will be touched: all of them soon (huge pages help), or only some (they would not).
enum class ScratchUse { Dense, Sparse };

// A block of scratch memory, 4 KiB-aligned, with unspecified contents; returns to the pool when destroyed.
class ScratchBlock {
 public:
  ScratchBlock() = default;
  ScratchBlock(size_t bytes, ScratchUse use);  // throws std::bad_alloc if the system has no memory for it
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
  ScratchUse use_ = ScratchUse::Dense;
};

}  // namespace tilesim::emu::tile
