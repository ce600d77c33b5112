// PreparedOperandCache: lookup, least-recently-used replacement and invalidation (operand_cache.h).
#include "emulator/tile_math/operand_cache.h"

#include <memory>

namespace tilesim::emu::tile {

// The slots' data is left as the pool hands it over: a slot is read only after `prepare` has written it.
void PreparedOperandCache::Allocate() {
  constexpr uint32_t kSlots = kLeftSlots + kRightSlots;
  storage_ = ScratchBlock(sizeof(PreparedOperand) * kSlots);
  operands_ = static_cast<PreparedOperand*>(storage_.data());
  std::uninitialized_default_construct_n(operands_, kSlots);
}

PreparedOperandCache::Side PreparedOperandCache::SideOf(MatmulSide side) {
  if (side == MatmulSide::Left) return Side{left_slots_, operands_, kLeftSlots, &last_left_};
  return Side{right_slots_, operands_ + kLeftSlots, kRightSlots, &last_right_};
}

PreparedOperandCache::Slot* PreparedOperandCache::Lookup(const Side& side, const OperandKey& key) {
  auto matches = [&](uint32_t i) { return side.slots[i].valid && side.slots[i].key == key; };
  uint32_t found = *side.last_hit;
  if (!matches(found)) {
    found = side.count;
    for (uint32_t i = 0; i < side.count; ++i) {
      if (matches(i)) {
        found = i;
        break;
      }
    }
    if (found == side.count) return nullptr;
    *side.last_hit = found;
  }
  side.slots[found].last_use = ++clock_;
  return &side.slots[found];
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
