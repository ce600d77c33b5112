// DST sections and the math/pack handshake (dst_register.h).
#include "emulator/dst_register.h"

#include <algorithm>
#include <memory>
#include <string>

#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

[[noreturn]] void ProtocolError(const std::string& message) { throw KernelTrap("DST protocol error: " + message); }

}  // namespace

DstRegister::DstRegister(bool fp32_dest)
    : section_tiles_(fp32_dest ? kFp32SectionTiles : kBf16SectionTiles),
      fp32_(fp32_dest),
      storage_(kStorageBytes),
      tiles_(static_cast<tile::Tile*>(storage_.data())) {
  std::uninitialized_default_construct_n(tiles_, 2 * section_tiles_);
}

// Pool memory holds whatever its last user left, so a section is cleared before it is first taken. Done
// then rather than at construction, the clearing (and the first touch of the pages) happens on the worker
// thread that runs the kernel, in parallel with other cores, not on the thread that sets the run up.
void DstRegister::ClearOnFirstUse(int section) {
  if (cleared_[section]) return;
  Clear(section);
  cleared_[section] = true;
}

void DstRegister::Clear(int section) {
  tile::Tile* t = SectionTiles(section);
  for (uint32_t i = 0; i < section_tiles_; ++i) std::fill(std::begin(t[i].v), std::end(t[i].v), 0.0f);
}

void DstRegister::Acquire() {
  if (math_ != kNone) ProtocolError("tile_regs_acquire while math already holds a DST section (call tile_regs_commit first)");
  if (state_[next_acquire_] != Section::Free) {
    ProtocolError(
        "tile_regs_acquire while both DST sections are in use: pack must tile_regs_wait and tile_regs_release the "
        "committed section first (on hardware this hangs)");
  }
  ClearOnFirstUse(next_acquire_);
  state_[next_acquire_] = Section::Math;
  math_ = next_acquire_;
  next_acquire_ ^= 1;
}

void DstRegister::Commit() {
  if (math_ == kNone) ProtocolError("tile_regs_commit without tile_regs_acquire: math holds no DST section");
  if (state_[math_] == Section::Shared) ProtocolError("tile_regs_commit on a section taken with acquire_dst (use release_dst)");
  state_[math_] = Section::Committed;
  math_ = kNone;
}

void DstRegister::Wait() {
  if (pack_ != kNone) ProtocolError("tile_regs_wait while pack already holds a DST section (call tile_regs_release first)");
  if (state_[next_wait_] != Section::Committed) {
    ProtocolError(
        "tile_regs_wait with no committed DST section: math must tile_regs_commit before pack waits (on hardware "
        "this hangs)");
  }
  state_[next_wait_] = Section::Pack;
  pack_ = next_wait_;
  next_wait_ ^= 1;
}

void DstRegister::Release() {
  if (pack_ == kNone) ProtocolError("tile_regs_release without tile_regs_wait: pack holds no DST section");
  if (state_[pack_] == Section::Shared) ProtocolError("tile_regs_release on a section taken with acquire_dst (use release_dst)");
  Clear(pack_);
  state_[pack_] = Section::Free;
  pack_ = kNone;
}

void DstRegister::AcquireDst() {
  if (math_ != kNone || pack_ != kNone) ProtocolError("acquire_dst while a DST section is still held (release it first)");
  if (state_[0] != Section::Free || state_[1] != Section::Free) {
    ProtocolError("acquire_dst while a committed DST section has not been packed (tile_regs_wait / tile_regs_release it first)");
  }
  const int section = next_acquire_;
  ClearOnFirstUse(section);
  state_[section] = Section::Shared;
  math_ = pack_ = section;
  next_acquire_ ^= 1;
  next_wait_ = next_acquire_;
}

void DstRegister::ReleaseDst() {
  if (math_ == kNone || state_[math_] != Section::Shared) ProtocolError("release_dst without acquire_dst");
  Clear(math_);
  state_[math_] = Section::Free;
  math_ = pack_ = kNone;
}

void DstRegister::CheckIndex(uint32_t index, const char* op) const {
  if (index >= section_tiles_) {
    throw KernelTrap(std::string(op) + ": DST index " + std::to_string(index) + " is out of range: a DST section holds " +
                     std::to_string(section_tiles_) + " tiles (" +
                     (fp32_ ? "fp32 DST, fp32_dest_acc_en" : "bf16 DST") + ", half-sync)");
  }
}

tile::Tile& DstRegister::MathTile(uint32_t index, const char* op) {
  if (math_ == kNone) {
    ProtocolError(std::string(op) +
                  " while math holds no DST section (call tile_regs_acquire first; after tile_regs_commit the section "
                  "belongs to pack)");
  }
  CheckIndex(index, op);
  return SectionTiles(math_)[index];
}

const tile::Tile& DstRegister::PackTile(uint32_t index, const char* op) const {
  if (pack_ == kNone) {
    ProtocolError(std::string(op) + " while pack holds no DST section (call tile_regs_wait after math's tile_regs_commit)");
  }
  CheckIndex(index, op);
  return tiles_[static_cast<size_t>(pack_) * section_tiles_ + index];
}

}  // namespace tilesim::emu
