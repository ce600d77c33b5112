// NoC trace replay (noc_replay.h).
#include "emulator/timing/noc_replay.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

namespace tilesim::emu::timing {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitCsv(std::string_view line) {
  std::vector<std::string_view> cells;
  for (size_t start = 0;;) {
    const size_t comma = line.find(',', start);
    cells.push_back(Trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) return cells;
    start = comma + 1;
  }
}

}  // namespace

ReplayResult ReplayNocTrace(const NocTrace& trace, const NocParams& params, std::optional<uint64_t> indexed_golden) {
  NocModel model(params);
  for (const TraceTransfer& t : trace.transfers) {
    try {
      model.Submit(t.transfer);
    } catch (const std::invalid_argument& e) {
      throw TraceError(fmt::format("{}: event {} ({}): {}", trace.path.string(), t.event_index, t.type, e.what()));
    }
  }
  const uint64_t last = model.RunToCompletion();
  const uint64_t start = trace.kernel_start.value_or(0);

  ReplayResult result;
  result.trace = trace.path.filename().string();
  result.transfers = trace.transfers.size();
  result.estimated_cycles = last > start ? last - start : 0;
  if (indexed_golden) {
    result.golden_cycles = indexed_golden;
    result.golden_source = "index.csv";
  } else if (std::optional<uint64_t> golden = GoldenCyclesFromTrace(trace)) {
    result.golden_cycles = golden;
    result.golden_source = "trace";
  }
  if (result.golden_cycles && *result.golden_cycles > 0) {
    const double golden = static_cast<double>(*result.golden_cycles);
    result.error_pct = (static_cast<double>(result.estimated_cycles) - golden) / golden * 100.0;
  }
  return result;
}

ReplayResult ReplayNocTraceFile(const std::filesystem::path& file, const NocParams& params) {
  const NocTrace trace = ReadNocTrace(file);
  std::optional<uint64_t> golden;
  const std::filesystem::path index = file.parent_path() / "index.csv";
  if (std::filesystem::is_regular_file(index)) {
    const std::map<std::string, uint64_t> goldens = ReadGoldenIndex(index);
    if (auto it = goldens.find(file.filename().string()); it != goldens.end()) golden = it->second;
  }
  return ReplayNocTrace(trace, params, golden);
}

std::map<std::string, uint64_t> ReadGoldenIndex(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  if (!in) throw TraceError(fmt::format("{}: cannot open", csv.string()));
  std::string line;
  if (!std::getline(in, line)) throw TraceError(fmt::format("{}: empty file", csv.string()));
  const std::vector<std::string_view> header = SplitCsv(line);
  const auto column = [&](std::string_view name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw TraceError(fmt::format("{}:1: no '{}' column", csv.string(), name));
    return static_cast<size_t>(it - header.begin());
  };
  const size_t trace_column = column("trace");
  const size_t golden_column = column("golden_cycles");
  std::map<std::string, uint64_t> goldens;
  for (size_t number = 2; std::getline(in, line); ++number) {
    if (Trim(line).empty()) continue;
    const std::vector<std::string_view> cells = SplitCsv(line);
    if (cells.size() <= std::max(trace_column, golden_column)) {
      throw TraceError(fmt::format("{}:{}: expected at least {} columns", csv.string(), number,
                                   std::max(trace_column, golden_column) + 1));
    }
    const std::string_view text = cells[golden_column];
    uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      throw TraceError(fmt::format("{}:{}: golden_cycles '{}' is not a whole number", csv.string(), number, text));
    }
    goldens[std::string(cells[trace_column])] = value;
  }
  return goldens;
}

std::vector<std::filesystem::path> TraceFilesIn(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

ReplaySummary SummarizeReplays(const std::vector<ReplayResult>& results) {
  std::vector<double> errors;
  for (const ReplayResult& r : results) {
    if (r.error_pct) errors.push_back(std::fabs(*r.error_pct));
  }
  ReplaySummary summary;
  summary.compared = errors.size();
  if (errors.empty()) return summary;
  std::sort(errors.begin(), errors.end());
  double sum = 0;
  for (double e : errors) sum += e;
  summary.mean_abs_error_pct = sum / static_cast<double>(errors.size());
  const size_t n = errors.size();
  summary.median_abs_error_pct = n % 2 == 1 ? errors[n / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2.0;
  summary.max_abs_error_pct = errors.back();
  return summary;
}

}  // namespace tilesim::emu::timing
