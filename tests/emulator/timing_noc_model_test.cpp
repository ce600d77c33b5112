// The NoC model (emulator/timing/noc_model.h) against cycle counts worked out by hand from the Wormhole
// parameters: hop 9, NIU 5, read overhead 70, write overhead 40, links 30 B/cycle, Tensix NIUs 28.1,
// DRAM NIUs 23.2 / 24, a DRAM channel 22.2, packet curve 512 B -> 18, >= 2 KiB -> 30.
#include "emulator/timing/noc_model.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tilesim::emu::timing {
namespace {

NocParams Wormhole() { return NocParamsFromProfile(DeviceProfile()); }

NocTransfer Write(NocCoord from, NocCoord to, uint64_t bytes, uint64_t issue = 0, uint32_t noc = 0) {
  NocTransfer t;
  t.op = NocOp::Write;
  t.noc = noc;
  t.initiator = from;
  t.target = to;
  t.bytes = bytes;
  t.issue_cycle = issue;
  return t;
}

NocTransfer Read(NocCoord by, NocCoord from, uint64_t bytes, uint64_t issue = 0, uint32_t noc = 0) {
  NocTransfer t = Write(by, from, bytes, issue, noc);
  t.op = NocOp::Read;
  return t;
}

// Bytes per cycle a transfer moved once it started streaming.
double Rate(uint64_t bytes, uint64_t completion, double latency, uint64_t issue = 0) {
  return static_cast<double>(bytes) / (static_cast<double>(completion) - static_cast<double>(issue) - latency);
}

TEST(NocModel, OneWriteTakesItsLatencyPlusBytesOverTheNiuRate) {
  NocModel model(Wormhole());
  const NocTransfer t = Write({1, 1}, {3, 1}, 8192, 100);
  EXPECT_DOUBLE_EQ(model.StartLatency(t), 40 + 2 * 5 + 2 * 9);  // 68
  const TransferId id = model.Submit(t);
  // 100 + 68 + 8192 / 28.1 = 459.53
  EXPECT_EQ(model.RunUntilComplete(id), 460u);
}

TEST(NocModel, OneReadPaysTheRoundTripOnItsNoc) {
  NocModel model(Wormhole());
  // (1,1) -> (3,2) is 3 hops; the response (3,2) -> (1,1) wraps: 8 + 11 hops. 70 + 4 * 5 + 22 * 9 = 288.
  const NocTransfer t = Read({1, 1}, {3, 2}, 2048);
  EXPECT_DOUBLE_EQ(model.StartLatency(t), 288);
  // 288 + 2048 / 28.1 = 360.88
  EXPECT_EQ(model.RunUntilComplete(model.Submit(t)), 361u);
}

TEST(NocModel, AReadOfTheCoresOwnL1CrossesNoLinks) {
  NocModel model(Wormhole());
  // 70 + 2048 / 28.1 = 142.88
  EXPECT_EQ(model.RunUntilComplete(model.Submit(Read({1, 1}, {1, 1}, 2048))), 143u);
  EXPECT_TRUE(model.LinkUsages().empty());
}

TEST(NocModel, ADramReadRunsAtTheChannelRate) {
  NocModel model(Wormhole());
  // Bank 0 at (0,11): 19 + 3 hops, 288 cycles of latency; then 2048 B at the channel's 22.2 B/cycle.
  EXPECT_EQ(model.RunUntilComplete(model.Submit(Read({1, 1}, {0, 11}, 2048))), 381u);  // 380.25
  EXPECT_NEAR(model.DramChannelUsages()[0].bytes, 2048, 1e-6);
}

TEST(NocModel, ASaturatedWriteStreamRunsAtTheNiuRate) {
  NocModel model(Wormhole());
  for (int i = 0; i < 64; ++i) model.Submit(Write({1, 1}, {2, 1}, 4096));
  const uint64_t last = model.RunToCompletion();
  const double latency = 40 + 2 * 5 + 9;
  EXPECT_NEAR(Rate(64 * 4096, last, latency), 28.1, 28.1 * 0.02);
  EXPECT_EQ(last, 9388u);  // 59 + 262144 / 28.1 = 9387.8
}

TEST(NocModel, AStreamOfSmallPacketsRunsAtThePacketCurveRate) {
  NocModel model(Wormhole());
  for (int i = 0; i < 64; ++i) model.Submit(Write({1, 1}, {2, 1}, 512));
  const uint64_t last = model.RunToCompletion();
  EXPECT_NEAR(Rate(64 * 512, last, 59), 18.0, 18.0 * 0.02);  // 512 B packets sustain 18 B/cycle
}

TEST(NocModel, TwoFlowsSharingALinkEachGetHalfOfIt) {
  const NocTransfer a = Write({1, 1}, {4, 1}, 65536);  // links (1,1)->(2,1)->(3,1)->(4,1)
  const NocTransfer b = Write({2, 1}, {4, 2}, 65536);  // links (2,1)->(3,1)->(4,1), then down
  NocModel alone(Wormhole());
  const uint64_t alone_done = alone.RunUntilComplete(alone.Submit(a));
  NocModel shared(Wormhole());
  const TransferId ia = shared.Submit(a);
  const TransferId ib = shared.Submit(b);
  shared.RunToCompletion();
  const double latency = 40 + 10 + 3 * 9;  // both are 3 hops
  EXPECT_NEAR(Rate(65536, alone_done, latency), 28.1, 28.1 * 0.02);
  EXPECT_NEAR(Rate(65536, *shared.CompletionCycle(ia), latency), 15.0, 15.0 * 0.02);
  EXPECT_NEAR(Rate(65536, *shared.CompletionCycle(ib), latency), 15.0, 15.0 * 0.02);
}

TEST(NocModel, TwoReadersOfOneDramBankShareItsChannel) {
  NocModel model(Wormhole());
  const TransferId a = model.Submit(Read({1, 1}, {0, 11}, 8192));
  const TransferId b = model.Submit(Read({2, 2}, {0, 11}, 8192));
  model.RunToCompletion();
  // (1,1) and (2,2) are both 22 round-trip hops from (0,11): 288 cycles; 11.1 B/cycle each.
  EXPECT_NEAR(Rate(8192, *model.CompletionCycle(a), 288), 11.1, 11.1 * 0.02);
  EXPECT_NEAR(Rate(8192, *model.CompletionCycle(b), 288), 11.1, 11.1 * 0.02);
}

TEST(NocModel, ASourceStreamsOnlyTwoResponsesThroughOnePortAtOnce) {
  NocModel model(Wormhole());
  // Three reads of (3,1) by (1,1): latency 70 + 20 + (2 + 8) * 9 = 180. The first two share the NIU
  // (14.05 B/cycle each) and end at 180 + 4096 / 14.05 = 471.5; the third waits for a virtual channel,
  // then runs alone: + 4096 / 28.1 = 617.3. Without the limit all three would end together at 617.3.
  std::vector<TransferId> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(model.Submit(Read({1, 1}, {3, 1}, 4096)));
  model.RunToCompletion();
  EXPECT_EQ(model.CompletionCycle(ids[0]), 472u);
  EXPECT_EQ(model.CompletionCycle(ids[1]), 472u);
  EXPECT_EQ(model.CompletionCycle(ids[2]), 618u);
}

TEST(NocModel, ACoresWritesThroughOnePortGoOneAfterAnother) {
  NocModel model(Wormhole());
  // tt-metal writes use one static VC, so the second packet waits for the first: 68 + 4096 / 28.1 =
  // 213.8, then another 145.8. Sharing the NIU instead would end both at 359.5.
  const TransferId first = model.Submit(Write({1, 1}, {3, 1}, 4096));
  const TransferId second = model.Submit(Write({1, 1}, {3, 1}, 4096));
  model.RunToCompletion();
  EXPECT_EQ(model.CompletionCycle(first), 214u);
  EXPECT_EQ(model.CompletionCycle(second), 360u);
}

TEST(NocModel, AMulticastCrossesEveryTreeLinkOnce) {
  NocModel model(Wormhole());
  NocTransfer t = Write({1, 1}, {0, 0}, 4096);
  t.op = NocOp::MulticastWrite;
  t.mcast_start = {2, 2};
  t.mcast_end = {3, 3};
  EXPECT_DOUBLE_EQ(model.StartLatency(t), 40 + 10 + 4 * 9);  // depth 4
  EXPECT_EQ(model.RunUntilComplete(model.Submit(t)), 232u);   // 86 + 4096 / 28.1 = 231.8
  const std::vector<LinkUsage> links = model.LinkUsages();
  EXPECT_EQ(links.size(), 5u);
  for (const LinkUsage& l : links) EXPECT_NEAR(l.usage.bytes, 4096, 1e-6);
}

// noc_async_write_multicast without loopback_src leaves the sender out even when its rectangle holds it:
// then a write into the sender's L1 does not share its ejection port with the multicast and runs as if
// alone; with the sender counted in, the two share it.
TEST(NocModel, AMulticastThatExcludesItsSenderDoesNotEjectThere) {
  const auto write_cycles = [](std::optional<bool> sender_excluded) {
    NocModel model(Wormhole());
    if (sender_excluded) {
      NocTransfer multicast = Write({2, 2}, {0, 0}, 8192);
      multicast.op = NocOp::MulticastWrite;
      multicast.mcast_start = {2, 2};
      multicast.mcast_end = {3, 2};
      multicast.sender_excluded = *sender_excluded;
      model.Submit(multicast);
    }
    const TransferId write = model.Submit(Write({5, 5}, {2, 2}, 8192));
    return model.RunUntilComplete(write);
  };
  const uint64_t alone = write_cycles(std::nullopt);
  EXPECT_EQ(write_cycles(true), alone);
  EXPECT_GT(write_cycles(false), alone);
}

TEST(NocModel, LinkUsageCountsBytesAndBusyCycles) {
  NocModel model(Wormhole());
  model.RunUntilComplete(model.Submit(Write({1, 1}, {2, 1}, 8192)));
  const std::vector<LinkUsage> links = model.LinkUsages();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].link, (NocLink{0, 1, 1, NocAxis::X}));
  EXPECT_NEAR(links[0].usage.bytes, 8192, 1e-6);
  EXPECT_NEAR(links[0].usage.busy_cycles, 8192 / 28.1, 1e-6);
}

