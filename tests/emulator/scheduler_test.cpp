// The scheduler: deadlocks reported at once with every blocked context, livelocks stopped by the monitor,
// traps stopping the run with their location, heavy block/wake traffic across many cores, the calling
// thread as a worker, and unsignalled semaphore stores caught by the workers' periodic recheck.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "emulator_test_util.h"

namespace tilesim::emu::testing {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

TEST(Scheduler, DeadlockIsReportedAtOnceWithOperationLocationAndCbState) {
  Device device(DeviceConfig{});
  const CoreCoord core{2, 3};
  KernelBuilder k("stuck_compute", KernelRole::Compute, "stuck.cpp");
  k.at(5, 3);
  k.cb_wait_front(1u, 1u);  // nobody ever pushes to CB 1
  KernelBuilder reader("reader", KernelRole::DataMovement0);
  reader.dprint({"reader done"});
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {core}), Place(Compile(reader), {core})};
  p.cores.push_back(CoreResources{core, {Cb(1, 0x10000, 2048, 2)}, {}});
  const auto start = Clock::now();
  const Outcome out = RunCollecting(device, p, 2, std::chrono::milliseconds(10000));
  EXPECT_LT(Seconds(start), 1.0);
  ASSERT_EQ(out.result.status, RunStatus::Deadlock) << out.result.message;
  ASSERT_EQ(out.result.blocked.size(), 1u) << out.result.message;
  const BlockedContext& b = out.result.blocked[0];
  EXPECT_EQ(b.core, core);
  EXPECT_EQ(b.role, KernelRole::Compute);
  EXPECT_EQ(b.kernel, "stuck_compute");
  EXPECT_EQ(b.operation, "cb_wait_front(cb=1, n=1)");
  EXPECT_EQ(b.location, "stuck.cpp:5:3");
  EXPECT_EQ(b.state, "cb 1: 0 of 2 pages ready, 2 free (producer pushed 0, consumer popped 0)");
  for (const char* part : {"deadlock", "core (2,3) compute 'stuck_compute'", "cb_wait_front(cb=1, n=1)", "stuck.cpp:5:3",
                           "0 of 2 pages ready"}) {
    EXPECT_NE(out.result.message.find(part), std::string::npos) << part << " missing from:\n" << out.result.message;
  }
}

TEST(Scheduler, DeadlockReportNamesEveryBlockedContext) {
  Device device(DeviceConfig{});
  // Cores A and B each wait for the other's semaphore before setting their own: a cycle. Core C fills
  // its only CB page and then wants another one nobody frees.
  const CoreCoord a{0, 0}, b{1, 0}, c{5, 5};
  const NocCoord a_noc = device.WorkerNoc(a), b_noc = device.WorkerNoc(b);
  KernelBuilder cyc("cycle", KernelRole::DataMovement0, "cycle.cpp");
  cyc.at(2, 3);
  cyc.noc_semaphore_wait(0x100u, 1u);
  cyc.noc_semaphore_inc(cyc.get_noc_addr(cyc.get_arg_val(0u), cyc.get_arg_val(1u), 0x100u), 1u);
  KernelBuilder fill("filler", KernelRole::DataMovement1, "filler.cpp");
  fill.for_("i", 0u, 2u, [&](Expr) {
    fill.at(4, 5);
    fill.cb_reserve_back(0u, 1u);
    fill.cb_push_back(0u, 1u);
  });
  ProgramSpec p;
  p.kernels = {Place(Compile(cyc), {a, b}, {{b_noc.x, b_noc.y}, {a_noc.x, a_noc.y}}), Place(Compile(fill), {c})};
  p.cores = {CoreResources{a, {}, {SemaphoreSpec{0, 0x100, 0}}}, CoreResources{b, {}, {SemaphoreSpec{0, 0x100, 0}}},
             CoreResources{c, {Cb(0, 0x10000, 64, 1)}, {}}};
  const Outcome out = RunCollecting(device, p, 2, std::chrono::milliseconds(10000));
  ASSERT_EQ(out.result.status, RunStatus::Deadlock) << out.result.message;
  ASSERT_EQ(out.result.blocked.size(), 3u) << out.result.message;
  for (const BlockedContext& blocked : out.result.blocked) {
    if (blocked.core == c) {
      EXPECT_EQ(blocked.operation, "cb_reserve_back(cb=0, n=1)");
      EXPECT_EQ(blocked.location, "filler.cpp:4:5");
      EXPECT_EQ(blocked.state, "cb 0: 1 of 1 pages ready, 0 free (producer pushed 1, consumer popped 0)");
    } else {
      EXPECT_EQ(blocked.operation, "noc_semaphore_wait(addr=0x100, value=1)");
      EXPECT_EQ(blocked.location, "cycle.cpp:2:3");
      EXPECT_EQ(blocked.state, "semaphore 0 (L1 0x100) = 0, waiting for == 1");
    }
  }
}

