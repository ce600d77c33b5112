// The memories of an emulated device: one L1 per worker core and lazily backed DRAM banks, plus the map
// from NoC coordinates to what sits there. Persists across programs, like the chip's memories.
//
// Nothing here checks bounds on the hot paths: callers (the host API in device.cpp, the NoC intrinsics)
// check ranges first and report errors in their own terms (std::out_of_range for the host, KernelTrap for
// kernels).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "emulator/emulator.h"
#include "emulator/tile_math/scratch_pool.h"

namespace tilesim::emu {

// A DRAM bank of any size that costs memory only for the 1 MiB chunks that have been written. Reading an
// untouched chunk yields zeros without allocating it. Safe to use from many threads: chunk pointers are
// published atomically; concurrent accesses to the same bytes are the program's race, as on hardware.
class DramBank {
 public:
  static constexpr uint64_t kChunkBytes = uint64_t{1} << 20;

  explicit DramBank(uint64_t size);
  uint64_t size() const { return size_; }
  // [offset, offset + n) must lie inside the bank.
  void Read(uint64_t offset, uint8_t* dst, uint64_t n) const;
  void Write(uint64_t offset, const uint8_t* src, uint64_t n);
  uint64_t BytesBacked() const;  // chunks allocated so far * kChunkBytes

 private:
  uint8_t* ChunkForWrite(uint64_t chunk);

  uint64_t size_;
  std::unique_ptr<std::atomic<uint8_t*>[]> chunks_;
  mutable std::mutex allocate_mutex_;
  std::vector<std::unique_ptr<uint8_t[]>> owned_;  // guarded by allocate_mutex_
};

// What a NoC coordinate holds.
struct NocEndpoint {
  enum class Kind : uint8_t { None, Worker, Dram };
  Kind kind = Kind::None;
  uint32_t index = 0;  // worker: core index (row-major in the grid); DRAM: bank number
};

class DeviceState {
 public:
  explicit DeviceState(DeviceConfig finalized_config);
  ~DeviceState();
  DeviceState(const DeviceState&) = delete;
  DeviceState& operator=(const DeviceState&) = delete;

  const DeviceConfig& config() const { return config_; }
  uint32_t num_cores() const { return config_.grid_x * config_.grid_y; }
  bool InGrid(CoreCoord core) const { return core.x < config_.grid_x && core.y < config_.grid_y; }
  // Row-major: the order interleaved L1 buffers use as banks.
  uint32_t CoreIndex(CoreCoord core) const { return core.y * config_.grid_x + core.x; }
  CoreCoord CoreAt(uint32_t index) const { return CoreCoord{index % config_.grid_x, index / config_.grid_x}; }

  uint8_t* L1(uint32_t core_index) { return l1_[core_index]; }
  const uint8_t* L1(uint32_t core_index) const { return l1_[core_index]; }
  uint32_t l1_size() const { return config_.l1_size; }

  DramBank& Dram(uint32_t bank) { return *dram_[bank]; }
  const DramBank& Dram(uint32_t bank) const { return *dram_[bank]; }

  NocCoord WorkerNoc(CoreCoord core) const { return NocCoord{config_.worker_noc_x[core.x], config_.worker_noc_y[core.y]}; }
  NocEndpoint EndpointAt(uint32_t noc_x, uint32_t noc_y) const;

 private:
  struct FreeDeleter {
    void operator()(uint8_t* p) const;
  };

  DeviceConfig config_;
  std::vector<uint8_t*> l1_;                        // per core, into one of the two below
  std::vector<tile::ScratchBlock> committed_l1_;    // zeroed and committed when the device is created
  std::vector<std::unique_ptr<uint8_t, FreeDeleter>> lazy_l1_;  // sanitizer builds: calloc'ed
  std::vector<std::unique_ptr<DramBank>> dram_;
  std::vector<NocEndpoint> endpoints_;  // noc_size_x * noc_size_y, row-major by NoC y
};

}  // namespace tilesim::emu
