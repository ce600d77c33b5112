// Sanity checks of the timing model on real programs (run on the emulator with event logging, then replayed
// against the wormhole_b0 profile): a DRAM read stream saturates the path's bandwidth limit, an FPU-bound
// GEMM costs its ideal FPU cycles, a slow reader shows up as compute waiting on its CB front, and the
// timing depends neither on the host thread count nor does logging change the output bits.
//
// The limits are worked out here from the profile's numbers, not taken from the engine.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/timing/compute_costs.h"
#include "emulator/timing/device_profile.h"
#include "emulator/timing/noc_params.h"
#include "emulator/timing/timing_engine.h"
#include "emulator_test_util.h"

namespace tilesim::emu::testing {
namespace {

using timing::ComputeCosts;
using timing::DeviceProfile;
using timing::NocParams;

constexpr uint32_t kTile = 2048;  // a bf16 32x32 tile

const DeviceProfile& Wormhole() {
  static const DeviceProfile profile = timing::LoadDeviceProfileByName("wormhole_b0");
  return profile;
}

// Runs the program with event logging and replays its log.
perf::PerfResult RunTimed(Device& device, const ProgramSpec& program, uint32_t threads = 2) {
  RunOptions options;
  options.threads = threads;
  options.record_events = true;
  const RunResult run = Run(device, program, options);
  EXPECT_TRUE(run.ok()) << run.message;
  if (!run.ok() || !run.events) return {};
  return timing::ReplayEventLog(*run.events, Wormhole());
}

const perf::KernelTiming& KernelWithRole(const perf::PerfResult& r, KernelRole role) {
  const auto it = std::find_if(r.kernels.begin(), r.kernels.end(),
                               [&](const perf::KernelTiming& k) { return k.role == static_cast<uint32_t>(role); });
  if (it == r.kernels.end()) throw std::runtime_error("no kernel with that role in the result");
  return *it;
}

double Stall(const perf::KernelTiming& k, perf::Activity a) { return k.cycles[static_cast<int>(a)]; }

// One core issues `tiles` DRAM reads of one tile each (page ids 0, stride, 2 x stride, ... of an
// interleaved buffer) into one L1 buffer, then waits for all of them once.
ProgramSpec ReadStream(uint32_t tiles, uint32_t page_stride) {
  KernelBuilder k("read_stream", KernelRole::DataMovement0);
  k.for_("i", 0u, tiles, [&](Expr i) {
    k.noc_async_read(k.get_noc_addr_interleaved(i * page_stride, 0u, kTile, 1u, 0u), 0x20000u, kTile);
  });
  k.noc_async_read_barrier();
  ProgramSpec p;
  p.cores.push_back(CoreResources{{0, 0}, {}, {}});
  p.kernels = {Place(Compile(k), {{0, 0}})};
  return p;
}

TEST(TimingSanity, ReadsFromOneDramBankSaturateThatPathsLimit) {
  constexpr uint32_t kTiles = 512;
  Device device(DeviceConfig{});
  const uint32_t banks = static_cast<uint32_t>(device.config().dram_bank_noc.size());
  const perf::PerfResult r = RunTimed(device, ReadStream(kTiles, banks));  // every page in bank 0

  // The data leaves one bank: its GDDR channel, its NIU, the links, the worker's NIU and the worker's
  // packet issue rate for 2 KB packets each bound the stream; the smallest wins.
  const NocParams p = timing::NocParamsFromProfile(Wormhole());
  const double limit = std::min({p.dram_channel_bytes_per_cycle, p.dram_inject_bytes_per_cycle, p.link_bytes_per_cycle,
                                 p.worker_eject_bytes_per_cycle, p.PacketThroughput(kTile)});
  const double achieved = static_cast<double>(kTiles) * kTile / static_cast<double>(r.cycles);
  EXPECT_NEAR(achieved, limit, 0.02 * limit) << "cycles " << r.cycles;
  EXPECT_EQ(r.dram_bytes, uint64_t{kTiles} * kTile);
}

TEST(TimingSanity, InterleavedDramReadsSaturateTheWorkersNiu) {
  constexpr uint32_t kTiles = 512;
  Device device(DeviceConfig{});
  const perf::PerfResult r = RunTimed(device, ReadStream(kTiles, 1));  // pages spread over all banks

  // With every bank sending at once the banks together far outrun one worker; what it can take in is
  // its NIU's eject bandwidth, its packet issue rate and the one link into it.
  const NocParams p = timing::NocParamsFromProfile(Wormhole());
  const double banks_together = static_cast<double>(p.shape.dram_banks.size()) *
                                std::min(p.dram_channel_bytes_per_cycle, p.dram_inject_bytes_per_cycle);
  const double limit = std::min({banks_together, p.worker_eject_bytes_per_cycle, p.PacketThroughput(kTile),
                                 p.link_bytes_per_cycle});
  const double achieved = static_cast<double>(kTiles) * kTile / static_cast<double>(r.cycles);
  EXPECT_NEAR(achieved, limit, 0.02 * limit) << "cycles " << r.cycles;
}

// One core: a reader hands over Kt tiles of A and Kt of B that are already in L1 (no NoC traffic, so
// operands are ready long before the FPU wants them) after `delay_per_tile` iterations of a scalar loop
// per tile (with no delay, all at once); compute multiplies them `outputs` times, packing one tile each; a writer drops the results.
ProgramSpec L1Gemm(uint32_t kt, uint32_t outputs, uint32_t delay_per_tile, MathFidelity fidelity) {
  KernelBuilder reader("l1_operands", KernelRole::DataMovement0);
  const kir::VarId spin = reader.var("spin", kir::Type::U32, 0u);
  for (uint32_t cb : {0u, 1u}) {
    if (delay_per_tile == 0) {  // everything is there: hand the whole block over at once
      reader.cb_reserve_back(cb, kt);
      reader.cb_push_back(cb, kt);
      continue;
    }
    reader.for_("t", 0u, kt, [&](Expr) {
      reader.for_("j", 0u, delay_per_tile, [&](Expr j) { reader.assign(spin, reader.ref(spin) + j); });
      reader.cb_reserve_back(cb, 1u);
      reader.cb_push_back(cb, 1u);
    });
  }
  KernelBuilder compute("l1_gemm", KernelRole::Compute);
  compute.mm_init(0u, 1u, 16u, 0u);
  // Wait for all operands once, as Metalium matmul kernels do: the issuing thread then spends only a few
  // instructions per tile product and stays ahead of the FPU.
  compute.cb_wait_front(0u, kt);
  compute.cb_wait_front(1u, kt);
  compute.for_("n", 0u, outputs, [&](Expr) {
    compute.tile_regs_acquire();
    compute.for_("k", 0u, kt, [&](Expr k) { compute.matmul_tiles(0u, 1u, k, k, 0u, 0u); });
    compute.tile_regs_commit();
    compute.tile_regs_wait();
    compute.cb_reserve_back(16u, 1u);
    compute.pack_tile(0u, 16u);
    compute.cb_push_back(16u, 1u);
    compute.tile_regs_release();
  });
  compute.cb_pop_front(0u, kt);
  compute.cb_pop_front(1u, kt);
  KernelBuilder writer("drop", KernelRole::DataMovement1);
  writer.for_("n", 0u, outputs, [&](Expr) {
    writer.cb_wait_front(16u, 1u);
    writer.cb_pop_front(16u, 1u);
  });
  KernelSpec c = Place(Compile(compute), {{0, 0}});
  c.compute.math_fidelity = fidelity;
  ProgramSpec p;
  p.cores.push_back(CoreResources{{0, 0}, {Cb(0, 0x10000, kTile, kt), Cb(1, 0x40000, kTile, kt), Cb(16, 0x70000, kTile, 2)}, {}});
  p.kernels = {Place(Compile(reader), {{0, 0}}), c, Place(Compile(writer), {{0, 0}})};
  return p;
}

TEST(TimingSanity, FpuBoundGemmCostsItsIdealCyclesWithinOnePercent) {
  constexpr uint32_t kKt = 16, kOutputs = 32;
  Device device(DeviceConfig{});
  const perf::PerfResult r = RunTimed(device, L1Gemm(kKt, kOutputs, 0, MathFidelity::HiFi4));

  // Cycles per tile product at HiFi4, read straight from the profile file.
  std::ifstream file(Wormhole().path());
  const nlohmann::json profile_json = nlohmann::json::parse(file);
  const double per_tile = profile_json.at("fpu").at("matmul_cycles_per_tile").at("value").at("HiFi4").get<double>();
  const double ideal = double{kKt} * kOutputs * per_tile;
  EXPECT_DOUBLE_EQ(r.fpu_ideal_cycles, ideal);
  EXPECT_NEAR(static_cast<double>(r.cycles), ideal, 0.01 * ideal);
  EXPECT_GT(r.fpu_util, 0.99);
}

TEST(TimingSanity, ASlowReaderShowsUpAsComputeWaitingOnItsCbFront) {
  constexpr uint32_t kKt = 8, kDelay = 2000;
  Device device(DeviceConfig{});
  const perf::PerfResult r = RunTimed(device, L1Gemm(kKt, 1, kDelay, MathFidelity::HiFi4));

  const perf::KernelTiming& compute = KernelWithRole(r, KernelRole::Compute);
  const double front = Stall(compute, perf::Activity::CbFront);
  // The reader spends at least kDelay ALU cycles per tile before each of its 2 x Kt pushes, while the
  // FPU needs 64 cycles per product: compute spends nearly all of that waiting for the last push.
  const double reader_floor = 2.0 * kKt * kDelay * ComputeCosts(Wormhole()).riscv().alu;
  EXPECT_GT(front, 0.9 * reader_floor);
  EXPECT_GT(front, 0.9 * compute.end_cycle);
  for (perf::Activity other : {perf::Activity::CbBack, perf::Activity::NocBarrier, perf::Activity::Semaphore}) {
    EXPECT_LT(Stall(compute, other), 0.01 * front) << "activity " << static_cast<int>(other);
  }
}

// A 2x2-core GEMM with DRAM readers and writers: C (64x64) = A (64x128) x B (128x64), in tiles.
constexpr uint32_t kMt = 2, kNt = 2, kKt = 4;
constexpr uint32_t kA = 0x0, kB = 0x400000, kC = 0x800000;

ProgramSpec DramGemm() { return MakeGemm({kMt, kNt, kKt, kA, kB, kC}); }

void LoadOperands(Device& device) {
  WriteInterleaved(device, kA, kTile, Pattern(size_t{kMt} * kKt * kTile, 1));
  WriteInterleaved(device, kB, kTile, Pattern(size_t{kKt} * kNt * kTile, 2));
}

TEST(TimingSanity, TimingIsIdenticalForOneAndTwoHostThreads) {
  Device one_device(DeviceConfig{}), two_device(DeviceConfig{});
  LoadOperands(one_device);
  LoadOperands(two_device);
  const perf::PerfResult one = RunTimed(one_device, DramGemm(), 1);
  const perf::PerfResult two = RunTimed(two_device, DramGemm(), 2);

  ASSERT_GT(one.cycles, 0u);
  EXPECT_EQ(one.cycles, two.cycles);
  EXPECT_EQ(one.fpu_ideal_cycles, two.fpu_ideal_cycles);
  EXPECT_EQ(one.dram_bytes, two.dram_bytes);
  EXPECT_EQ(one.noc_bytes, two.noc_bytes);
  ASSERT_EQ(one.kernels.size(), two.kernels.size());
  ASSERT_EQ(one.kernels.size(), size_t{3} * kMt * kNt);
  for (size_t i = 0; i < one.kernels.size(); ++i) {
    const perf::KernelTiming &a = one.kernels[i], &b = two.kernels[i];
    SCOPED_TRACE(a.kernel);
    EXPECT_EQ(a.core_x, b.core_x);
    EXPECT_EQ(a.core_y, b.core_y);
    EXPECT_EQ(a.role, b.role);
    EXPECT_EQ(a.kernel, b.kernel);
    EXPECT_EQ(a.end_cycle, b.end_cycle);  // exact: the replay is deterministic, not merely close
    for (uint32_t s = 0; s < perf::kNumActivities; ++s) EXPECT_EQ(a.cycles[s], b.cycles[s]) << s;
    EXPECT_EQ(a.fpu_cycles, b.fpu_cycles);
    EXPECT_EQ(a.instructions, b.instructions);
  }
  ASSERT_EQ(one.links.size(), two.links.size());
  for (size_t i = 0; i < one.links.size(); ++i) {
    EXPECT_EQ(one.links[i].bytes, two.links[i].bytes);
    EXPECT_EQ(one.links[i].busy_cycles, two.links[i].busy_cycles);
  }
}

TEST(TimingSanity, EventLoggingDoesNotChangeTheOutputBits) {
  Device plain(DeviceConfig{}), logged(DeviceConfig{});
  LoadOperands(plain);
  LoadOperands(logged);
  RunOptions options;
  options.threads = 2;
  const RunResult plain_run = emu::Run(plain, DramGemm(), options);
  options.record_events = true;
  const RunResult logged_run = emu::Run(logged, DramGemm(), options);
  ASSERT_TRUE(plain_run.ok()) << plain_run.message;
  ASSERT_TRUE(logged_run.ok()) << logged_run.message;
  EXPECT_EQ(plain_run.events, nullptr);
  ASSERT_NE(logged_run.events, nullptr);
  const std::vector<uint8_t> expected = ReadInterleaved(plain, kC, kTile, kMt * kNt);
  EXPECT_EQ(ReadInterleaved(logged, kC, kTile, kMt * kNt), expected);
  // The product is not all zeros (the runs did compute something to compare).
  EXPECT_TRUE(std::any_of(expected.begin(), expected.end(), [](uint8_t b) { return b != 0; }));
}

}  // namespace
}  // namespace tilesim::emu::testing
