// NoC trace reading and replay (emulator/timing/noc_trace.h, noc_replay.h): measured Wormhole traces
// from ../shared/data/noc_traces replay within their error bounds, and synthetic traces check how events
// are read.
#include "emulator/timing/noc_replay.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace tilesim::emu::timing {
namespace {

const std::filesystem::path kTraces = std::filesystem::path(TILESIM_SOURCE_DIR "/../shared/data/noc_traces");
const std::filesystem::path kProfiles = std::filesystem::path(TILESIM_SOURCE_DIR) / "profiles";

NocParams WormholeParams() { return NocParamsFromProfile(LoadDeviceProfile(kProfiles / "wormhole_b0.json")); }

template <class Body>
void ExpectTraceError(Body body, std::initializer_list<std::string> parts) {
  try {
    body();
    FAIL() << "no TraceError";
  } catch (const TraceError& e) {
    for (const std::string& part : parts) EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(NocReplay, MeasuredDramReadTraceReplaysWithinThreePercent) {
  if (!std::filesystem::exists(kTraces)) GTEST_SKIP() << kTraces << " is not present";
  // One core reading 128 x 2 KiB pages interleaved over the 12 DRAM banks, issue-bound.
  const ReplayResult r = ReplayNocTraceFile(kTraces / "DRAM_TO_1x1_HEIGHT.json", WormholeParams());
  EXPECT_EQ(r.transfers, 128u);
  EXPECT_EQ(r.golden_cycles, 16893u);  // index.csv
  EXPECT_EQ(r.golden_source, "index.csv");
  ASSERT_TRUE(r.error_pct.has_value());
  EXPECT_LT(std::fabs(*r.error_pct), 3.0) << r.estimated_cycles;
}

TEST(NocReplay, MeasuredReshardTraceReplaysWithinThreePercent) {
  if (!std::filesystem::exists(kTraces)) GTEST_SKIP() << kTraces << " is not present";
  // 2x2 block-sharded tensor read into a 2x8 height-sharded one: 128 x 4 KiB reads on both NoCs, where
  // four source cores' NIUs are the bottleneck.
  const ReplayResult r = ReplayNocTraceFile(kTraces / "2x2_BLOCK_TO_2x8_HEIGHT.json", WormholeParams());
  EXPECT_EQ(r.golden_cycles, 5135u);
  ASSERT_TRUE(r.error_pct.has_value());
  EXPECT_LT(std::fabs(*r.error_pct), 3.0) << r.estimated_cycles;
}

TEST(NocReplay, GoldenFromTheTraceMatchesTheIndex) {
  if (!std::filesystem::exists(kTraces)) GTEST_SKIP() << kTraces << " is not present";
  const NocTrace trace = ReadNocTrace(kTraces / "DRAM_TO_1x1_HEIGHT.json");
  EXPECT_EQ(GoldenCyclesFromTrace(trace), 16893u);
  EXPECT_EQ(ReadGoldenIndex(kTraces / "index.csv").at("DRAM_TO_1x1_HEIGHT.json"), 16893u);
}

TEST(NocTraceReader, AReadMovesDataFromTheRemoteCoreToTheIssuer) {
  const NocTrace trace = ParseNocTrace(R"([
    {"proc": "BRISC", "zone": "BRISC-KERNEL", "zone_phase": "ZONE_START", "sx": 1, "sy": 1, "timestamp": 1000},
    {"proc": "BRISC", "noc": "NOC_1", "sx": 1, "sy": 1, "dx": 3, "dy": 2, "num_bytes": 4096, "type": "READ", "timestamp": 1100},
    {"proc": "BRISC", "noc": "NOC_1", "sx": 1, "sy": 1, "type": "READ_BARRIER_START", "timestamp": 1200},
    {"proc": "BRISC", "noc": "NOC_1", "sx": 1, "sy": 1, "type": "READ_BARRIER_END", "timestamp": 1600}
  ])",
                                       "read.json");
  ASSERT_EQ(trace.transfers.size(), 1u);
  const NocTransfer& t = trace.transfers[0].transfer;
  EXPECT_EQ(t.op, NocOp::Read);
  EXPECT_EQ(t.noc, 1u);
  EXPECT_EQ(t.initiator, (NocCoord{1, 1}));
  EXPECT_EQ(t.target, (NocCoord{3, 2}));
  EXPECT_EQ(t.issue_cycle, 100u);
  EXPECT_EQ(trace.kernel_start, 0u);
  EXPECT_EQ(trace.kernel_end, 600u);
  EXPECT_EQ(GoldenCyclesFromTrace(trace), 580u);  // less 20 cycles of kernel-end overhead
  EXPECT_EQ(trace.not_replayed.at("READ_BARRIER_END"), 1u);
}

TEST(NocTraceReader, WithStateEventsReuseTheSetStateDestination) {
  const NocTrace trace = ParseNocTrace(R"([
    {"proc": "NCRISC", "noc": "NOC_0", "sx": 2, "sy": 3, "dx": 0, "dy": 11, "num_bytes": 2048, "type": "READ_SET_STATE", "timestamp": 10},
    {"proc": "NCRISC", "noc": "NOC_0", "sx": 2, "sy": 3, "dx": -1, "dy": -1, "num_bytes": 0, "type": "READ_WITH_STATE", "timestamp": 20},
    {"proc": "NCRISC", "noc": "NOC_0", "sx": 2, "sy": 3, "mcast_start_x": 1, "mcast_start_y": 1, "mcast_end_x": 4, "mcast_end_y": 2,
     "num_bytes": 1024, "type": "WRITE_MULTICAST", "timestamp": 30}
  ])",
                                       "state.json");
  ASSERT_EQ(trace.transfers.size(), 2u);
  EXPECT_EQ(trace.transfers[0].transfer.target, (NocCoord{0, 11}));
  EXPECT_EQ(trace.transfers[0].transfer.bytes, 2048u);
  EXPECT_EQ(trace.transfers[0].transfer.issue_cycle, 10u);
  EXPECT_EQ(trace.transfers[1].transfer.op, NocOp::MulticastWrite);
  EXPECT_EQ(trace.transfers[1].transfer.mcast_end, (NocCoord{4, 2}));
}

