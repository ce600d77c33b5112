// Recycled memory for the compute engine's per-context scratch: DST sections and prepared operands.
//
// Every compute context of a run needs ~64 KiB of DST and, once it multiplies, ~165 KiB of prepared operand
// slots. Fresh from the allocator these are fresh pages, and a first-touch page fault costs 1-3 us on a
// virtual machine: for a 64-core program that is several milliseconds inside the run. Blocks therefore
// come from a process-wide pool: backed by 2 MiB-aligned regions advised for transparent huge pages (one
// fault per 2 MiB instead of one per 4 KiB, where the kernel allows it) and, when a run ends, handed back
// for the next run instead of returned to the system. The pool only grows to the most scratch ever in use
// at once; it is never unmapped.
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

}  // namespace tilesim::emu::tile
