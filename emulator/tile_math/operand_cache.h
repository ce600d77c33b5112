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
// Slots per operand side with least-recently-used replacement. The memory for the most slots a side may
// use is taken from the scratch pool on first use (scratch_pool.h), nothing is allocated afterwards, and a
// side starts with few slots and grows only when it pays: first-touching a slot's pages costs as much as
// dozens of preparations, so a side gains a slot only after kGhostHitsPerSlot misses on operands it had
// evicted (a short list of "ghost" keys remembers those) — misses a bigger cache would have saved.
#pragma once

#include <cstddef>
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
  // Left operands (in0) are reused back to back, or across the sub-blocks of a row of sub-blocks; right
  // operands (in1) across a sub-block's rows, and across the sub-blocks of an output block (a 2x4 sub-block
  // over 4 K tiles cycles through 16 of them).
  static constexpr uint32_t kLeftSlots = 4;
  static constexpr uint32_t kRightSlots = 16;
  static constexpr uint32_t kInitialLeftSlots = 1;
  static constexpr uint32_t kInitialRightSlots = 4;
  static constexpr uint32_t kGhostHitsPerSlot = 32;
  // Scratch one cache takes on first use (all slots of both sides), reserved per core when a device opens.
  static constexpr size_t kStorageBytes = sizeof(PreparedOperand) * (kLeftSlots + kRightSlots);

  // The operand for `key` on `side`; on a miss `prepare(PreparedOperand&)` fills a slot first. The
  // reference stays valid until the next Find on the same side or an invalidation.
  template <typename PrepareFn>
  const PreparedOperand& Find(MatmulSide side, const OperandKey& key, PrepareFn&& prepare);

  // Drops every entry read from CB `cb` (the compute context popped it).
  void InvalidateCb(uint32_t cb);
  void Clear();

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  // Slots `side` uses now (it grows up to kLeftSlots / kRightSlots).
  uint32_t capacity(MatmulSide side) const { return sides_[static_cast<int>(side)].capacity; }

 private:
  static constexpr uint32_t kMaxSlots = kRightSlots;
  struct Slot {
    OperandKey key;
    uint64_t last_use = 0;
    bool valid = false;
  };
  struct Side {
    Slot slots[kMaxSlots];
    OperandKey ghosts[kMaxSlots];  // keys evicted last, a ring
    uint32_t ghost_count = 0;
    uint32_t ghost_next = 0;
    uint32_t ghost_hits = 0;  // since the side last grew
    uint32_t capacity = 0;
    uint32_t limit = 0;
    uint32_t last_hit = 0;  // the slot found last: operands are reused back to back, so it is looked at first
    PreparedOperand* operands = nullptr;
  };

  // The slot holding `key`, or null; counts a use.
  Slot* Lookup(Side& side, const OperandKey& key);
  // The slot a missing `key` goes to: a free one, a new one if the side has earned it, else the least
  // recently used (whose key becomes a ghost).
  uint32_t SlotForMiss(Side& side, const OperandKey& key);
  void Allocate();

  Side sides_[2];  // by MatmulSide
  ScratchBlock storage_;
  uint64_t clock_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

template <typename PrepareFn>
const PreparedOperand& PreparedOperandCache::Find(MatmulSide side, const OperandKey& key, PrepareFn&& prepare) {
  if (storage_.data() == nullptr) Allocate();
  Side& s = sides_[static_cast<int>(side)];
  if (Slot* slot = Lookup(s, key)) {
    ++hits_;
    return s.operands[slot - s.slots];
  }
  ++misses_;
  const uint32_t index = SlotForMiss(s, key);
  s.last_hit = index;
  Slot& slot = s.slots[index];
  slot.valid = false;  // until `prepare` has succeeded: it may trap
  prepare(s.operands[index]);
  slot.key = key;
  slot.valid = true;
  slot.last_use = ++clock_;
  return s.operands[index];
}

}  // namespace tilesim::emu::tile
