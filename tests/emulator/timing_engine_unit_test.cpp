// The timing engine on tiny hand-written event logs whose cycles can be worked out by hand from the
// profile's costs: CB hand-over between reader, compute and writer, a NoC read barrier, a remote
// semaphore, and a log that cannot be replayed.
#include <gtest/gtest.h>

#include <algorithm>

#include "emulator/event_log.h"
#include "emulator/timing/compute_costs.h"
#include "emulator/timing/noc_model.h"
#include "emulator/timing/noc_params.h"
#include "emulator/timing/timing_engine.h"
#include "emulator/noc_address.h"

namespace tilesim::emu::timing {
namespace {

using bc::Intrinsic;

KernelEvent Ev(Intrinsic op, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
  KernelEvent e;
  e.intrinsic = static_cast<uint16_t>(op);
  e.args = {a0, a1, a2, a3};
  return e;
}

ContextLog Ctx(KernelRole role, std::vector<KernelEvent> events, CoreCoord core = {0, 0}) {
  ContextLog c;
  c.core = core;
  c.role = role;
  c.kernel = std::string(ToString(role));
  c.noc = role == KernelRole::DataMovement1 ? 1 : 0;
  c.events = std::move(events);
  return c;
}

ProgramEventLog Base() {
  ProgramEventLog log;
  log.device = Finalize(DeviceConfig{});
  CoreResources core;
  core.core = {0, 0};
  core.circular_buffers = {CircularBufferSpec{0, 0x20000, 2048, 2, DataFormat::Float16_b},
                           CircularBufferSpec{16, 0x30000, 2048, 2, DataFormat::Float16_b}};
  log.cores.push_back(core);
  return log;
}

const perf::KernelTiming& Kernel(const perf::PerfResult& r, uint32_t role) {
  return *std::find_if(r.kernels.begin(), r.kernels.end(), [&](const auto& k) { return k.role == role; });
}

TEST(TimingEngine, ReaderComputeWriterHandOverCostsExactlyTheProfileCycles) {
  const DeviceProfile profile;
  const ComputeCosts costs(profile);
  ProgramEventLog log = Base();
  log.contexts.push_back(Ctx(KernelRole::DataMovement0, {Ev(Intrinsic::cb_reserve_back, 0, 1), Ev(Intrinsic::cb_push_back, 0, 1)}));
  log.contexts.push_back(Ctx(KernelRole::Compute,
                             {Ev(Intrinsic::cb_wait_front, 0, 1), Ev(Intrinsic::matmul_tiles, 0, 0), Ev(Intrinsic::cb_pop_front, 0, 1),
                              Ev(Intrinsic::cb_reserve_back, 16, 1), Ev(Intrinsic::pack_tile, 0, 16), Ev(Intrinsic::cb_push_back, 16, 1)}));
  log.contexts.push_back(Ctx(KernelRole::DataMovement1, {Ev(Intrinsic::cb_wait_front, 16, 1), Ev(Intrinsic::cb_pop_front, 16, 1)}));
  const perf::PerfResult r = ReplayEventLog(log, profile);

  const CbCosts& cb = costs.cb();
  const double pushed = cb.reserve_back + cb.push_back;  // the reader's push lands here
  const double math = std::max(costs.MatmulTileCycles(MathFidelity::HiFi4), 2 * costs.UnpackTileCycles(DataFormat::Float16_b));
  const double fpu_done = pushed + math;  // the compute kernel waited for the push, then the FPU ran
  const double packed = fpu_done + costs.PackTileCycles(DataFormat::Float16_b);
  const double writer_done = packed + cb.pop_front;  // the writer waited for the packer's push
  EXPECT_DOUBLE_EQ(Kernel(r, 2).end_cycle, packed);
  EXPECT_DOUBLE_EQ(Kernel(r, 1).end_cycle, writer_done);
  EXPECT_EQ(r.cycles, static_cast<uint64_t>(std::ceil(writer_done)));
  EXPECT_DOUBLE_EQ(Kernel(r, 2).cycles[static_cast<int>(perf::Activity::CbFront)], pushed - cb.wait_front);
  EXPECT_DOUBLE_EQ(Kernel(r, 1).cycles[static_cast<int>(perf::Activity::CbFront)], packed - cb.wait_front);
  EXPECT_DOUBLE_EQ(r.fpu_ideal_cycles, costs.MatmulTileCycles(MathFidelity::HiFi4));
}

TEST(TimingEngine, ScalarInstructionsBetweenCallsCostAluCycles) {
  const DeviceProfile profile;
  const ComputeCosts costs(profile);
  ProgramEventLog log = Base();
  KernelEvent reserve = Ev(Intrinsic::cb_reserve_back, 0, 1);
  reserve.instructions = 100;
  ContextLog reader = Ctx(KernelRole::DataMovement0, {reserve});
  reader.instructions = 150;
  log.contexts.push_back(reader);
  const perf::PerfResult r = ReplayEventLog(log, profile);
  EXPECT_DOUBLE_EQ(Kernel(r, 0).end_cycle, 150 * costs.riscv().alu + costs.cb().reserve_back);
}

TEST(TimingEngine, ReadBarrierEndsWhenTheNocModelSaysTheReadLanded) {
  const DeviceProfile profile;
  ProgramEventLog log = Base();
  const NocCoord bank = log.device.dram_bank_noc[0];
  const uint64_t address = noc::EncodeUnicast(bank.x, bank.y, 0);
  log.contexts.push_back(Ctx(KernelRole::DataMovement0, {Ev(Intrinsic::noc_async_read, address, 0x20000, 2048),
                                                         Ev(Intrinsic::noc_async_read_barrier)}));
  const perf::PerfResult r = ReplayEventLog(log, profile);

  NocModel model(NocParamsFromProfile(profile));
  NocTransfer t;
  t.op = NocOp::Read;
  t.initiator = NocCoord{log.device.worker_noc_x[0], log.device.worker_noc_y[0]};
  t.target = bank;
  t.bytes = 2048;
  const uint64_t landed = model.RunUntilComplete(model.Submit(t));
  EXPECT_DOUBLE_EQ(Kernel(r, 0).end_cycle, static_cast<double>(landed));
  EXPECT_DOUBLE_EQ(Kernel(r, 0).cycles[static_cast<int>(perf::Activity::NocBarrier)], static_cast<double>(landed));
  EXPECT_EQ(r.dram_bytes, 2048u);
}

// A multicast over the first two cores of row 0, sent by core (0,0): without loopback_src it reaches one
// core (the emulator leaves the sender out), with it both; the NoC bytes count the destinations.
TEST(TimingEngine, AMulticastCountsItsSenderOnlyWithLoopback) {
  const DeviceProfile profile;
  const auto noc_bytes = [&](Intrinsic op) {
    ProgramEventLog log = Base();
    const noc::NocRect row = noc::MakeRect(log.device.worker_noc_x[0], log.device.worker_noc_y[0],
                                           log.device.worker_noc_x[1], log.device.worker_noc_y[0]);
    log.contexts.push_back(Ctx(KernelRole::DataMovement0, {Ev(op, 0x20000, noc::EncodeMulticast(row, 0x20000), 2048, 2),
                                                           Ev(Intrinsic::noc_async_write_barrier)}));
    return ReplayEventLog(log, profile).noc_bytes;
  };
  EXPECT_EQ(noc_bytes(Intrinsic::noc_async_write_multicast), 2048u);
  EXPECT_EQ(noc_bytes(Intrinsic::noc_async_write_multicast_loopback_src), 2u * 2048u);
}

TEST(TimingEngine, RemoteSemaphoreWaitEndsAfterTheWriteLatency) {
  const DeviceProfile profile;
  ProgramEventLog log = Base();
  log.cores.push_back(CoreResources{{1, 0}, {}, {SemaphoreSpec{0, 0x1000, 0}}});
  const NocCoord receiver{log.device.worker_noc_x[1], log.device.worker_noc_y[0]};
  KernelEvent inc = Ev(Intrinsic::noc_semaphore_inc, noc::EncodeUnicast(receiver.x, receiver.y, 0x1000), 1);
  log.contexts.push_back(Ctx(KernelRole::DataMovement0, {inc}));
  log.contexts.push_back(Ctx(KernelRole::DataMovement0, {Ev(Intrinsic::noc_semaphore_wait, 0x1000, 1)}, {1, 0}));
  const perf::PerfResult r = ReplayEventLog(log, profile);

  NocModel model(NocParamsFromProfile(profile));
  NocTransfer t;
  t.op = NocOp::Write;
  t.initiator = NocCoord{log.device.worker_noc_x[0], log.device.worker_noc_y[0]};
  t.target = receiver;
  t.bytes = 4;
  const double latency = model.StartLatency(t);
  const perf::KernelTiming& waiter = r.kernels[1];
  EXPECT_DOUBLE_EQ(waiter.end_cycle, latency);
  EXPECT_DOUBLE_EQ(waiter.cycles[static_cast<int>(perf::Activity::Semaphore)], latency);
}

TEST(TimingEngine, AWaitNobodySatisfiesIsReportedNamingTheContext) {
  const DeviceProfile profile;
  ProgramEventLog log = Base();
  log.contexts.push_back(Ctx(KernelRole::Compute, {Ev(Intrinsic::cb_wait_front, 0, 1)}));
  try {
    ReplayEventLog(log, profile);
    FAIL() << "expected a TimingError";
  } catch (const TimingError& e) {
    EXPECT_NE(std::string(e.what()).find("core (0,0) compute"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cb_wait_front"), std::string::npos) << e.what();
  }
}

TEST(TimingEngine, AnUnconfiguredCbIsAnErrorNotACrash) {
  const DeviceProfile profile;
  ProgramEventLog log = Base();
  log.contexts.push_back(Ctx(KernelRole::DataMovement0, {Ev(Intrinsic::cb_push_back, 7, 1)}));
  EXPECT_THROW(ReplayEventLog(log, profile), TimingError);
}

}  // namespace
}  // namespace tilesim::emu::timing
