// Circular buffer semantics through running kernels: FIFO order, wrap-around, blocking both ways, and the
// traps for requests that can never complete or corrupt the FIFO.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "emulator_test_util.h"

namespace tilesim::emu::testing {
namespace {

constexpr uint32_t kCbAddress = 0x20000;
constexpr uint32_t kPage = 2048;
constexpr uint32_t kSrcBase = 0x0;
constexpr uint32_t kDstBase = 0x100000;
const CoreCoord kCore{0, 0};

ProgramSpec Loopback(uint32_t pages, uint32_t cb_pages, bool writer_first) {
  ProgramSpec p;
  KernelSpec reader = Place(DramReader(0), {kCore}, {{kSrcBase, pages, kPage}});
  KernelSpec writer = Place(DramWriter(0), {kCore}, {{kDstBase, pages, kPage}});
  if (writer_first) {
    p.kernels = {writer, reader};
  } else {
    p.kernels = {reader, writer};
  }
  p.cores.push_back(CoreResources{kCore, {Cb(0, kCbAddress, kPage, cb_pages)}, {}});
  return p;
}

TEST(CircularBuffer, PagesArriveInFifoOrder) {
  Device device(DeviceConfig{});
  const auto input = Pattern(10 * kPage, 1);
  WriteInterleaved(device, kSrcBase, kPage, input);
  const Outcome out = RunCollecting(device, Loopback(10, 4, false));
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  EXPECT_EQ(ReadInterleaved(device, kDstBase, kPage, 10), input);
}

TEST(CircularBuffer, ProducerAndConsumerBlockAndResumeOnATwoPageBuffer) {
  Device device(DeviceConfig{});
  const auto input = Pattern(16 * kPage, 2);
  WriteInterleaved(device, kSrcBase, kPage, input);
  // One thread, consumer first: it blocks on an empty CB, the producer then blocks on a full one, and
  // 16 pages through 2 force them to hand over at least 8 times.
  const Outcome out = RunCollecting(device, Loopback(16, 2, true), /*threads=*/1);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  EXPECT_EQ(ReadInterleaved(device, kDstBase, kPage, 16), input);
  EXPECT_GE(out.result.stats.context_switches, 8u);
}

TEST(CircularBuffer, ReadAndWritePointersWrapAroundTheBuffer) {
  Device device(DeviceConfig{});
  constexpr uint32_t kSmallPage = 64;
  KernelBuilder producer("producer", KernelRole::DataMovement0);
  producer.for_("i", 0u, 8u, [&](Expr i) {
    producer.cb_reserve_back(3u, 1u);
    producer.store32(producer.get_write_ptr(3u), i);
    producer.cb_push_back(3u, 1u);
  });
  KernelBuilder consumer("consumer", KernelRole::DataMovement1);
  consumer.for_("i", 0u, 8u, [&](Expr) {
    consumer.cb_wait_front(3u, 1u);
    Expr ptr = consumer.get_read_ptr(3u);
    consumer.dprint({"page ", ptr, " value ", consumer.load32(ptr)});
    consumer.cb_pop_front(3u, 1u);
  });
  ProgramSpec p;
  p.kernels = {Place(Compile(producer), {kCore}), Place(Compile(consumer), {kCore})};
  p.cores.push_back(CoreResources{kCore, {Cb(3, kCbAddress, kSmallPage, 3)}, {}});
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  ASSERT_EQ(out.lines.size(), 8u);
  for (uint32_t i = 0; i < 8; ++i) {
    const uint32_t address = kCbAddress + (i % 3) * kSmallPage;
    EXPECT_EQ(out.lines[i], "[core (0,0) writer] page " + std::to_string(address) + " value " + std::to_string(i));
  }
}

// A single-kernel program whose body is `body`, on core (0,0) with CB 0: 2 pages of 64 bytes.
RunResult RunSingle(const std::function<void(KernelBuilder&)>& body, uint32_t cb_pages = 2) {
  Device device(DeviceConfig{});
  KernelBuilder k("cb_kernel", KernelRole::DataMovement0, "cb_kernel.cpp");
  body(k);
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {kCore})};
  p.cores.push_back(CoreResources{kCore, {Cb(0, kCbAddress, 64, cb_pages)}, {}});
  return RunCollecting(device, p).result;
}

