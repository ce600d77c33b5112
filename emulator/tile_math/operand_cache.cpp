// PreparedOperandCache: lookup, growth, least-recently-used replacement and invalidation (operand_cache.h).
#include "emulator/tile_math/operand_cache.h"

#include <algorithm>
#include <memory>
#include <new>

namespace tilesim::emu::tile {

// Virtual memory for every slot a side may ever use; a slot's pages are first touched when it is first
// prepared into, so slots never used cost nothing.
void PreparedOperandCache::Allocate() {
  storage_ = ScratchBlock(kStorageBytes);
  auto* operands = static_cast<PreparedOperand*>(storage_.data());
  Side& left = sides_[static_cast<int>(MatmulSide::Left)];
  Side& right = sides_[static_cast<int>(MatmulSide::Right)];
  left = Side{};
  left.operands = operands;
  left.capacity = kInitialLeftSlots;
  left.limit = kLeftSlots;
  right = Side{};
  right.operands = operands + kLeftSlots;
  right.capacity = kInitialRightSlots;
  right.limit = kRightSlots;
  // Slots come to life as they join a side: constructing one touches its pages.
  std::uninitialized_default_construct_n(left.operands, left.capacity);
  std::uninitialized_default_construct_n(right.operands, right.capacity);
}

PreparedOperandCache::Slot* PreparedOperandCache::Lookup(Side& side, const OperandKey& key) {
  auto matches = [&](uint32_t i) { return side.slots[i].valid && side.slots[i].key == key; };
  uint32_t found = side.last_hit;
  if (!matches(found)) {
    found = side.capacity;
    for (uint32_t i = 0; i < side.capacity; ++i) {
      if (matches(i)) {
        found = i;
        break;
      }
    }
    if (found == side.capacity) return nullptr;
    side.last_hit = found;
  }
  side.slots[found].last_use = ++clock_;
  return &side.slots[found];
}

uint32_t PreparedOperandCache::SlotForMiss(Side& side, const OperandKey& key) {
  const OperandKey* ghosts = side.ghosts;
  const OperandKey* ghosts_end = ghosts + side.ghost_count;
  if (std::find(ghosts, ghosts_end, key) != ghosts_end) ++side.ghost_hits;
  uint32_t victim = 0;
  for (uint32_t i = 0; i < side.capacity; ++i) {
    if (!side.slots[i].valid) return i;
    if (side.slots[i].last_use < side.slots[victim].last_use) victim = i;
  }
  if (side.ghost_hits >= kGhostHitsPerSlot && side.capacity < side.limit) {
    side.ghost_hits = 0;
    ::new (&side.operands[side.capacity]) PreparedOperand;
    return side.capacity++;
  }
  side.ghosts[side.ghost_next] = side.slots[victim].key;
  side.ghost_next = (side.ghost_next + 1) % side.limit;
  side.ghost_count = std::min(side.ghost_count + 1, side.limit);
  return victim;
}

void PreparedOperandCache::InvalidateCb(uint32_t cb) {
  for (Side& side : sides_) {
    for (uint32_t i = 0; i < side.capacity; ++i) side.slots[i].valid = side.slots[i].valid && side.slots[i].key.cb != cb;
  }
}

void PreparedOperandCache::Clear() {
  for (Side& side : sides_) {
    for (Slot& slot : side.slots) slot.valid = false;
  }
}

}  // namespace tilesim::emu::tile
