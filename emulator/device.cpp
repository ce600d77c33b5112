// Device (emulator.h): the host's view of a device's memories, with bounds errors that name the bank or
// core and the range.
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "emulator/device_state.h"
#include "emulator/emulator.h"
#include "emulator/noc_address.h"

namespace tilesim::emu {
namespace {

// [offset, offset + size) inside [0, limit), without overflow.
bool RangeInside(uint64_t offset, uint64_t size, uint64_t limit) { return size <= limit && offset <= limit - size; }

std::string RangeText(uint64_t offset, uint64_t size) { return "[" + Hex(offset) + ", " + Hex(offset + size) + ")"; }

std::string CoreText(CoreCoord core) { return "(" + std::to_string(core.x) + "," + std::to_string(core.y) + ")"; }

}  // namespace

std::string_view ToString(RunStatus status) {
  switch (status) {
    case RunStatus::Ok: return "ok";
    case RunStatus::Deadlock: return "deadlock";
    case RunStatus::Livelock: return "livelock";
    case RunStatus::Trap: return "trap";
    case RunStatus::InvalidProgram: return "invalid program";
  }
  return "?";
}

Device::Device(DeviceConfig config) : state_(std::make_unique<DeviceState>(Finalize(std::move(config)))) {}
Device::~Device() = default;

const DeviceConfig& Device::config() const { return state_->config(); }

NocCoord Device::WorkerNoc(CoreCoord core) const {
  if (!state_->InGrid(core)) {
    throw std::out_of_range("WorkerNoc: core " + CoreText(core) + " is outside the " + std::to_string(config().grid_x) +
                            "x" + std::to_string(config().grid_y) + " grid");
  }
  return state_->WorkerNoc(core);
}

NocCoord Device::DramBankNoc(uint32_t bank) const {
  if (bank >= config().num_dram_banks) {
    throw std::out_of_range("DramBankNoc: DRAM bank " + std::to_string(bank) + " does not exist (the device has " +
                            std::to_string(config().num_dram_banks) + " banks)");
  }
  return config().dram_bank_noc[bank];
}

static void CheckDram(const DeviceState& s, const char* what, uint32_t bank, uint64_t offset, uint64_t size) {
  if (bank >= s.config().num_dram_banks) {
    throw std::out_of_range(std::string(what) + ": DRAM bank " + std::to_string(bank) + " does not exist (the device has " +
                            std::to_string(s.config().num_dram_banks) + " banks)");
  }
  if (!RangeInside(offset, size, s.config().dram_bank_size)) {
    throw std::out_of_range(std::string(what) + ": range " + RangeText(offset, size) + " is outside DRAM bank " +
                            std::to_string(bank) + " (size " + Hex(s.config().dram_bank_size) + ")");
  }
}

static void CheckL1(const DeviceState& s, const char* what, CoreCoord core, uint32_t address, uint64_t size) {
  if (!s.InGrid(core)) {
    throw std::out_of_range(std::string(what) + ": core " + CoreText(core) + " is outside the " +
                            std::to_string(s.config().grid_x) + "x" + std::to_string(s.config().grid_y) + " grid");
  }
  if (!RangeInside(address, size, s.l1_size())) {
    throw std::out_of_range(std::string(what) + ": range " + RangeText(address, size) + " is outside the L1 of core " +
                            CoreText(core) + " (" + std::to_string(s.l1_size()) + " bytes)");
  }
}

void Device::WriteDram(uint32_t bank, uint64_t offset, std::span<const uint8_t> bytes) {
  CheckDram(*state_, "WriteDram", bank, offset, bytes.size());
  state_->Dram(bank).Write(offset, bytes.data(), bytes.size());
}

void Device::ReadDram(uint32_t bank, uint64_t offset, std::span<uint8_t> bytes) const {
  CheckDram(*state_, "ReadDram", bank, offset, bytes.size());
  state_->Dram(bank).Read(offset, bytes.data(), bytes.size());
}

void Device::WriteL1(CoreCoord core, uint32_t address, std::span<const uint8_t> bytes) {
  CheckL1(*state_, "WriteL1", core, address, bytes.size());
  std::copy(bytes.begin(), bytes.end(), state_->L1(state_->CoreIndex(core)) + address);
}

void Device::ReadL1(CoreCoord core, uint32_t address, std::span<uint8_t> bytes) const {
  CheckL1(*state_, "ReadL1", core, address, bytes.size());
  const uint8_t* l1 = state_->L1(state_->CoreIndex(core));
  std::copy(l1 + address, l1 + address + bytes.size(), bytes.begin());
}

DeviceState& Device::state() { return *state_; }

}  // namespace tilesim::emu
