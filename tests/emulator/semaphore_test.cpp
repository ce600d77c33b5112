// Semaphores: blocking waits woken by local and remote writes, atomic increments from many cores,
// multicast set, and initial values written by Run.
#include <gtest/gtest.h>

#include <string>

#include "emulator_test_util.h"

namespace tilesim::emu::testing {
namespace {

constexpr uint32_t kSem = 0x100;  // semaphore 0's word on every core
constexpr uint32_t kData = 0x10000;

CoreResources WithSemaphore(CoreCoord core, uint32_t initial = 0) {
  return CoreResources{core, {}, {SemaphoreSpec{0, kSem, initial}}};
}

TEST(Semaphore, WaitBlocksUntilARemoteIncrementThenSeesTheData) {
  Device device(DeviceConfig{});
  const CoreCoord producer_core{4, 4}, consumer_core{1, 0};
  const NocCoord consumer_noc = device.WorkerNoc(consumer_core);
  const NocCoord producer_noc = device.WorkerNoc(producer_core);
  // The producer fills its L1, then tells the consumer; the consumer then pulls the data.
  KernelBuilder producer("producer", KernelRole::DataMovement0);
  producer.for_("i", 0u, 64u, [&](Expr i) { producer.store32(kData + i * 4u, i * 3u + 1u); });
  producer.noc_semaphore_inc(producer.get_noc_addr(producer.get_arg_val(0u), producer.get_arg_val(1u),
                                                   producer.get_semaphore(0u)),
                             1u);
  producer.noc_async_atomic_barrier();
  KernelBuilder consumer("consumer", KernelRole::DataMovement0);
  Expr sem = consumer.get_semaphore(0u);
  consumer.noc_semaphore_wait(sem, 1u);
  consumer.noc_async_read(consumer.get_noc_addr(consumer.get_arg_val(0u), consumer.get_arg_val(1u), kData), kData, 256u);
  consumer.noc_async_read_barrier();
  ProgramSpec p;
  // The consumer is scheduled first, so it really blocks.
  p.kernels = {Place(Compile(consumer), {consumer_core}, {{producer_noc.x, producer_noc.y}}),
               Place(Compile(producer), {producer_core}, {{consumer_noc.x, consumer_noc.y}})};
  p.cores = {WithSemaphore(consumer_core), WithSemaphore(producer_core)};
  const Outcome out = RunCollecting(device, p, 1);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  for (uint32_t i = 0; i < 64; ++i) ASSERT_EQ(ReadWord(device, consumer_core, kData + i * 4), i * 3 + 1) << i;
  EXPECT_EQ(ReadWord(device, consumer_core, kSem), 1u);
}

TEST(Semaphore, IncrementsFromManyCoresAreAtomic) {
  Device device(DeviceConfig{});
  const CoreCoord target{0, 0};
  const NocCoord target_noc = device.WorkerNoc(target);
  KernelBuilder inc("incrementer", KernelRole::DataMovement0);
  Expr addr = inc.let("addr", inc.get_noc_addr(inc.get_arg_val(0u), inc.get_arg_val(1u), kSem));
  inc.for_("i", 0u, 50u, [&](Expr) { inc.noc_semaphore_inc(addr, 1u); });
  inc.noc_async_atomic_barrier();
  KernelBuilder waiter("waiter", KernelRole::DataMovement1);
  waiter.noc_semaphore_wait_min(kSem, 40u * 50u);
  waiter.store32(kData, waiter.load32(kSem));
  ProgramSpec p;
  KernelSpec incs = Place(Compile(inc), {});
  for (uint32_t i = 0; i < 40; ++i) {
    incs.cores.push_back(CoreCoord{i % 8, 1 + i / 8});
    incs.runtime_args.push_back({target_noc.x, target_noc.y});
  }
  p.kernels = {Place(Compile(waiter), {target}), incs};
  p.cores = {WithSemaphore(target)};
  const Outcome out = RunCollecting(device, p, 4);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  EXPECT_EQ(ReadWord(device, target, kData), 2000u);
}

TEST(Semaphore, RunWritesInitialValues) {
  Device device(DeviceConfig{});
  WriteWord(device, CoreCoord{2, 2}, kSem, 99);  // left over from an earlier program
  KernelBuilder k("check", KernelRole::DataMovement0);
  k.noc_semaphore_wait(k.get_semaphore(0u), 7u);  // would deadlock unless the word starts at 7
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{2, 2}})};
  p.cores = {WithSemaphore(CoreCoord{2, 2}, 7)};
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
}

TEST(Semaphore, LocalSetWakesAnotherKernelOfTheSameCore) {
  Device device(DeviceConfig{});
  const CoreCoord core{3, 5};
  KernelBuilder waiter("waiter", KernelRole::DataMovement0);
  waiter.noc_semaphore_wait(kSem, 5u);
  waiter.dprint({"woke at ", waiter.load32(kData)});
  KernelBuilder setter("setter", KernelRole::DataMovement1);
  setter.store32(kData, 1234u);
  setter.noc_semaphore_set(kSem, 5u);
  ProgramSpec p;
  p.kernels = {Place(Compile(waiter), {core}), Place(Compile(setter), {core})};
  p.cores = {WithSemaphore(core)};
  const Outcome out = RunCollecting(device, p, 1);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0], "[core (3,5) reader] woke at 1234");
}

