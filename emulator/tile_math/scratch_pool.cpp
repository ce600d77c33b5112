// The scratch pools (scratch_pool.h), one per ScratchUse: 2 MiB-aligned regions (advised for huge pages
// for dense use) carved into blocks, blocks recycled through per-size free lists threaded through the free
// blocks themselves (so handing a block back never allocates and never throws).
//
// Under AddressSanitizer the pool steps aside and every block is an ordinary aligned operator new, so the
// sanitizer still sees overruns of DST or of a prepared operand.
#include "emulator/tile_math/scratch_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <new>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define TILESIM_SCRATCH_FROM_HEAP 1
#endif

namespace tilesim::emu::tile {
namespace {

constexpr size_t kPageBytes = 4096;
constexpr size_t kHugePageBytes = size_t{2} << 20;
constexpr size_t kRegionBytes = size_t{32} << 20;  // a 64-core program's scratch is ~15 MiB

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

#if !defined(TILESIM_SCRATCH_FROM_HEAP)

class ScratchPool {
 public:
  // Never destroyed: blocks owned by objects with static storage may come back during exit.
  static ScratchPool& Instance(ScratchUse use) {
    static ScratchPool* dense = new ScratchPool(true);
    static ScratchPool* sparse = new ScratchPool(false);
    return use == ScratchUse::Dense ? *dense : *sparse;
  }

  void* Take(size_t bytes) {
    std::lock_guard lock(mutex_);
    FreeBlock*& head = free_[bytes];  // the one place that may allocate (a new size)
    if (head != nullptr) return std::exchange(head, head->next);
    if (bytes > region_left_) NewRegion(bytes);
    void* block = region_next_;
    region_next_ += bytes;
    region_left_ -= bytes;
    return block;
  }

  void Give(void* block, size_t bytes) noexcept {
    std::lock_guard lock(mutex_);
    FreeBlock*& head = free_.find(bytes)->second;  // present: Take created it for this size
    head = ::new (block) FreeBlock{head};
  }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };

  explicit ScratchPool(bool huge_pages) : huge_pages_(huge_pages) {}

  // What is left of the previous region stays unused (at most one block's worth).
  void NewRegion(size_t bytes) {
    const size_t size = std::max(kRegionBytes, RoundUp(bytes, kHugePageBytes));
    void* raw = mmap(nullptr, size + kHugePageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = RoundUp(start, kHugePageBytes);
    if (aligned > start) munmap(raw, aligned - start);
    munmap(reinterpret_cast<void*>(aligned + size), start + kHugePageBytes - aligned);
#if defined(MADV_HUGEPAGE)
    // Advice only: without transparent huge pages the region simply faults in 4 KiB pages.
    if (huge_pages_) madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
#endif
    region_next_ = reinterpret_cast<char*>(aligned);
    region_left_ = size;
  }

  const bool huge_pages_;
  std::mutex mutex_;
  std::map<size_t, FreeBlock*> free_;  // by block size
  char* region_next_ = nullptr;
  size_t region_left_ = 0;
};

void* TakeBlock(size_t bytes, ScratchUse use) { return ScratchPool::Instance(use).Take(bytes); }
void GiveBlock(void* block, size_t bytes, ScratchUse use) noexcept { ScratchPool::Instance(use).Give(block, bytes); }

#else

void* TakeBlock(size_t bytes, ScratchUse) { return ::operator new(bytes, std::align_val_t{kPageBytes}); }
void GiveBlock(void* block, size_t, ScratchUse) noexcept { ::operator delete(block, std::align_val_t{kPageBytes}); }

#endif

}  // namespace

ScratchBlock::ScratchBlock(size_t bytes, ScratchUse use)
    : size_(RoundUp(std::max<size_t>(bytes, 1), kPageBytes)), use_(use) {
  data_ = TakeBlock(size_, use_);
}

ScratchBlock::~ScratchBlock() { Release(); }

ScratchBlock::ScratchBlock(ScratchBlock&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)), use_(other.use_) {}

ScratchBlock& ScratchBlock::operator=(ScratchBlock&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    use_ = other.use_;
  }
  return *this;
}

void ScratchBlock::Release() {
  if (data_ != nullptr) GiveBlock(data_, size_, use_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace tilesim::emu::tile
