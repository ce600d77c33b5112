// NoC transfers between cores and DRAM, interleaved addressing against a hand computation, multicast,
// and the traps for addresses that name nothing or run out of bounds.
#include <gtest/gtest.h>

#include <string>

#include "emulator_test_util.h"

namespace tilesim::emu::testing {
namespace {

uint64_t Expected(NocCoord c, uint64_t local) { return (uint64_t{c.y} << 42) | (uint64_t{c.x} << 36) | local; }

// One data movement kernel on `core`, no CBs.
Outcome RunOne(Device& device, KernelBuilder& k, CoreCoord core, std::vector<uint32_t> args = {}) {
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {core}, {args})};
  if (args.empty()) p.kernels[0].runtime_args.clear();
  return RunCollecting(device, p);
}

TEST(Noc, ReadCopiesAnotherCoresL1) {
  Device device(DeviceConfig{});
  const auto data = Pattern(256, 3);
  device.WriteL1(CoreCoord{1, 1}, 0x30000, data);
  const NocCoord src = device.WorkerNoc(CoreCoord{1, 1});
  KernelBuilder k("reader", KernelRole::DataMovement0);
  k.noc_async_read(k.get_noc_addr(k.get_arg_val(0u), k.get_arg_val(1u), 0x30000u), 0x40000u, 256u);
  k.noc_async_read_barrier();
  const Outcome out = RunOne(device, k, CoreCoord{5, 6}, {src.x, src.y});
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  std::vector<uint8_t> back(256);
  device.ReadL1(CoreCoord{5, 6}, 0x40000, back);
  EXPECT_EQ(back, data);
}

TEST(Noc, WriteCopiesIntoAnotherCoresL1) {
  Device device(DeviceConfig{});
  const auto data = Pattern(512, 4);
  device.WriteL1(CoreCoord{2, 3}, 0x1000, data);
  const NocCoord dst = device.WorkerNoc(CoreCoord{7, 0});
  KernelBuilder k("writer", KernelRole::DataMovement1);
  k.noc_async_write(0x1000u, k.get_noc_addr(k.get_arg_val(0u), k.get_arg_val(1u), 0x8000u), 512u);
  k.noc_async_write_barrier();
  const Outcome out = RunOne(device, k, CoreCoord{2, 3}, {dst.x, dst.y});
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  std::vector<uint8_t> back(512);
  device.ReadL1(CoreCoord{7, 0}, 0x8000, back);
  EXPECT_EQ(back, data);
}

TEST(Noc, DramBankRoundTripThroughBankIds) {
  Device device(DeviceConfig{});
  const auto data = Pattern(1000, 5);
  device.WriteDram(5, 0x2000, data);
  KernelBuilder k("copy", KernelRole::DataMovement0);
  k.noc_async_read(k.get_noc_addr_from_bank_id(5u, 0x2000u, 1u), 0x10000u, 1000u);
  k.noc_async_read_barrier();
  k.noc_async_write(0x10000u, k.get_noc_addr_from_bank_id(9u, 0x4000u, 1u), 1000u);
  k.noc_async_write_barrier();
  const Outcome out = RunOne(device, k, CoreCoord{0, 0});
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  std::vector<uint8_t> back(1000);
  device.ReadDram(9, 0x4000, back);
  EXPECT_EQ(back, data);
}

// Stores get_noc_addr_interleaved(i, base, page, is_dram, offset) for i < n as two words per page at L1 0x1000.
KernelBuilder InterleavedAddressKernel(uint32_t n, uint32_t base, uint32_t page, uint32_t is_dram, uint32_t offset) {
  KernelBuilder k("addresses", KernelRole::DataMovement0);
  k.for_("i", 0u, n, [&](Expr i) {
    Expr a = k.let("a", k.get_noc_addr_interleaved(i, base, page, is_dram, offset));
    Expr slot = k.let("slot", 0x1000u + i * 8u);
    k.store32(slot, k.cast(kir::Type::U32, a));
    k.store32(slot + 4u, k.cast(kir::Type::U32, a >> 32u));
  });
  return k;
}

uint64_t StoredAddress(Device& device, uint32_t i) {
  return ReadWord(device, CoreCoord{0, 0}, 0x1000 + i * 8) |
         (uint64_t{ReadWord(device, CoreCoord{0, 0}, 0x1000 + i * 8 + 4)} << 32);
}

