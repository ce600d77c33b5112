// PreparedOperandCache: reuse by key, every key field distinguishes entries, least-recently-used
// replacement, growth only on misses a bigger cache would have saved, per-CB invalidation, and a failed
// preparation leaves no entry behind.
#include <gtest/gtest.h>

#include <stdexcept>

#include "emulator/tile_math/operand_cache.h"

namespace tilesim::emu::tile {
namespace {

OperandKey Key(uint64_t sequence, uint8_t cb = 0) {
  OperandKey key;
  key.page_sequence = sequence;
  key.address = 0x10000 + static_cast<uint32_t>(sequence) * 2048;
  key.cb = cb;
  key.format = DataFormat::Float16_b;
  return key;
}

// Finds `key`, counting preparations in `prepared` and stamping the slot with `stamp` when it prepares.
const PreparedOperand& FindCounting(PreparedOperandCache& cache, MatmulSide side, const OperandKey& key,
                                    int& prepared, float stamp = 0.0f) {
  return cache.Find(side, key, [&](PreparedOperand& out) {
    ++prepared;
    out.slices[0][0] = stamp;
  });
}

TEST(OperandCache, SecondFindOfTheSameKeyReusesThePreparedOperand) {
  PreparedOperandCache cache;
  int prepared = 0;
  const PreparedOperand& first = FindCounting(cache, MatmulSide::Left, Key(1), prepared, 7.0f);
  const PreparedOperand& second = FindCounting(cache, MatmulSide::Left, Key(1), prepared, 9.0f);
  EXPECT_EQ(prepared, 1);
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(second.slices[0][0], 7.0f);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(OperandCache, EveryKeyFieldDistinguishesEntries) {
  const OperandKey base = Key(3, 1);
  std::vector<OperandKey> variants(7, base);
  variants[0].page_sequence += 1;
  variants[1].address += 2048;
  variants[2].cb = 2;
  variants[3].format = DataFormat::Float32;
  variants[4].fidelity = MathFidelity::LoFi;
  variants[5].fp32_dest = true;
  variants[6].transpose = true;
  for (size_t i = 0; i < variants.size(); ++i) {
    PreparedOperandCache cache;
    int prepared = 0;
    FindCounting(cache, MatmulSide::Right, base, prepared);
    FindCounting(cache, MatmulSide::Right, variants[i], prepared);
    EXPECT_EQ(prepared, 2) << "variant " << i << " was taken for the base key";
  }
}

// Cycles `rounds` times through `keys` distinct right operands (starting at key `first`).
void Cycle(PreparedOperandCache& cache, uint32_t first, uint32_t keys, uint32_t rounds, int& prepared) {
  for (uint32_t r = 0; r < rounds; ++r) {
    for (uint32_t k = 0; k < keys; ++k) FindCounting(cache, MatmulSide::Right, Key(first + k), prepared);
  }
}

TEST(OperandCache, ASideGrowsOnlyAfterEnoughMissesOnEvictedOperands) {
  PreparedOperandCache cache;
  int prepared = 0;
  const uint32_t initial = PreparedOperandCache::kInitialRightSlots;
  // Streaming new operands never pays for more slots.
  for (uint32_t k = 0; k < 200; ++k) FindCounting(cache, MatmulSide::Right, Key(1000 + k), prepared);
  EXPECT_EQ(cache.capacity(MatmulSide::Right), initial);
  // Cycling through one more operand than fits misses on an evicted operand every time: after
  // kGhostHitsPerSlot such misses the side takes one more slot, and then every lookup hits.
  Cycle(cache, 0, initial + 1, 1, prepared);
  const int before = prepared;
  Cycle(cache, 0, initial + 1, PreparedOperandCache::kGhostHitsPerSlot / (initial + 1) + 2, prepared);
  EXPECT_EQ(cache.capacity(MatmulSide::Right), initial + 1);
  const int after_growth = prepared;
  Cycle(cache, 0, initial + 1, 3, prepared);
  EXPECT_EQ(prepared, after_growth) << "the grown side still misses";
  EXPECT_GE(after_growth - before, static_cast<int>(PreparedOperandCache::kGhostHitsPerSlot));
}

TEST(OperandCache, ASideNeverGrowsBeyondItsLimit) {
  PreparedOperandCache cache;
  int prepared = 0;
  Cycle(cache, 0, 20, 200, prepared);  // reuse distance 20: more than the limit, so every lookup misses
  EXPECT_EQ(cache.capacity(MatmulSide::Right), PreparedOperandCache::kRightSlots);
  for (uint32_t r = 0; r < 400; ++r) {
    for (uint32_t k = 0; k < 5; ++k) FindCounting(cache, MatmulSide::Left, Key(k), prepared);
  }
  EXPECT_EQ(cache.capacity(MatmulSide::Left), PreparedOperandCache::kLeftSlots);
}

TEST(OperandCache, TheLeastRecentlyUsedSlotIsReplaced) {
  PreparedOperandCache cache;
  int prepared = 0;
  const uint32_t slots = PreparedOperandCache::kInitialRightSlots;
  for (uint32_t i = 0; i < slots; ++i) FindCounting(cache, MatmulSide::Right, Key(i), prepared);
  FindCounting(cache, MatmulSide::Right, Key(0), prepared);      // key 0 is now the most recent
  FindCounting(cache, MatmulSide::Right, Key(slots), prepared);  // evicts key 1, the least recent
  EXPECT_EQ(prepared, static_cast<int>(slots) + 1);
  FindCounting(cache, MatmulSide::Right, Key(0), prepared);
  EXPECT_EQ(prepared, static_cast<int>(slots) + 1) << "key 0 was evicted although it was used recently";
  FindCounting(cache, MatmulSide::Right, Key(1), prepared);
  EXPECT_EQ(prepared, static_cast<int>(slots) + 2) << "key 1 should have been evicted";
}

TEST(OperandCache, SidesHaveSeparateSlots) {
  PreparedOperandCache cache;
  int prepared = 0;
  const PreparedOperand& left = FindCounting(cache, MatmulSide::Left, Key(5), prepared, 1.0f);
  const PreparedOperand& right = FindCounting(cache, MatmulSide::Right, Key(5), prepared, 2.0f);
  EXPECT_EQ(prepared, 2);
  EXPECT_NE(&left, &right);
  EXPECT_EQ(left.slices[0][0], 1.0f);
}

TEST(OperandCache, InvalidateCbDropsOnlyThatCbsEntries) {
  PreparedOperandCache cache;
  int prepared = 0;
  FindCounting(cache, MatmulSide::Left, Key(1, 0), prepared);
  FindCounting(cache, MatmulSide::Right, Key(1, 0), prepared);
  FindCounting(cache, MatmulSide::Right, Key(2, 1), prepared);
  cache.InvalidateCb(0);
  FindCounting(cache, MatmulSide::Right, Key(2, 1), prepared);
  EXPECT_EQ(prepared, 3) << "cb 1's entry was dropped with cb 0's";
  FindCounting(cache, MatmulSide::Left, Key(1, 0), prepared);
  FindCounting(cache, MatmulSide::Right, Key(1, 0), prepared);
  EXPECT_EQ(prepared, 5) << "cb 0's entries survived InvalidateCb(0)";
  cache.Clear();
  FindCounting(cache, MatmulSide::Right, Key(2, 1), prepared);
  EXPECT_EQ(prepared, 6);
}

TEST(OperandCache, AFailedPreparationLeavesNoEntry) {
  PreparedOperandCache cache;
  EXPECT_THROW(cache.Find(MatmulSide::Left, Key(4), [](PreparedOperand&) { throw std::runtime_error("bad tile"); }),
               std::runtime_error);
  int prepared = 0;
  FindCounting(cache, MatmulSide::Left, Key(4), prepared);
  EXPECT_EQ(prepared, 1) << "the failed preparation was cached";
}

}  // namespace
}  // namespace tilesim::emu::tile