TEST(NocTraceReader, MalformedEventsAreReportedWithTheirIndex) {
  ExpectTraceError([] { ParseNocTrace(R"({"events": []})", "object.json"); }, {"object.json", "JSON array"});
  ExpectTraceError([] { ParseNocTrace("[", "cut.json"); }, {"cut.json", "not valid JSON"});
  ExpectTraceError(
      [] { ParseNocTrace(R"([{"proc": "BRISC", "sx": 1, "sy": 1, "noc": "NOC_0", "type": "READ", "num_bytes": 64}])", "t.json"); },
      {"t.json: event 0", "missing 'timestamp'"});
  ExpectTraceError(
      [] {
        ParseNocTrace(R"([{"proc": "BRISC", "sx": 1, "sy": 1, "noc": "NOC_0", "type": "WRITE", "num_bytes": 64, "timestamp": 5}])",
                      "w.json");
      },
      {"w.json: event 0", "missing 'dx'"});
  ExpectTraceError(
      [] {
        ParseNocTrace(R"([{"timestamp": 1}, {"proc": "BRISC", "sx": 1, "sy": 1, "dx": 2, "dy": 1, "noc": "NOC_2", "type": "READ",
                          "num_bytes": 64, "timestamp": 5}])",
                      "n.json");
      },
      {"n.json: event 1", "'noc' must be"});
  ExpectTraceError([] { ReadNocTrace("/nonexistent/trace.json"); }, {"/nonexistent/trace.json", "cannot open"});
}

TEST(NocReplay, ATransferOutsideTheDeviceNamesItsEvent) {
  const NocTrace trace = ParseNocTrace(
      R"([{"proc": "BRISC", "sx": 1, "sy": 1, "dx": 30, "dy": 1, "noc": "NOC_0", "type": "WRITE", "num_bytes": 64, "timestamp": 5}])",
      "far.json");
  ExpectTraceError([&] { ReplayNocTrace(trace, WormholeParams(), std::nullopt); },
                   {"far.json: event 0 (WRITE)", "outside the 10x12 NoC"});
}

TEST(NocReplay, MalformedIndexLinesAreNamed) {
  const std::filesystem::path csv = std::filesystem::temp_directory_path() / ("tilesim_index_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(csv) << "trace,golden_cycles\na.json,100\nb.json,lots\n";
  ExpectTraceError([&] { ReadGoldenIndex(csv); }, {":3: golden_cycles 'lots' is not a whole number"});
  std::filesystem::remove(csv);
}

TEST(NocReplay, SummaryGivesMeanMedianAndMaxOfAbsoluteErrors) {
  std::vector<ReplayResult> results(4);
  results[0].error_pct = -4.0;
  results[1].error_pct = 1.0;
  results[2].error_pct = 2.0;
  // results[3] has no golden value and is left out.
  const ReplaySummary s = SummarizeReplays(results);
  EXPECT_EQ(s.compared, 3u);
  EXPECT_DOUBLE_EQ(s.mean_abs_error_pct, 7.0 / 3);
  EXPECT_DOUBLE_EQ(s.median_abs_error_pct, 2.0);
  EXPECT_DOUBLE_EQ(s.max_abs_error_pct, 4.0);
}

}  // namespace
}  // namespace tilesim::emu::timing