TEST(Noc, InterleavedDramPagesFollowTheBankRoundRobin) {
  Device device(DeviceConfig{});
  KernelBuilder k = InterleavedAddressKernel(30, 0x1000, 2048, 1, 16);
  ASSERT_TRUE(RunOne(device, k, CoreCoord{0, 0}).result.ok());
  for (uint32_t i = 0; i < 30; ++i) {
    // Page i: bank i % 12, at base + (i / 12) * page_size, plus the offset.
    EXPECT_EQ(StoredAddress(device, i), Expected(device.DramBankNoc(i % 12), 0x1000 + (i / 12) * 2048 + 16)) << "page " << i;
  }
}

TEST(Noc, InterleavedL1PagesUseWorkerCoresInRowMajorOrder) {
  Device device(DeviceConfig{});
  KernelBuilder k = InterleavedAddressKernel(70, 0x50000, 1024, 0, 0);
  ASSERT_TRUE(RunOne(device, k, CoreCoord{0, 0}).result.ok());
  for (uint32_t i = 0; i < 70; ++i) {
    const uint32_t bank = i % 64;
    const CoreCoord core{bank % 8, bank / 8};
    EXPECT_EQ(StoredAddress(device, i), Expected(device.WorkerNoc(core), 0x50000 + (i / 64) * 1024)) << "page " << i;
  }
}

TEST(Noc, InterleavedReadFetchesEachPageFromItsBank) {
  Device device(DeviceConfig{});
  const auto data = Pattern(20 * 256, 6);
  WriteInterleaved(device, 0x8000, 256, data);  // the host's own placement
  KernelBuilder k("gather", KernelRole::DataMovement0);
  k.for_("i", 0u, 20u, [&](Expr i) {
    k.noc_async_read(k.get_noc_addr_interleaved(i, 0x8000u, 256u, 1u, 0u), 0x20000u + i * 256u, 256u);
  });
  k.noc_async_read_barrier();
  ASSERT_TRUE(RunOne(device, k, CoreCoord{3, 3}).result.ok());
  std::vector<uint8_t> back(data.size());
  device.ReadL1(CoreCoord{3, 3}, 0x20000, back);
  EXPECT_EQ(back, data);
}

// Core (0,0) multicasts 128 bytes from L1 0x1000 to L1 0x2000 of the logical rectangle (0,0)-(2,1).
Outcome Multicast(Device& device, bool loopback, uint32_t num_dests, const std::vector<uint8_t>& data) {
  device.WriteL1(CoreCoord{0, 0}, 0x1000, data);
  const NocCoord a = device.WorkerNoc(CoreCoord{0, 0});
  const NocCoord b = device.WorkerNoc(CoreCoord{2, 1});
  KernelBuilder k("mcast", KernelRole::DataMovement1, "mcast.cpp");
  Expr addr = k.get_noc_multicast_addr(k.get_arg_val(0u), k.get_arg_val(1u), k.get_arg_val(2u), k.get_arg_val(3u), 0x2000u);
  k.at(3);
  if (loopback) {
    k.noc_async_write_multicast_loopback_src(0x1000u, addr, 128u, num_dests);
  } else {
    k.noc_async_write_multicast(0x1000u, addr, 128u, num_dests);
  }
  k.noc_async_write_barrier();
  return RunOne(device, k, CoreCoord{0, 0}, {a.x, a.y, b.x, b.y});
}

std::vector<uint8_t> L1At(Device& device, CoreCoord core, uint32_t address, size_t n) {
  std::vector<uint8_t> bytes(n);
  device.ReadL1(core, address, bytes);
  return bytes;
}

TEST(Noc, MulticastReachesEveryCoreOfTheRectangleButTheSender) {
  Device device(DeviceConfig{});
  const auto data = Pattern(128, 7);
  const Outcome out = Multicast(device, false, 5, data);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  for (uint32_t y = 0; y < 2; ++y) {
    for (uint32_t x = 0; x < 3; ++x) {
      const bool sender = x == 0 && y == 0;
      EXPECT_EQ(L1At(device, CoreCoord{x, y}, 0x2000, 128), sender ? std::vector<uint8_t>(128, 0) : data)
          << "core (" << x << "," << y << ")";
    }
  }
  EXPECT_EQ(L1At(device, CoreCoord{3, 0}, 0x2000, 128), std::vector<uint8_t>(128, 0));  // outside the rectangle
  EXPECT_EQ(L1At(device, CoreCoord{0, 2}, 0x2000, 128), std::vector<uint8_t>(128, 0));
}

