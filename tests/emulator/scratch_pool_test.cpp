// The scratch pool behind DST, the prepared-operand slots and L1: blocks are page-aligned and whole pages,
// live blocks never overlap, a released block is reused for the next block of its size, a DST or an L1
// built on recycled memory still reads as zero, and what a device reserves when it opens is faulted in.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "emulator/device_state.h"
#include "emulator/dst_register.h"
#include "emulator/emulator.h"
#include "emulator/tile_math/operand_cache.h"
#include "emulator/tile_math/scratch_pool.h"

namespace tilesim::emu::tile {
namespace {

TEST(ScratchPool, BlocksArePageAlignedWholePages) {
  ScratchBlock block(5000);
  EXPECT_EQ(block.size(), 8192u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(block.data()) % 4096, 0u);
  std::memset(block.data(), 0xab, block.size());  // writable to its end
}

TEST(ScratchPool, LiveBlocksDoNotOverlap) {
  std::vector<ScratchBlock> blocks;
  for (uint32_t i = 0; i < 64; ++i) {
    blocks.emplace_back(4096 * (1 + i % 5));
    std::memset(blocks.back().data(), static_cast<int>(i), blocks.back().size());
  }
  for (uint32_t i = 0; i < blocks.size(); ++i) {
    const auto* bytes = static_cast<const uint8_t*>(blocks[i].data());
    for (size_t b = 0; b < blocks[i].size(); b += 512) ASSERT_EQ(bytes[b], i) << "block " << i << " byte " << b;
  }
}

TEST(ScratchPool, AReleasedBlockIsReusedForTheSameSize) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "under AddressSanitizer blocks come from the heap, not the pool";
#endif
  void* first;
  {
    ScratchBlock block(3 * 4096 + 1);
    first = block.data();
  }
  ScratchBlock again(4 * 4096);
  EXPECT_EQ(again.data(), first);
}

TEST(ScratchPool, MovingABlockMovesOwnership) {
  ScratchBlock a(4096);
  void* data = a.data();
  ScratchBlock b(std::move(a));
  EXPECT_EQ(b.data(), data);
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  ScratchBlock c;
  c = std::move(b);
  EXPECT_EQ(c.data(), data);
  EXPECT_EQ(c.size(), 4096u);
}

TEST(ScratchPool, ThreadsTakeAndGiveConcurrently) {
  auto churn = [](uint8_t mark) {
    for (int i = 0; i < 200; ++i) {
      ScratchBlock block(8192);
      auto* bytes = static_cast<uint8_t*>(block.data());
      bytes[0] = mark;
      bytes[8191] = mark;
      EXPECT_EQ(bytes[0], mark);
      EXPECT_EQ(bytes[8191], mark);
    }
  };
  std::thread other(churn, 1);
  churn(2);
  other.join();
}

TEST(ScratchPool, DstOnRecycledMemoryReadsAsZero) {
  {
    DstRegister dirty(false);
    for (int section = 0; section < 2; ++section) {
      dirty.Acquire();
      for (uint32_t t = 0; t < dirty.section_tiles(); ++t) std::memset(dirty.MathTile(t, "test").v, 0x7f, sizeof(Tile));
      dirty.Commit();
      dirty.Wait();
      if (section == 0) dirty.Release();  // section 1 stays dirty: destroyed while pack holds it
    }
  }
  // Both sections, each taken for the first time: the first by tile_regs_acquire, the second by acquire_dst.
  DstRegister fresh(false);
  fresh.Acquire();
  for (uint32_t t = 0; t < fresh.section_tiles(); ++t) {
    const Tile& tile = fresh.MathTile(t, "test");
    for (float v : tile.v) ASSERT_EQ(v, 0.0f) << "section 0, tile " << t;
  }
  fresh.Commit();
  fresh.Wait();
  fresh.Release();
  fresh.AcquireDst();
  for (uint32_t t = 0; t < fresh.section_tiles(); ++t) {
    const Tile& tile = fresh.MathTile(t, "test");
    for (float v : tile.v) ASSERT_EQ(v, 0.0f) << "section 1, tile " << t;
  }
}

// Pages of [data, data + bytes) not resident in memory (mincore), i.e. that would fault on first touch.
size_t PagesNotResident(const void* data, size_t bytes) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((bytes + page - 1) / page);
  EXPECT_EQ(mincore(const_cast<void*>(data), bytes, resident.data()), 0);
  size_t missing = 0;
  for (unsigned char r : resident) missing += (r & 1) == 0 ? 1 : 0;
  return missing;
}

TEST(ScratchPool, ReservedBlocksComeWithTheirPagesFaultedIn) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "under AddressSanitizer blocks come from the heap, not the pool";
#endif
  // A size no other test uses, so these blocks are fresh from a region, never touched before.
  constexpr size_t kBytes = 37 * 4096;
  ReserveScratch(kBytes, 3);
  std::vector<ScratchBlock> blocks;
  for (int i = 0; i < 3; ++i) blocks.emplace_back(kBytes);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(PagesNotResident(blocks[i].data(), kBytes), 0u) << "block " << i;
  // The control: a fourth block of that size was not reserved and is not resident yet.
  ScratchBlock unreserved(kBytes);
  EXPECT_EQ(PagesNotResident(unreserved.data(), kBytes), kBytes / 4096);
}

TEST(ScratchPool, AnOpenedDeviceHasItsL1AndComputeScratchFaultedIn) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "under a sanitizer L1 is calloc'ed, not committed (device_state.cpp)";
#endif
  DeviceConfig config;
  config.grid_x = 2;
  config.grid_y = 2;
  config.l1_size = 64 * 1024 + 4096 * 3;  // a size no other device in this binary uses
  Device device(config);
  DeviceState& state = device.state();
  for (uint32_t core = 0; core < state.num_cores(); ++core) {
    EXPECT_EQ(PagesNotResident(state.L1(core), state.l1_size()), 0u) << "L1 of core " << core;
  }
  // What the device reserved is what its compute kernels take: one DST and one operand cache per core.
  std::vector<ScratchBlock> dst;
  std::vector<ScratchBlock> operands;
  for (uint32_t core = 0; core < state.num_cores(); ++core) {
    dst.emplace_back(DstRegister::kStorageBytes);
    operands.emplace_back(PreparedOperandCache::kStorageBytes);
    EXPECT_EQ(PagesNotResident(dst.back().data(), DstRegister::kStorageBytes), 0u) << "DST " << core;
    EXPECT_EQ(PagesNotResident(operands.back().data(), operands.back().size()), 0u) << "operands " << core;
  }
}

TEST(ScratchPool, ADeviceOnRecycledL1ReadsAsZero) {
  DeviceConfig config;
  config.grid_x = 2;
  config.grid_y = 1;
  config.l1_size = 8192;
  const std::vector<uint8_t> ones(config.l1_size, 0xff);
  {
    Device dirty(config);
    for (uint32_t x = 0; x < 2; ++x) dirty.WriteL1(CoreCoord{x, 0}, 0, ones);
  }
  Device fresh(config);
  std::vector<uint8_t> read(config.l1_size, 0xaa);
  for (uint32_t x = 0; x < 2; ++x) {
    fresh.ReadL1(CoreCoord{x, 0}, 0, read);
    for (size_t i = 0; i < read.size(); ++i) ASSERT_EQ(read[i], 0) << "core " << x << " byte " << i;
  }
}

}  // namespace
}  // namespace tilesim::emu::tile
