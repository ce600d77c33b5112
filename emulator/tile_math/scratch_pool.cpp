// The scratch pool (scratch_pool.h): large anonymous regions carved into blocks, blocks recycled through
// per-size free lists threaded through the free blocks themselves (so handing a block back never allocates
// and never throws).
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
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define TILESIM_SCRATCH_FROM_HEAP 1
#endif

namespace tilesim::emu::tile {
namespace {

constexpr size_t kPageBytes = 4096;
constexpr size_t kRegionBytes = size_t{32} << 20;  // an 8x8 device: ~92 MiB of L1, ~15 MiB of compute scratch

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

#if !defined(TILESIM_SCRATCH_FROM_HEAP)

// Faults in every page of [block, block + bytes) for writing; the contents become unspecified.
void CommitPages(void* block, size_t bytes) {
#if defined(MADV_POPULATE_WRITE)
  // One system call instead of a trap per page (Linux 5.14+); pages already present are skipped.
  if (madvise(block, bytes, MADV_POPULATE_WRITE) == 0) return;
#endif
  auto* bytes_of = static_cast<volatile char*>(block);
  for (size_t offset = 0; offset < bytes; offset += kPageBytes) bytes_of[offset] = 0;
}

class ScratchPool {
 public:
  // Never destroyed: blocks owned by objects with static storage may come back during exit.
  static ScratchPool& Instance() {
    static ScratchPool* pool = new ScratchPool;
    return *pool;
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

  // Takes `count` blocks, faults in every page of them outside the lock, and hands them back: the free
  // list of that size then holds them ready. Pages already present cost one store each.
  void Reserve(size_t bytes, size_t count) {
    std::vector<void*> blocks;
    blocks.reserve(count);
    try {
      for (size_t i = 0; i < count; ++i) blocks.push_back(Take(bytes));
    } catch (...) {
      for (void* block : blocks) Give(block, bytes);
      throw;
    }
    for (void* block : blocks) CommitPages(block, bytes);
    // Back in reverse, so the free list hands them out in the order they were touched.
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) Give(*it, bytes);
  }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };

  // What is left of the previous region (less than the block that did not fit) stays unused.
  void NewRegion(size_t bytes) {
    const size_t size = std::max(kRegionBytes, RoundUp(bytes, kPageBytes));
    void* region = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) throw std::bad_alloc();
    region_next_ = static_cast<char*>(region);
    region_left_ = size;
  }

  std::mutex mutex_;
  std::map<size_t, FreeBlock*> free_;  // by block size
  char* region_next_ = nullptr;
  size_t region_left_ = 0;
};

void* TakeBlock(size_t bytes) { return ScratchPool::Instance().Take(bytes); }
void GiveBlock(void* block, size_t bytes) noexcept { ScratchPool::Instance().Give(block, bytes); }
void ReserveBlocks(size_t bytes, size_t count) { ScratchPool::Instance().Reserve(bytes, count); }

#else

void* TakeBlock(size_t bytes) { return ::operator new(bytes, std::align_val_t{kPageBytes}); }
void GiveBlock(void* block, size_t) noexcept { ::operator delete(block, std::align_val_t{kPageBytes}); }
void ReserveBlocks(size_t, size_t) {}  // heap blocks are fresh every time: nothing to keep ready

#endif

}  // namespace

void ReserveScratch(size_t bytes, size_t count) { ReserveBlocks(RoundUp(std::max<size_t>(bytes, 1), kPageBytes), count); }

ScratchBlock::ScratchBlock(size_t bytes) : size_(RoundUp(std::max<size_t>(bytes, 1), kPageBytes)) {
  data_ = TakeBlock(size_);
}

ScratchBlock::~ScratchBlock() { Release(); }

ScratchBlock::ScratchBlock(ScratchBlock&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

ScratchBlock& ScratchBlock::operator=(ScratchBlock&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void ScratchBlock::Release() {
  if (data_ != nullptr) GiveBlock(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace tilesim::emu::tile
