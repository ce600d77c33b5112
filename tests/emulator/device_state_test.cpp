// Device memories: lazily backed DRAM, host access bounds errors, the NoC coordinate map.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "emulator/device_state.h"
#include "emulator/emulator.h"

namespace tilesim::emu {
namespace {

std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::out_of_range& e) {
    return e.what();
  }
  return "";
}

TEST(DramBank, CostsMemoryOnlyForTouchedChunks) {
  DramBank bank(uint64_t{1} << 30);
  EXPECT_EQ(bank.BytesBacked(), 0u);
  const uint8_t byte = 0x5a;
  bank.Write(uint64_t{512} << 20, &byte, 1);
  EXPECT_EQ(bank.BytesBacked(), DramBank::kChunkBytes);
  uint8_t back = 0;
  bank.Read(uint64_t{512} << 20, &back, 1);
  EXPECT_EQ(back, 0x5a);
}

TEST(DramBank, UntouchedBytesReadAsZeroWithoutAllocating) {
  DramBank bank(uint64_t{1} << 30);
  std::vector<uint8_t> bytes(100, 0xff);
  bank.Read(12345, bytes.data(), bytes.size());
  EXPECT_EQ(bytes, std::vector<uint8_t>(100, 0));
  EXPECT_EQ(bank.BytesBacked(), 0u);
}

TEST(DramBank, AccessesSpanningChunksRoundTrip) {
  DramBank bank(uint64_t{8} << 20);
  std::vector<uint8_t> data(3 * DramBank::kChunkBytes / 2);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);
  const uint64_t offset = DramBank::kChunkBytes - 1000;  // starts 1000 bytes before a chunk boundary
  bank.Write(offset, data.data(), data.size());
  std::vector<uint8_t> back(data.size());
  bank.Read(offset, back.data(), back.size());
  EXPECT_EQ(back, data);
  EXPECT_EQ(bank.BytesBacked(), 3 * DramBank::kChunkBytes);  // chunks 0, 1 and 2 touched
}

TEST(Device, HostDramWriteOutsideTheBankNamesBankAndRange) {
  Device device(DeviceConfig{});
  std::vector<uint8_t> bytes(16);
  const std::string error = ErrorOf([&] { device.WriteDram(3, (uint64_t{1} << 30) - 8, bytes); });
  EXPECT_NE(error.find("DRAM bank 3"), std::string::npos) << error;
  EXPECT_NE(error.find("[0x3ffffff8, 0x40000008)"), std::string::npos) << error;
}

TEST(Device, HostDramAccessToAMissingBankSaysHowManyThereAre) {
  Device device(DeviceConfig{});
  std::vector<uint8_t> bytes(4);
  const std::string error = ErrorOf([&] { device.ReadDram(12, 0, bytes); });
  EXPECT_NE(error.find("DRAM bank 12 does not exist"), std::string::npos) << error;
  EXPECT_NE(error.find("12 banks"), std::string::npos) << error;
}

TEST(Device, HostL1AccessOutsideL1NamesCoreAndRange) {
  Device device(DeviceConfig{});
  std::vector<uint8_t> bytes(8);
  const std::string error = ErrorOf([&] { device.ReadL1(CoreCoord{1, 2}, 1499136 - 4, bytes); });
  EXPECT_NE(error.find("core (1,2)"), std::string::npos) << error;
  EXPECT_NE(error.find("[0x16dffc, 0x16e004)"), std::string::npos) << error;
}

TEST(Device, HostL1AccessOutsideTheGridIsAnError) {
  Device device(DeviceConfig{});
  std::vector<uint8_t> bytes(4);
  const std::string error = ErrorOf([&] { device.WriteL1(CoreCoord{8, 0}, 0, bytes); });
  EXPECT_NE(error.find("core (8,0) is outside the 8x8 grid"), std::string::npos) << error;
}

TEST(Device, L1WritesAreVisibleToReadsAndStayPerCore) {
  Device device(DeviceConfig{});
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5};
  device.WriteL1(CoreCoord{3, 4}, 1000, data);
  std::vector<uint8_t> back(5), other(5, 9);
  device.ReadL1(CoreCoord{3, 4}, 1000, back);
  device.ReadL1(CoreCoord{4, 3}, 1000, other);
  EXPECT_EQ(back, data);
  EXPECT_EQ(other, std::vector<uint8_t>(5, 0));
}

TEST(DeviceState, WormholeCoordinatesMapToWorkersAndDramBanks) {
  Device device(DeviceConfig{});
  const DeviceState& s = device.state();
  // Worker (0,0) sits at NoC (1,1); worker (7,7) at NoC (9,9) (columns skip 5, rows skip 6).
  EXPECT_EQ(device.WorkerNoc(CoreCoord{0, 0}), (NocCoord{1, 1}));
  EXPECT_EQ(device.WorkerNoc(CoreCoord{7, 7}), (NocCoord{9, 9}));
  NocEndpoint e = s.EndpointAt(9, 9);
  EXPECT_EQ(e.kind, NocEndpoint::Kind::Worker);
  EXPECT_EQ(e.index, 7u * 8 + 7);
  e = s.EndpointAt(device.DramBankNoc(4).x, device.DramBankNoc(4).y);
  EXPECT_EQ(e.kind, NocEndpoint::Kind::Dram);
  EXPECT_EQ(e.index, 4u);
  EXPECT_EQ(s.EndpointAt(0, 0).kind, NocEndpoint::Kind::None);  // a corner with no worker or DRAM
  EXPECT_EQ(s.EndpointAt(60, 60).kind, NocEndpoint::Kind::None);
}

TEST(DeviceState, DramBanksLargerThanANocAddressCanReachAreRejected) {
  DeviceConfig config;
  config.dram_bank_size = uint64_t{1} << 37;
  try {
    Device device(config);
    FAIL() << "accepted a 128 GiB bank";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("dram_bank_size must be between 1 byte and 64 GiB"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tilesim::emu
