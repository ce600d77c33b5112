#include "runtime/host/bank_allocator.h"

#include <algorithm>

namespace tilesim::host {

namespace {
uint64_t AlignUp(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }
uint64_t AlignDown(uint64_t value, uint64_t alignment) { return value & ~(alignment - 1); }
}  // namespace

BankAllocator::BankAllocator(uint64_t begin, uint64_t end, uint32_t alignment, bool top_down)
    : begin_(AlignUp(begin, alignment)), end_(AlignDown(end, alignment)), alignment_(alignment), top_down_(top_down) {
  if (end_ < begin_) end_ = begin_;
}

std::optional<uint64_t> BankAllocator::Allocate(uint64_t size) {
  if (size == 0 || size > end_ - begin_) return std::nullopt;
  const uint64_t rounded = AlignUp(size, alignment_);
  if (rounded > end_ - begin_) return std::nullopt;
  std::optional<uint64_t> chosen;
  if (!top_down_) {
    uint64_t gap_begin = begin_;
    for (const auto& [address, block] : blocks_) {
      if (address - gap_begin >= rounded) break;
      gap_begin = address + block;
    }
    if (end_ - gap_begin >= rounded) chosen = gap_begin;
  } else {
    uint64_t gap_end = end_;
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
      const uint64_t block_end = it->first + it->second;
      if (gap_end - block_end >= rounded) break;
      gap_end = it->first;
    }
    if (gap_end - begin_ >= rounded) chosen = gap_end - rounded;
  }
  if (chosen) blocks_.emplace(*chosen, rounded);
  return chosen;
}

bool BankAllocator::Free(uint64_t address) { return blocks_.erase(address) == 1; }

uint64_t BankAllocator::lowest_allocated() const { return blocks_.empty() ? end_ : blocks_.begin()->first; }

uint64_t BankAllocator::largest_free_block() const {
  uint64_t largest = 0;
  uint64_t gap_begin = begin_;
  for (const auto& [address, block] : blocks_) {
    largest = std::max(largest, address - gap_begin);
    gap_begin = address + block;
  }
  return std::max(largest, end_ - gap_begin);
}

uint64_t BankAllocator::bytes_allocated() const {
  uint64_t total = 0;
  for (const auto& [address, block] : blocks_) total += block;
  return total;
}

}  // namespace tilesim::host