TEST(Scheduler, LivelockIsStoppedAfterTheTimeout) {
  Device device(DeviceConfig{});
  // Spins on an L1 flag nobody sets: instructions run but nothing happens.
  KernelBuilder k("spinner", KernelRole::DataMovement0, "spin.cpp");
  kir::VarId flag = k.var("flag", kir::Type::U32, 0u);
  k.at(3);
  k.while_(k.ref(flag) == 0u, [&] { k.assign(flag, k.load32(0x1000u)); });
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{1, 1}})};
  const auto start = Clock::now();
  const Outcome out = RunCollecting(device, p, 2, std::chrono::milliseconds(100));
  EXPECT_LT(Seconds(start), 2.0);
  ASSERT_EQ(out.result.status, RunStatus::Livelock) << out.result.message;
  ASSERT_EQ(out.result.blocked.size(), 1u);
  EXPECT_EQ(out.result.blocked[0].core, (CoreCoord{1, 1}));
  EXPECT_EQ(out.result.blocked[0].kernel, "spinner");
  EXPECT_NE(out.result.blocked[0].operation.find("running"), std::string::npos);
  EXPECT_NE(out.result.blocked[0].location.find("spin.cpp:3"), std::string::npos) << out.result.blocked[0].location;
  EXPECT_NE(out.result.message.find("livelock: no CB, NoC, semaphore or L1-store activity for 100 ms"), std::string::npos)
      << out.result.message;
}

TEST(Scheduler, ATrapStopsTheRunAndNamesKernelCoreAndLocation) {
  Device device(DeviceConfig{});
  KernelBuilder bad("divider", KernelRole::DataMovement1, "div.cpp");
  Expr zero = bad.let("zero", bad.get_arg_val(0u));
  bad.at(7, 9);
  bad.store32(0x1000u, 100u / zero);
  // Another kernel that would wait forever: the trap must still end the run.
  KernelBuilder waiter("waiter", KernelRole::DataMovement0);
  waiter.noc_semaphore_wait(0x100u, 1u);
  ProgramSpec p;
  p.kernels = {Place(Compile(waiter), {CoreCoord{3, 3}}), Place(Compile(bad), {CoreCoord{1, 2}}, {{0}})};
  const Outcome out = RunCollecting(device, p, 2, std::chrono::milliseconds(10000));
  ASSERT_EQ(out.result.status, RunStatus::Trap) << out.result.message;
  EXPECT_NE(out.result.message.find("trap in core (1,2) writer 'divider' at div.cpp:7:9"), std::string::npos)
      << out.result.message;
  EXPECT_NE(out.result.message.find("division by zero"), std::string::npos) << out.result.message;
}

// Core i of a ring waits for the token (its semaphore reaching round + 1; core 0's starts at 1) and
// passes it on; every hand-over is a block and a wake on another core.
TEST(Scheduler, TokenRingAcrossEveryCoreCompletes) {
  Device device(DeviceConfig{});
  constexpr uint32_t kRounds = 20;
  KernelBuilder k("ring", KernelRole::DataMovement0);
  Expr next = k.let("next", k.get_noc_addr(k.get_arg_val(0u), k.get_arg_val(1u), 0x100u));
  k.for_("r", 0u, kRounds, [&](Expr r) {
    k.noc_semaphore_wait_min(0x100u, r + 1u);
    k.noc_semaphore_inc(next, 1u);
  });
  k.noc_async_atomic_barrier();
  KernelSpec spec = Place(Compile(k), {});
  ProgramSpec p;
  for (uint32_t i = 0; i < 64; ++i) {
    const CoreCoord core{i % 8, i / 8};
    const NocCoord next_noc = device.WorkerNoc(CoreCoord{(i + 1) % 64 % 8, (i + 1) % 64 / 8});
    spec.cores.push_back(core);
    spec.runtime_args.push_back({next_noc.x, next_noc.y});
    p.cores.push_back(CoreResources{core, {}, {SemaphoreSpec{0, 0x100, i == 0 ? 1u : 0u}}});
  }
  p.kernels = {spec};
  for (uint32_t threads : {1u, 3u}) {
    const Outcome out = RunCollecting(device, p, threads);
    ASSERT_TRUE(out.result.ok()) << out.result.message;
    // Core 0 started with 1 and received kRounds tokens; every other core received kRounds.
    EXPECT_EQ(ReadWord(device, CoreCoord{0, 0}, 0x100), kRounds + 1);
    for (uint32_t i = 1; i < 64; ++i) ASSERT_EQ(ReadWord(device, CoreCoord{i % 8, i / 8}, 0x100), kRounds) << i;
    EXPECT_GT(out.result.stats.instructions, 0u);
  }
}

