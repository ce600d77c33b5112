// A small cache of prepared matmul operands (tile_math.h), kept by each compute context.
//
// A GEMM's compute kernel multiplies each tile at the front of its input CBs several times in a row (the
// tiles of a DST sub-block share operands), and preparing an operand — unpack, source-format conversion,
// fidelity slices — costs a good part of a tile product. matmul_tiles therefore looks the operand up by
// where it came from and reuses the prepared form.
//
// Why reuse is safe: a page at a CB's front cannot legally change between the consumer's cb_wait_front
// and its cb_pop_front (the producer writes only free pages at the back, and CBs do not overlap in L1).
// An entry is keyed by the CB, the page's sequence number (pages the CB had popped when it was read + the
// tile's position from the front: a page that is popped and pushed again at the same L1 address gets a new
// number), the L1 address and format, and everything the preparation depends on (fidelity, fp32 DST,
// transpose). The compute context also drops a CB's entries when it pops that CB, so stale entries do not
// occupy slots. What is outside the CB protocol is not seen: a kernel storing into a page that is ready
// at a CB's front (racy on hardware too) would not invalidate the prepared copy.
//
// Fixed slots per operand side with least-recently-used replacement: taken from the scratch pool on first
// use (scratch_pool.h), no allocation afterwards.
#pragma once

#include <cstdint>
#include "emulator/tile_math/scratch_pool.h"
#include "emulator/tile_math/tile_math.h"

namespace tilesim::emu::tile {

struct OperandKey {
  uint64_t page_sequence = 0;  // the page's number in its CB since the program started
  uint32_t address = 0;        // L1 address of the tile
  uint8_t cb = 0;
  DataFormat format = DataFormat::Invalid;
  MathFidelity fidelity = MathFidelity::HiFi4;
  bool fp32_dest = false;
  bool transpose = false;  // the right operand only
  bool operator==(const OperandKey&) const = default;
};

class PreparedOperandCache {
 public:
  // Left operands (in0) are reused back to back; right operands (in1) across a sub-block's rows and the
  // sub-blocks of an output block (a 2x4 sub-block over 4 K tiles cycles through 16 of them).
  static constexpr uint32_t kLeftSlots = 4;
  static constexpr uint32_t kRightSlots = 16;

  // The operand for `key` on `side`; on a miss `prepare(PreparedOperand&)` fills a slot first. The
  // reference stays valid until the next Find on the same side or an invalidation.
  template <typename PrepareFn>
  const PreparedOperand& Find(MatmulSide side, const OperandKey& key, PrepareFn&& prepare);

  // Drops every entry read from CB `cb` (the compute context popped it).
  void InvalidateCb(uint32_t cb);
  void Clear();

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Slot {
    OperandKey key;
    uint64_t last_use = 0;
    bool valid = false;
  };
  struct Side {
    Slot* slots;
    PreparedOperand* operands;
    uint32_t count;
    uint32_t* last_hit;  // the slot found last: a kernel reuses operands back to back, so it is looked at first
  };

  Side SideOf(MatmulSide side);
  // The slot holding `key`, or null; counts a use.
  Slot* Lookup(const Side& side, const OperandKey& key);
  // A free slot, or the least recently used one.
  uint32_t Victim(const Side& side) const;
  void Allocate();

  Slot left_slots_[kLeftSlots];
  Slot right_slots_[kRightSlots];
  uint32_t last_left_ = 0;
  uint32_t last_right_ = 0;
  ScratchBlock storage_;
  PreparedOperand* operands_ = nullptr;  // in storage_: kLeftSlots left, then kRightSlots right
  uint64_t clock_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

template <typename PrepareFn>
const PreparedOperand& PreparedOperandCache::Find(MatmulSide side, const OperandKey& key, PrepareFn&& prepare) {
  if (operands_ == nullptr) Allocate();
  const Side s = SideOf(side);
  if (Slot* slot = Lookup(s, key)) {
    ++hits_;
    return s.operands[slot - s.slots];
  }
  ++misses_;
  const uint32_t victim = Victim(s);
  *s.last_hit = victim;
  Slot& slot = s.slots[victim];
  slot.valid = false;  // until `prepare` has succeeded: it may trap
  prepare(s.operands[victim]);
  slot.key = key;
  slot.valid = true;
  slot.last_use = ++clock_;
  return s.operands[victim];
}

}  // namespace tilesim::emu::tile