TEST(NocModel, StepwiseRunGivesTheSameCyclesAsOneRun) {
  const std::vector<NocTransfer> transfers = {Write({1, 1}, {4, 3}, 16384, 0), Read({2, 2}, {0, 5}, 4096, 10),
                                              Write({3, 3}, {4, 3}, 8192, 50, 1), Read({4, 4}, {5, 2}, 2048, 400)};
  NocModel batch(Wormhole());
  for (const NocTransfer& t : transfers) batch.Submit(t);
  batch.RunToCompletion();
  NocModel stepwise(Wormhole());
  for (const NocTransfer& t : transfers) {
    stepwise.AdvanceTo(static_cast<double>(t.issue_cycle));
    stepwise.Submit(t);
  }
  stepwise.RunToCompletion();
  for (TransferId id = 0; id < transfers.size(); ++id) EXPECT_EQ(batch.CompletionCycle(id), stepwise.CompletionCycle(id));
}

TEST(NocModel, SameSubmissionsGiveTheSameCyclesAndUsage) {
  const NocParams params = Wormhole();
  const auto run = [&params] {
    NocModel model(params);
    uint64_t seed = 12345;
    const auto next = [&seed](uint64_t n) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      return (seed >> 33) % n;
    };
    const std::vector<uint32_t> xs = {1, 2, 3, 4, 6, 7, 8, 9}, ys = {1, 2, 3, 4, 5, 7, 8, 9};
    for (int i = 0; i < 300; ++i) {
      const NocCoord a{xs[next(8)], ys[next(8)]}, b{xs[next(8)], ys[next(8)]};
      const uint64_t bytes = 256u << next(7);
      const uint64_t issue = static_cast<uint64_t>(i) * 20;
      model.Submit(next(2) ? Write(a, b, bytes, issue, next(2)) : Read(a, b, bytes, issue, next(2)));
    }
    model.RunToCompletion();
    std::vector<double> out;
    for (TransferId id = 0; id < 300; ++id) out.push_back(static_cast<double>(*model.CompletionCycle(id)));
    for (const LinkUsage& l : model.LinkUsages()) out.insert(out.end(), {l.usage.bytes, l.usage.busy_cycles});
    return out;
  };
  const std::vector<double> first = run();
  EXPECT_EQ(first, run());
}