TEST(Scheduler, MoreThreadsThanContextsIsFine) {
  Device device(DeviceConfig{});
  KernelBuilder k("single", KernelRole::DataMovement0);
  k.store32(0x2000u, 77u);
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{0, 0}})};
  const Outcome out = RunCollecting(device, p, 16);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  EXPECT_EQ(ReadWord(device, CoreCoord{0, 0}, 0x2000), 77u);
}

// Worker 0 is the thread that called Run: a one-thread run starts no thread, and with more threads the
// caller still runs kernels (DPRINT's callback runs on the thread that runs the kernel).
TEST(Scheduler, TheCallingThreadRunsKernels) {
  Device device(DeviceConfig{});
  KernelBuilder k("printer", KernelRole::DataMovement0);
  k.dprint({"hello"});
  KernelSpec spec = Place(Compile(k), {});
  ProgramSpec p;
  for (uint32_t i = 0; i < 64; ++i) spec.cores.push_back(CoreCoord{i % 8, i / 8});
  p.kernels = {spec};
  for (uint32_t threads : {1u, 2u}) {
    std::mutex mutex;
    std::set<std::thread::id> printers;
    RunOptions options;
    options.threads = threads;
    options.dprint = [&](const std::string&) {
      std::lock_guard lock(mutex);
      printers.insert(std::this_thread::get_id());
    };
    const RunResult r = emu::Run(device, p, options);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_LE(printers.size(), threads);
    if (threads == 1) {
      EXPECT_EQ(printers, std::set<std::thread::id>{std::this_thread::get_id()});
    }
  }
}

// Kernel `setter` sets its core's semaphore with a plain L1 store, which signals nobody, then spins until
// the waiter has run. Only the periodic recheck by a worker between slices can wake the waiter, and the
// spinner holds the only thread. (One thread only: with two, the kernels' plain L1 stores and loads of the
// flag race, as they would on hardware, and ThreadSanitizer would rightly say so.)
TEST(Scheduler, ASemaphoreSetByAPlainStoreWakesItsWaiterWhileAnotherKernelSpinsOnTheOnlyThread) {
  Device device(DeviceConfig{});
  KernelBuilder waiter("waiter", KernelRole::DataMovement0);
  waiter.noc_semaphore_wait(0x100u, 1u);
  waiter.store32(0x2000u, 1u);
  KernelBuilder setter("setter", KernelRole::DataMovement1);
  kir::VarId seen = setter.var("seen", kir::Type::U32, 0u);
  setter.store32(0x100u, 1u);
  setter.while_(setter.ref(seen) == 0u, [&] { setter.assign(seen, setter.load32(0x2000u)); });
  setter.store32(0x2004u, 2u);
  const CoreCoord core{4, 4};
  ProgramSpec p;
  p.kernels = {Place(Compile(waiter), {core}), Place(Compile(setter), {core})};
  p.cores.push_back(CoreResources{core, {}, {SemaphoreSpec{0, 0x100, 0}}});
  const auto start = Clock::now();
  const Outcome out = RunCollecting(device, p, 1, std::chrono::milliseconds(5000));
  ASSERT_TRUE(out.result.ok()) << out.result.message;  // not a livelock after 5 s
  EXPECT_LT(Seconds(start), 3.0);                       // a poll interval (<= 20 ms) and the spinning
  EXPECT_EQ(ReadWord(device, core, 0x2004), 2u);
}

TEST(Scheduler, EmptyProgramFinishesAtOnce) {
  Device device(DeviceConfig{});
  const RunResult r = emu::Run(device, ProgramSpec{});
  EXPECT_TRUE(r.ok()) << r.message;
}

}  // namespace
}  // namespace tilesim::emu::testing