TEST(Semaphore, SetRemoteCopiesTheLocalWord) {
  Device device(DeviceConfig{});
  const CoreCoord sender{0, 3}, receiver{6, 1};
  const NocCoord rx = device.WorkerNoc(receiver);
  KernelBuilder s("sender", KernelRole::DataMovement0);
  s.store32(kData, 42u);
  s.noc_semaphore_set_remote(kData, s.get_noc_addr(s.get_arg_val(0u), s.get_arg_val(1u), kSem));
  s.noc_async_write_barrier();
  KernelBuilder r("receiver", KernelRole::DataMovement0);
  r.noc_semaphore_wait(kSem, 42u);
  ProgramSpec p;
  p.kernels = {Place(Compile(r), {receiver}), Place(Compile(s), {sender}, {{rx.x, rx.y}})};
  p.cores = {WithSemaphore(receiver), WithSemaphore(sender)};
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  EXPECT_EQ(ReadWord(device, receiver, kSem), 42u);
}

TEST(Semaphore, SetMulticastReleasesEveryReceiver) {
  Device device(DeviceConfig{});
  // Core (0,0) releases the 3x3 block (0,0)-(2,2), itself excluded; each receiver then records its x + 10 y.
  const NocCoord a = device.WorkerNoc(CoreCoord{0, 0});
  const NocCoord b = device.WorkerNoc(CoreCoord{2, 2});
  KernelBuilder s("sender", KernelRole::DataMovement1);
  s.noc_semaphore_set(kSem, 1u);
  s.noc_semaphore_set_multicast(kSem, s.get_noc_multicast_addr(s.get_arg_val(0u), s.get_arg_val(1u), s.get_arg_val(2u),
                                                               s.get_arg_val(3u), kSem),
                                8u);
  s.noc_async_write_barrier();
  KernelBuilder r("receiver", KernelRole::DataMovement0);
  r.noc_semaphore_wait(kSem, 1u);
  r.store32(kData, r.get_absolute_logical_x() + r.get_absolute_logical_y() * 10u);
  KernelSpec receivers = Place(Compile(r), {});
  ProgramSpec p;
  for (uint32_t y = 0; y < 3; ++y) {
    for (uint32_t x = 0; x < 3; ++x) {
      p.cores.push_back(WithSemaphore(CoreCoord{x, y}));
      if (x != 0 || y != 0) receivers.cores.push_back(CoreCoord{x, y});
    }
  }
  p.kernels = {receivers, Place(Compile(s), {CoreCoord{0, 0}}, {{a.x, a.y, b.x, b.y}})};
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  for (const CoreCoord c : receivers.cores) EXPECT_EQ(ReadWord(device, c, kData), c.x + 10 * c.y);
}

TEST(Semaphore, UnknownSemaphoreIdTraps) {
  Device device(DeviceConfig{});
  KernelBuilder k("k", KernelRole::DataMovement0);
  k.get_semaphore(3u);
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{1, 1}})};
  p.cores = {WithSemaphore(CoreCoord{1, 1})};
  const Outcome out = RunCollecting(device, p);
  ASSERT_EQ(out.result.status, RunStatus::Trap);
  EXPECT_NE(out.result.message.find("get_semaphore(3): core (1,1) has no semaphore 3"), std::string::npos)
      << out.result.message;
}

TEST(Semaphore, IncrementTargetingDramTraps) {
  Device device(DeviceConfig{});
  KernelBuilder k("k", KernelRole::DataMovement0);
  k.noc_semaphore_inc(k.get_noc_addr_from_bank_id(0u, 0u, 1u), 1u);
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{0, 0}})};
  const Outcome out = RunCollecting(device, p);
  ASSERT_EQ(out.result.status, RunStatus::Trap);
  EXPECT_NE(out.result.message.find("semaphores live in a worker core's L1"), std::string::npos) << out.result.message;
}

TEST(Semaphore, PlainStoreToTheWordStillReleasesAWaiter) {
  // A kernel may set a flag with an ordinary store instead of noc_semaphore_set; nothing signals the
  // waiter, but it must not be reported as a deadlock once everything else is blocked or done.
  Device device(DeviceConfig{});
  const CoreCoord core{1, 1};
  KernelBuilder waiter("waiter", KernelRole::DataMovement0);
  waiter.noc_semaphore_wait(kSem, 3u);
  KernelBuilder setter("setter", KernelRole::DataMovement1);
  setter.store32(kSem, 3u);
  ProgramSpec p;
  p.kernels = {Place(Compile(waiter), {core}), Place(Compile(setter), {core})};
  p.cores = {WithSemaphore(core)};
  const Outcome out = RunCollecting(device, p, 1);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
}

TEST(Semaphore, PlainStoreReleasesAWaiterWhileAnotherKernelSpins) {
  // As above, but the setter then spins on a word the waiter writes, so the run never runs out of
  // runnable kernels: the monitor's periodic recheck has to notice the semaphore.
  Device device(DeviceConfig{});
  const CoreCoord core{2, 6};
  KernelBuilder waiter("waiter", KernelRole::DataMovement0);
  waiter.noc_semaphore_wait(kSem, 3u);
  waiter.store32(kData, 1u);
  KernelBuilder setter("setter", KernelRole::DataMovement1);
  setter.store32(kSem, 3u);
  kir::VarId seen = setter.var("seen", kir::Type::U32, 0u);
  setter.while_(setter.ref(seen) == 0u, [&] { setter.assign(seen, setter.load32(kData)); });
  ProgramSpec p;
  p.kernels = {Place(Compile(waiter), {core}), Place(Compile(setter), {core})};
  p.cores = {WithSemaphore(core)};
  const Outcome out = RunCollecting(device, p, 1, std::chrono::milliseconds(5000));
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  EXPECT_EQ(ReadWord(device, core, kData), 1u);
}

}  // namespace
}  // namespace tilesim::emu::testing