// The rate solve runs over a working set of resources, and is skipped when the packets that started are
// twins of the ones that finished (noc_rate_solve.cpp, ComputeRates); on random traffic (reads of DRAM
// and other cores, writes, multicasts, both NoCs, sizes from one packet to several) every solve and
// every skip must give the rates a solve over every resource gives, and the check must not change the
// cycles.
TEST(NocModel, WorkingSetSolvesMatchFullSolvesOnRandomTraffic) {
  const NocParams params = Wormhole();
  std::vector<NocCoord> workers, drams;
  for (uint32_t y = 0; y < params.shape.noc_size_y; ++y) {
    for (uint32_t x = 0; x < params.shape.noc_size_x; ++x) {
      if (params.shape.IsWorker({x, y})) workers.push_back({x, y});
      if (params.shape.IsDram({x, y})) drams.push_back({x, y});
    }
  }
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    uint64_t state = seed * 0x9E3779B97F4A7C15ull;
    const auto next = [&](uint64_t n) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return (state >> 33) % n;
    };
    std::vector<NocTransfer> transfers;
    uint64_t issue = 0;
    for (int i = 0; i < 600; ++i) {
      issue += next(40);
      const NocCoord core = workers[next(workers.size())];
      const uint64_t bytes = 1 + next(20000);
      const uint32_t noc = static_cast<uint32_t>(next(2));
      switch (next(4)) {
        case 0: transfers.push_back(Read(core, drams[next(drams.size())], bytes, issue, noc)); break;
        case 1: transfers.push_back(Read(core, workers[next(workers.size())], bytes, issue, noc)); break;
        case 2: transfers.push_back(Write(core, drams[next(drams.size())], bytes, issue, noc)); break;
        default: {
          NocTransfer t = Write(core, core, bytes, issue, noc);
          t.op = NocOp::MulticastWrite;
          t.mcast_start = workers[next(workers.size())];
          t.mcast_end = workers[next(workers.size())];
          transfers.push_back(t);
        }
      }
    }
    NocModel::SolveCounts counts;
    const auto run = [&](bool check) {
      NocModel model(params);
      model.CheckSolvesAgainstFullSolve(check);
      std::vector<uint64_t> done;
      for (const NocTransfer& t : transfers) {
        model.AdvanceTo(static_cast<double>(t.issue_cycle));
        model.Submit(t);
      }
      model.RunToCompletion();
      for (TransferId id = 0; id < transfers.size(); ++id) done.push_back(*model.CompletionCycle(id));
      counts = model.solve_counts();
      return done;
    };
    std::vector<uint64_t> checked;
    ASSERT_NO_THROW(checked = run(true)) << "seed " << seed;
    EXPECT_EQ(checked, run(false)) << "seed " << seed;
    // Both paths were taken: working sets that had to grow, and skipped solves.
    EXPECT_GT(counts.rounds, counts.solves) << "seed " << seed;
    EXPECT_GT(counts.takeovers, 0u) << "seed " << seed;
  }
}

TEST(NocModel, BadTransfersAreRejectedNamingTheField) {
  NocModel model(Wormhole());
  const auto expect_error = [&model](const NocTransfer& t, const std::string& part) {
    try {
      model.Submit(t);
      ADD_FAILURE() << "accepted: expected an error about " << part;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_error(Write({1, 1}, {2, 1}, 64, 0, 2), "noc must be 0 or 1");
  expect_error(Write({1, 1}, {10, 1}, 64), "target (10, 1) is outside the 10x12 NoC");
  expect_error(Write({1, 12}, {1, 1}, 64), "initiator (1, 12)");
  expect_error(Write({1, 1}, {2, 1}, 0), "bytes");
  NocTransfer multicast = Write({1, 1}, {0, 0}, 64);
  multicast.op = NocOp::MulticastWrite;
  multicast.mcast_start = {0, 0};
  multicast.mcast_end = {0, 1};  // DRAM and router-only tiles take no multicast
  expect_error(multicast, "holds no worker tile");
  model.AdvanceTo(100);
  expect_error(Write({1, 1}, {2, 1}, 64, 50), "issued at cycle 50");
}

}  // namespace
}  // namespace tilesim::emu::timing