TEST(Noc, MulticastWithLoopbackAlsoWritesTheSender) {
  Device device(DeviceConfig{});
  const auto data = Pattern(128, 8);
  const Outcome out = Multicast(device, true, 6, data);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  EXPECT_EQ(L1At(device, CoreCoord{0, 0}, 0x2000, 128), data);
  EXPECT_EQ(L1At(device, CoreCoord{2, 1}, 0x2000, 128), data);
}

TEST(Noc, MulticastWithAWrongDestinationCountTraps) {
  Device device(DeviceConfig{});
  const Outcome out = Multicast(device, false, 6, Pattern(128, 9));
  ASSERT_EQ(out.result.status, RunStatus::Trap) << out.result.message;
  EXPECT_NE(out.result.message.find("mcast.cpp:3"), std::string::npos) << out.result.message;
  EXPECT_NE(out.result.message.find("num_dests is 6 but the rectangle (1,1)-(3,2) holds 5 worker cores besides the sender"),
            std::string::npos)
      << out.result.message;
}

TEST(Noc, AddressOfAnEmptyNocTileTraps) {
  Device device(DeviceConfig{});
  KernelBuilder k("stray", KernelRole::DataMovement0, "stray.cpp");
  k.at(2, 7);
  k.noc_async_read(k.get_noc_addr(0u, 0u, 0x100u), 0x1000u, 32u);
  const Outcome out = RunOne(device, k, CoreCoord{0, 0});
  ASSERT_EQ(out.result.status, RunStatus::Trap) << out.result.message;
  EXPECT_NE(out.result.message.find("stray.cpp:2:7"), std::string::npos) << out.result.message;
  EXPECT_NE(out.result.message.find("NoC address 0x0000000000000100 targets (0,0), which is not a worker or DRAM bank"),
            std::string::npos)
      << out.result.message;
}

TEST(Noc, ReadPastTheEndOfAnotherCoresL1Traps) {
  Device device(DeviceConfig{});
  const NocCoord src = device.WorkerNoc(CoreCoord{1, 0});
  KernelBuilder k("overrun", KernelRole::DataMovement0);
  k.noc_async_read(k.get_noc_addr(k.get_arg_val(0u), k.get_arg_val(1u), 1499136u - 16u), 0x1000u, 32u);
  const Outcome out = RunOne(device, k, CoreCoord{0, 0}, {src.x, src.y});
  ASSERT_EQ(out.result.status, RunStatus::Trap) << out.result.message;
  EXPECT_NE(out.result.message.find("range [0x16dff0, 0x16e010) is outside the L1 of core (1,0)"), std::string::npos)
      << out.result.message;
}

TEST(Noc, AccessPastTheEndOfADramBankTraps) {
  DeviceConfig config;
  config.dram_bank_size = 1 << 20;
  Device device(config);
  KernelBuilder k("overrun", KernelRole::DataMovement0);
  k.noc_async_write(0x1000u, k.get_noc_addr_from_bank_id(2u, (1u << 20) - 8u, 1u), 16u);
  const Outcome out = RunOne(device, k, CoreCoord{0, 0});
  ASSERT_EQ(out.result.status, RunStatus::Trap) << out.result.message;
  EXPECT_NE(out.result.message.find("range [0xffff8, 0x100008) is outside DRAM bank 2"), std::string::npos)
      << out.result.message;
}

TEST(Noc, DestinationOutsideLocalL1Traps) {
  Device device(DeviceConfig{});
  KernelBuilder k("overrun", KernelRole::DataMovement0);
  k.noc_async_read(k.get_noc_addr_from_bank_id(0u, 0u, 1u), 1499136u - 4u, 8u);
  const Outcome out = RunOne(device, k, CoreCoord{0, 0});
  ASSERT_EQ(out.result.status, RunStatus::Trap) << out.result.message;
  EXPECT_NE(out.result.message.find("noc_async_read: destination [0x16dffc, 0x16e004) is outside this core's L1"),
            std::string::npos)
      << out.result.message;
}

TEST(Noc, KernelsSeeTheirLogicalAndNocCoordinates) {
  Device device(DeviceConfig{});
  KernelBuilder k("whoami", KernelRole::DataMovement0);
  k.dprint({k.get_absolute_logical_x(), ",", k.get_absolute_logical_y(), " noc ", k.my_x(0u), ",", k.my_y(1u)});
  const Outcome out = RunOne(device, k, CoreCoord{6, 7});
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  const NocCoord c = device.WorkerNoc(CoreCoord{6, 7});
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0], "[core (6,7) reader] 6,7 noc " + std::to_string(c.x) + "," + std::to_string(c.y));
}

}  // namespace
}  // namespace tilesim::emu::testing
