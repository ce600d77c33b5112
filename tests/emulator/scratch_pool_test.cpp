// The scratch pool behind DST and the prepared-operand slots: blocks are page-aligned and whole pages,
// live blocks never overlap, a released block is reused for the next block of its size, and a DST built
// on recycled memory still reads as zero.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "emulator/dst_register.h"
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

}  // namespace
}  // namespace tilesim::emu::tile
