// The DST register of a compute context and the math/pack handshake on it (half-sync mode).
//
// DST is split into two sections. Math takes one (tile_regs_acquire), writes tiles into it and hands it to
// pack (tile_regs_commit); pack takes the committed section (tile_regs_wait), packs tiles out of it and
// frees it (tile_regs_release), which clears it, so a freshly acquired section reads as zero. The older
// acquire_dst / release_dst pair takes and frees one section that math and pack share.
//
// On hardware math and pack are separate RISCs; here they are one context in program order, so a step
// out of protocol order can never be rescued by the other side and would hang the core: it traps at once
// with a message naming the protocol step that is missing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "emulator/tile_math/scratch_pool.h"
#include "emulator/tile_math/tile_math.h"

namespace tilesim::emu {

class DstRegister {
 public:
  // Tiles per section: 8 with bf16 DST, 4 with fp32 DST (half of 16 / 8, tt-isa-documentation Dst.md).
  static constexpr uint32_t kBf16SectionTiles = 8;
  static constexpr uint32_t kFp32SectionTiles = 4;

  // Scratch every DST takes, whatever its format: one size, so a device can reserve it for its cores
  // before a program runs (tile::ReserveScratch); an fp32 DST leaves the second half of it untouched.
  static constexpr size_t kStorageBytes = 2 * kBf16SectionTiles * sizeof(tile::Tile);

  explicit DstRegister(bool fp32_dest);
  uint32_t section_tiles() const { return section_tiles_; }

  void Acquire();      // tile_regs_acquire
  void Commit();       // tile_regs_commit
  void Wait();         // tile_regs_wait
  void Release();      // tile_regs_release
  void AcquireDst();   // acquire_dst
  void ReleaseDst();   // release_dst

  // Tile `index` of the section math holds; `op` names the intrinsic for the trap message.
  tile::Tile& MathTile(uint32_t index, const char* op);
  // Tile `index` of the section pack holds.
  const tile::Tile& PackTile(uint32_t index, const char* op) const;

 private:
  enum class Section : uint8_t { Free, Math, Committed, Pack, Shared };
  static constexpr int kNone = -1;

  void CheckIndex(uint32_t index, const char* op) const;
  tile::Tile* SectionTiles(int section) { return tiles_ + static_cast<size_t>(section) * section_tiles_; }
  void Clear(int section);
  void ClearOnFirstUse(int section);

  uint32_t section_tiles_;
  bool fp32_;
  tile::ScratchBlock storage_;         // from the scratch pool: a run's DSTs cost no page faults
  tile::Tile* tiles_;                  // two sections, in storage_
  bool cleared_[2] = {false, false};   // cleared since construction (Release clears it afterwards)
  Section state_[2] = {Section::Free, Section::Free};
  int math_ = kNone;                   // section math holds
  int pack_ = kNone;                   // section pack holds
  int next_acquire_ = 0;               // sections are taken alternately, as the hardware does
  int next_wait_ = 0;
};

}  // namespace tilesim::emu
