// Device memories: lazily backed DRAM banks, committed L1s and the NoC coordinate map (device_state.h).
#include "emulator/device_state.h"

#include "emulator/dst_register.h"
#include "emulator/noc_address.h"
#include "emulator/tile_math/operand_cache.h"
#include "emulator/tile_math/scratch_pool.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace tilesim::emu {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kCommitL1 = false;
#else
constexpr bool kCommitL1 = true;
#endif

}  // namespace

DramBank::DramBank(uint64_t size)
    : size_(size), chunks_(new std::atomic<uint8_t*>[(size + kChunkBytes - 1) / kChunkBytes]) {
  const uint64_t n = (size + kChunkBytes - 1) / kChunkBytes;
  for (uint64_t i = 0; i < n; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
}

uint8_t* DramBank::ChunkForWrite(uint64_t chunk) {
  uint8_t* p = chunks_[chunk].load(std::memory_order_acquire);
  if (p != nullptr) return p;
  std::lock_guard lock(allocate_mutex_);
  p = chunks_[chunk].load(std::memory_order_relaxed);
  if (p == nullptr) {
    owned_.emplace_back(new uint8_t[kChunkBytes]());  // zeroed, like an untouched chunk reads
    p = owned_.back().get();
    chunks_[chunk].store(p, std::memory_order_release);
  }
  return p;
}

void DramBank::Read(uint64_t offset, uint8_t* dst, uint64_t n) const {
  while (n > 0) {
    const uint64_t chunk = offset / kChunkBytes;
    const uint64_t in_chunk = offset % kChunkBytes;
    const uint64_t len = std::min(n, kChunkBytes - in_chunk);
    const uint8_t* p = chunks_[chunk].load(std::memory_order_acquire);
    if (p == nullptr) {
      std::memset(dst, 0, len);
    } else {
      std::memcpy(dst, p + in_chunk, len);
    }
    dst += len;
    offset += len;
    n -= len;
  }
}

void DramBank::Write(uint64_t offset, const uint8_t* src, uint64_t n) {
  while (n > 0) {
    const uint64_t chunk = offset / kChunkBytes;
    const uint64_t in_chunk = offset % kChunkBytes;
    const uint64_t len = std::min(n, kChunkBytes - in_chunk);
    std::memcpy(ChunkForWrite(chunk) + in_chunk, src, len);
    src += len;
    offset += len;
    n -= len;
  }
}

uint64_t DramBank::BytesBacked() const {
  std::lock_guard lock(allocate_mutex_);
  return owned_.size() * kChunkBytes;
}

void DeviceState::FreeDeleter::operator()(uint8_t* p) const { std::free(p); }

DeviceState::DeviceState(DeviceConfig finalized_config) : config_(std::move(finalized_config)) {
  // NoC addresses carry 6-bit coordinates (noc_address.h).
  if (config_.noc_size_x > noc::kMaxCoord + 1 || config_.noc_size_y > noc::kMaxCoord + 1) {
    throw std::invalid_argument("device config: the NoC grid may be at most 64x64 (NoC addresses hold 6-bit coordinates)");
  }
  if (config_.dram_bank_size == 0 || config_.dram_bank_size > noc::kLocalMask + 1) {
    throw std::invalid_argument("device config: dram_bank_size must be between 1 byte and 64 GiB (36-bit NoC local addresses)");
  }
  const uint32_t cores = num_cores();
  // Commit every page now, when the device is opened, as the chip's memories exist before any program:
  // left to first touch, the page faults (~1.5 us each on a virtual machine, and they do not run in
  // parallel across threads) would land inside the first run, slowing and serialising it. L1 and the
  // compute scratch come from the scratch pool, so a process that opens many devices (a test suite)
  // faults the pages in once and afterwards only clears L1. Under a sanitizer, where run time means little
  // and clearing 92 MiB through the instrumented memset takes a second, L1 stays lazily zeroed (calloc).
  l1_.reserve(cores);
  if constexpr (kCommitL1) {
    tile::ReserveScratch(config_.l1_size, cores);
    committed_l1_.reserve(cores);
    for (uint32_t i = 0; i < cores; ++i) {
      committed_l1_.emplace_back(config_.l1_size);
      std::memset(committed_l1_.back().data(), 0, config_.l1_size);  // L1 of a new device reads as zero
      l1_.push_back(static_cast<uint8_t*>(committed_l1_.back().data()));
    }
  } else {
    lazy_l1_.reserve(cores);
    for (uint32_t i = 0; i < cores; ++i) {
      auto* bytes = static_cast<uint8_t*>(std::calloc(config_.l1_size, 1));
      if (bytes == nullptr) throw std::bad_alloc();
      lazy_l1_.emplace_back(bytes);
      l1_.push_back(bytes);
    }
  }
  // Every core may run a compute kernel: its DST and prepared-operand scratch, too.
  tile::ReserveScratch(DstRegister::kStorageBytes, cores);
  tile::ReserveScratch(tile::PreparedOperandCache::kStorageBytes, cores);
  dram_.reserve(config_.num_dram_banks);
  for (uint32_t b = 0; b < config_.num_dram_banks; ++b) dram_.push_back(std::make_unique<DramBank>(config_.dram_bank_size));

  endpoints_.assign(static_cast<size_t>(config_.noc_size_x) * config_.noc_size_y, NocEndpoint{});
  auto place = [&](uint32_t x, uint32_t y, NocEndpoint e, const std::string& what) {
    NocEndpoint& slot = endpoints_[static_cast<size_t>(y) * config_.noc_size_x + x];
    if (slot.kind != NocEndpoint::Kind::None) {
      throw std::invalid_argument("device config: " + what + " shares NoC coordinate (" + std::to_string(x) + "," +
                                  std::to_string(y) + ") with another endpoint");
    }
    slot = e;
  };
  for (uint32_t i = 0; i < cores; ++i) {
    const NocCoord c = WorkerNoc(CoreAt(i));
    place(c.x, c.y, NocEndpoint{NocEndpoint::Kind::Worker, i}, "a worker core");
  }
  for (uint32_t b = 0; b < config_.num_dram_banks; ++b) {
    const NocCoord c = config_.dram_bank_noc[b];
    place(c.x, c.y, NocEndpoint{NocEndpoint::Kind::Dram, b}, "DRAM bank " + std::to_string(b));
  }
}

DeviceState::~DeviceState() = default;

NocEndpoint DeviceState::EndpointAt(uint32_t noc_x, uint32_t noc_y) const {
  if (noc_x >= config_.noc_size_x || noc_y >= config_.noc_size_y) return NocEndpoint{};
  return endpoints_[static_cast<size_t>(noc_y) * config_.noc_size_x + noc_x];
}

}  // namespace tilesim::emu
