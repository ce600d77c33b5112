// A first-fit allocator of one address range, applied to every bank of a kind at once: interleaved
// buffers occupy the same address range in each bank, as in TT-Metalium, so one range allocator serves
// all DRAM banks (or all L1 banks).
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace tilesim::host {

class BankAllocator {
 public:
  // Addresses in [begin, end), aligned to `alignment` (a power of two). Top-down allocators place each
  // block as high as possible, as TT-Metalium does for L1 buffers (circular buffers grow up from below).
  BankAllocator(uint64_t begin, uint64_t end, uint32_t alignment, bool top_down);

  // The address of a new block of `size` bytes (rounded up to the alignment), or nullopt if no gap fits.
  std::optional<uint64_t> Allocate(uint64_t size);
  // Frees the block at `address`; false if no block starts there.
  bool Free(uint64_t address);

  uint64_t begin() const { return begin_; }
  uint64_t end() const { return end_; }
  // The lowest address in use, or end() when nothing is allocated.
  uint64_t lowest_allocated() const;
  uint64_t largest_free_block() const;
  uint64_t bytes_allocated() const;

 private:
  uint64_t begin_;
  uint64_t end_;
  uint64_t alignment_;
  bool top_down_;
  std::map<uint64_t, uint64_t> blocks_;  // address -> rounded size
};

}  // namespace tilesim::host
