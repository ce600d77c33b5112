// tilesim noc-replay TRACE.json|DIR [--device NAME|PATH] [--json]: replays measured tt-metal NoC traces
// through the NoC model and compares the estimate with the measured cycles.
//
// Replay goes through the runtime's public API (tilesim/perf.h: ReplayNocTraces), which wraps the
// emulator's NoC model.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tilesim/perf.h"
#include "tools/commands.h"

namespace tilesim::tools {
namespace {

nlohmann::json ResultJson(const perf::NocReplayRow& r) {
  nlohmann::json j;
  j["trace"] = r.trace;
  j["transfers"] = r.transfers;
  j["estimated_cycles"] = r.estimated_cycles;
  j["golden_cycles"] = r.golden_cycles ? nlohmann::json(*r.golden_cycles) : nlohmann::json(nullptr);
  j["golden_source"] = r.golden_source;
  j["error_pct"] = r.error_pct ? nlohmann::json(*r.error_pct) : nlohmann::json(nullptr);
  return j;
}

std::string Cycles(const std::optional<uint64_t>& v) { return v ? fmt::format("{}", *v) : "-"; }
std::string Percent(const std::optional<double>& v) { return v ? fmt::format("{:+.2f}%", *v) : "-"; }

int Replay(const std::string& input, const std::string& device, bool as_json) {
  const std::filesystem::path path(input);
  if (!std::filesystem::exists(path)) {
    fmt::print(stderr, "tilesim noc-replay: '{}': no such file or directory\n", input);
    return kExitBadArguments;
  }
  perf::NocReplayReport report;
  try {
    report = perf::ReplayNocTraces(path, device);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tilesim noc-replay: {}\n", e.what());
    return kExitBadArguments;
  }
  const std::string& profile_name = report.device;
  const std::vector<perf::NocReplayRow>& results = report.rows;
  const perf::NocReplayReport& summary = report;
  const bool many = std::filesystem::is_directory(path);
    if (as_json) {
    nlohmann::json out;
    if (many) {
      out["device"] = profile_name;
      out["traces"] = nlohmann::json::array();
      for (const auto& r : results) out["traces"].push_back(ResultJson(r));
      out["summary"] = {{"compared", summary.compared},
                        {"mean_abs_error_pct", summary.mean_abs_error_pct},
                        {"median_abs_error_pct", summary.median_abs_error_pct},
                        {"max_abs_error_pct", summary.max_abs_error_pct}};
    } else {
      out = ResultJson(results.front());
      out["device"] = profile_name;
    }
    fmt::print("{}\n", out.dump(2));
    return kExitOk;
  }
  if (!many) {
    const perf::NocReplayRow& r = results.front();
    fmt::print("trace:      {} ({} transfers)\n", r.trace, r.transfers);
    fmt::print("device:     {}\n", profile_name);
    fmt::print("estimated:  {} cycles\n", r.estimated_cycles);
    fmt::print("golden:     {}\n", r.golden_cycles ? fmt::format("{} cycles ({})", *r.golden_cycles, r.golden_source)
                                                    : std::string("none (no index.csv entry, no kernel events)"));
    fmt::print("error:      {}\n", Percent(r.error_pct));
    return kExitOk;
  }
  fmt::print("NoC replay of {} traces in {} on {}\n\n", results.size(), input, profile_name);
  fmt::print("{:<36} {:>9} {:>10} {:>10} {:>9}\n", "trace", "transfers", "estimated", "golden", "error");
  for (const auto& r : results) {
    fmt::print("{:<36} {:>9} {:>10} {:>10} {:>9}\n", r.trace, r.transfers, r.estimated_cycles, Cycles(r.golden_cycles),
               Percent(r.error_pct));
  }
  if (summary.compared == 0) {
    fmt::print("\nno trace had a golden value to compare with\n");
  } else {
    fmt::print("\n{} compared: mean |error| {:.2f}%, median {:.2f}%, max {:.2f}%\n", summary.compared,
               summary.mean_abs_error_pct, summary.median_abs_error_pct, summary.max_abs_error_pct);
  }
  return kExitOk;
}

}  // namespace

void AddNocReplayCommand(CLI::App& app, Command& command) {
  auto input = std::make_shared<std::string>();
  auto device = std::make_shared<std::string>("wormhole_b0");
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand(
      "noc-replay", "replay measured tt-metal NoC traces through the NoC model and compare with the measured cycles");
  sub->add_option("trace", *input, "a NoC trace (.json) or a directory of them (with an optional index.csv)")->required();
  sub->add_option("--device", *device, "device profile: a name in the profile directory, or a path to a .json file")
      ->capture_default_str();
  sub->add_flag("--json", *as_json, "print estimated_cycles, golden_cycles and error_pct as JSON");
  sub->callback([&command, input, device, as_json] {
    command = [input, device, as_json] { return Replay(*input, *device, *as_json); };
  });
}

}  // namespace tilesim::tools
