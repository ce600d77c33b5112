// PreparedOperandCache: lookup, least-recently-used replacement and invalidation (operand_cache.h).
#include "emulator/tile_math/operand_cache.h"

namespace tilesim::emu::tile {

// Not value-initialised: zeroing 160 KiB per compute context would cost more than the slots save in a
// short run; a slot is read only after `prepare` has written it.
void PreparedOperandCache::Allocate() {
  operands_ = std::make_unique_for_overwrite<PreparedOperand[]>(kLeftSlots + kRightSlots);
}

PreparedOperandCache::Side PreparedOperandCache::SideOf(MatmulSide side) {
  if (side == MatmulSide::Left) return Side{left_slots_, operands_.get(), kLeftSlots};
  return Side{right_slots_, operands_.get() + kLeftSlots, kRightSlots};
}

PreparedOperandCache::Slot* PreparedOperandCache::Lookup(const Side& side, const OperandKey& key) {
  for (uint32_t i = 0; i < side.count; ++i) {
    Slot& slot = side.slots[i];
    if (slot.valid && slot.key == key) {
      slot.last_use = ++clock_;
      return &slot;
    }
  }
  return nullptr;
}

uint32_t PreparedOperandCache::Victim(const Side& side) const {
  uint32_t victim = 0;
  for (uint32_t i = 0; i < side.count; ++i) {
    if (!side.slots[i].valid) return i;
    if (side.slots[i].last_use < side.slots[victim].last_use) victim = i;
  }
  return victim;
}

void PreparedOperandCache::InvalidateCb(uint32_t cb) {
  for (Slot& slot : left_slots_) slot.valid = slot.valid && slot.key.cb != cb;
  for (Slot& slot : right_slots_) slot.valid = slot.valid && slot.key.cb != cb;
}

void PreparedOperandCache::Clear() {
  for (Slot& slot : left_slots_) slot.valid = false;
  for (Slot& slot : right_slots_) slot.valid = false;
}

}  // namespace tilesim::emu::tile