TEST(CircularBuffer, ReservingMorePagesThanTheBufferHoldsTrapsAtOnce) {
  const RunResult r = RunSingle([](KernelBuilder& k) {
    k.at(4, 3);
    k.cb_reserve_back(0u, 3u);
  });
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("cb_kernel.cpp:4:3"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("cb_reserve_back(cb=0, n=3) can never complete: cb 0 holds only 2 pages"), std::string::npos)
      << r.message;
}

TEST(CircularBuffer, WaitingForMorePagesThanTheBufferHoldsTrapsAtOnce) {
  const RunResult r = RunSingle([](KernelBuilder& k) { k.cb_wait_front(0u, 5u); });
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("cb_wait_front(cb=0, n=5) can never complete"), std::string::npos) << r.message;
}

TEST(CircularBuffer, PoppingPagesThatAreNotReadyTraps) {
  const RunResult r = RunSingle([](KernelBuilder& k) {
    k.cb_reserve_back(0u, 1u);
    k.cb_push_back(0u, 1u);
    k.cb_pop_front(0u, 2u);
  });
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("cb_pop_front(cb=0, n=2): only 1 page ready"), std::string::npos) << r.message;
}

TEST(CircularBuffer, PushingMorePagesThanAreFreeTraps) {
  const RunResult r = RunSingle([](KernelBuilder& k) {
    k.cb_push_back(0u, 2u);
    k.cb_push_back(0u, 1u);
  });
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("cb_push_back(cb=0, n=1): only 0 pages free"), std::string::npos) << r.message;
}

TEST(CircularBuffer, ABlockRunningPastTheEndOfTheBufferTraps) {
  const RunResult r = RunSingle(
      [](KernelBuilder& k) {
        k.for_("i", 0u, 2u, [&](Expr) {  // move both pointers to page 2 of 3
          k.cb_reserve_back(0u, 1u);
          k.cb_push_back(0u, 1u);
          k.cb_wait_front(0u, 1u);
          k.cb_pop_front(0u, 1u);
        });
        k.cb_reserve_back(0u, 2u);
      },
      /*cb_pages=*/3);
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("starting at page 2 of 3 run past the end of the buffer"), std::string::npos) << r.message;
}

TEST(CircularBuffer, UsingAnUnconfiguredBufferTraps) {
  const RunResult r = RunSingle([](KernelBuilder& k) { k.cb_wait_front(7u, 1u); });
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("circular buffer 7 is not configured on core (0,0)"), std::string::npos) << r.message;
}

TEST(CircularBuffer, PushingAPageStillTargetedByAnUnbarrieredReadTraps) {
  const RunResult r = RunSingle([](KernelBuilder& k) {
    k.cb_reserve_back(0u, 1u);
    Expr l1 = k.get_write_ptr(0u);
    k.noc_async_read(k.get_noc_addr_interleaved(0u, 0u, 64u, 1u, 0u), l1, 64u);
    k.at(9, 5);
    k.cb_push_back(0u, 1u);
  });
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("cb_kernel.cpp:9:5"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("missing noc_async_read_barrier before cb_push_back"), std::string::npos) << r.message;
}

TEST(CircularBuffer, PoppingAPageStillReadByAnUnflushedWriteTraps) {
  const RunResult r = RunSingle([](KernelBuilder& k) {
    k.cb_reserve_back(0u, 1u);
    k.cb_push_back(0u, 1u);
    k.cb_wait_front(0u, 1u);
    Expr l1 = k.get_read_ptr(0u);
    k.noc_async_write(l1, k.get_noc_addr_interleaved(0u, 0u, 64u, 1u, 0u), 64u);
    k.cb_pop_front(0u, 1u);
  });
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("missing write barrier before cb_pop_front"), std::string::npos) << r.message;
}

TEST(CircularBuffer, NonBlockingQueriesReportPagesWithoutWaiting) {
  Device device(DeviceConfig{});
  KernelBuilder k("query", KernelRole::DataMovement0);
  k.dprint({"ready ", k.cb_pages_available_at_front(0u, 1u), " free ", k.cb_pages_reservable_at_back(0u, 2u)});
  k.cb_push_back(0u, 1u);
  k.dprint({"ready ", k.cb_pages_available_at_front(0u, 1u), " free ", k.cb_pages_reservable_at_back(0u, 2u)});
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {kCore})};
  p.cores.push_back(CoreResources{kCore, {Cb(0, kCbAddress, 64, 2)}, {}});
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[0], "[core (0,0) reader] ready 0 free 1");
  EXPECT_EQ(out.lines[1], "[core (0,0) reader] ready 1 free 0");
}

}  // namespace
}  // namespace tilesim::emu::testing
