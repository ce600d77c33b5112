// The Perfetto trace (--trace) is well-formed Chrome trace JSON: a traceEvents array whose events carry
// ph / pid (and ts, tid where the phase needs them), processes named "core (x,y)" and kernel threads
// named by RISC, and slices whose times are the cycles converted at the profile's clock.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tilesim/perf.h"

namespace tilesim::perf {
namespace {

PerfResult TwoCoreResult() {
  PerfResult r;
  r.device = "wormhole_b0";
  r.clock_ghz = 1.0;
  r.grid_x = 2;
  r.grid_y = 1;
  r.cycles = 3000;
  KernelTiming reader{0, 0, 0, "reader", 2000, {}, 0, 10, {{100, 600, Activity::NocBarrier}}};
  KernelTiming compute{1, 0, 2, "compute", 3000, {}, 1500, 10, {{0, 1000, Activity::CbFront}}};
  r.kernels = {reader, compute};
  r.cb_samples = {{1, 0, 0, 1000, 1}};
  r.transfers = {{0, 0, 0, 0, "READ", 1, 1, 0, 11, 0, 0, 2048, 100, 600}};
  return r;
}

nlohmann::json WriteAndParse(const PerfResult& r) {
  // One file per process: ctest runs this file's tests in parallel processes.
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("tilesim_perf_trace_test_" + std::to_string(::getpid()) + ".json");
  WritePerfettoTrace(r, file);
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);  // throws if the file is not JSON
  std::filesystem::remove(file);
  return j;
}

TEST(PerfettoTrace, EveryEventHasThePhaseAndIdsItsPhaseNeeds) {
  const nlohmann::json j = WriteAndParse(TwoCoreResult());
  ASSERT_TRUE(j.contains("traceEvents"));
  ASSERT_TRUE(j["traceEvents"].is_array());
  ASSERT_FALSE(j["traceEvents"].empty());
  const std::set<std::string> phases{"M", "X", "C"};
  for (const nlohmann::json& e : j["traceEvents"]) {
    SCOPED_TRACE(e.dump());
    ASSERT_TRUE(e.contains("ph") && e["ph"].is_string());
    EXPECT_TRUE(phases.count(e["ph"].get<std::string>()));
    EXPECT_TRUE(e.contains("pid") && e["pid"].is_number_unsigned());
    EXPECT_TRUE(e.contains("name") && e["name"].is_string());
    const std::string ph = e["ph"];
    if (ph == "X") {
      EXPECT_TRUE(e.contains("tid") && e["tid"].is_number());
      EXPECT_TRUE(e["ts"].is_number());
      EXPECT_GE(e["dur"].get<double>(), 0.0);
    } else if (ph == "C") {
      EXPECT_TRUE(e["ts"].is_number());
      EXPECT_TRUE(e["args"].is_object());
    }
  }
}

TEST(PerfettoTrace, ProcessesAreCoresAndKernelThreadsAreNamedByRisc) {
  const nlohmann::json j = WriteAndParse(TwoCoreResult());
  std::map<uint64_t, std::string> processes;
  std::map<std::pair<uint64_t, uint64_t>, std::string> threads;
  std::set<std::pair<uint64_t, uint64_t>> used;
  for (const nlohmann::json& e : j["traceEvents"]) {
    const uint64_t pid = e["pid"].get<uint64_t>();
    if (e["ph"] == "M" && e["name"] == "process_name") processes[pid] = e["args"]["name"].get<std::string>();
    if (e["ph"] == "M" && e["name"] == "thread_name") threads[{pid, e["tid"].get<uint64_t>()}] = e["args"]["name"].get<std::string>();
    if (e["ph"] == "X") used.insert({pid, e["tid"].get<uint64_t>()});
  }
  // pid = y * grid_x + x.
  EXPECT_EQ(processes.at(0), "core (0,0)");
  EXPECT_EQ(processes.at(1), "core (1,0)");
  EXPECT_EQ(threads.at({0, 0}), "BRISC (dm0)");
  EXPECT_EQ(threads.at({1, 2}), "TRISC (compute)");
  for (const auto& track : used) EXPECT_TRUE(threads.count(track)) << "pid " << track.first << " tid " << track.second;
}

TEST(PerfettoTrace, SlicesAreTheCyclesInMicrosecondsAtTheProfileClock) {
  PerfResult r = TwoCoreResult();
  r.clock_ghz = 2.0;  // 2000 cycles per microsecond
  const nlohmann::json j = WriteAndParse(r);
  bool found = false;
  for (const nlohmann::json& e : j["traceEvents"]) {
    if (e["ph"] != "X" || e["name"] != "wait cb_front") continue;
    found = true;
    EXPECT_DOUBLE_EQ(e["ts"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 1000.0 / 2000.0);
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace tilesim::perf
