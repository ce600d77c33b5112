// tt-metal NoC trace reader (noc_trace.h).
#include "emulator/timing/noc_trace.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tilesim::emu::timing {
namespace {

using nlohmann::json;

// tt-npe: "there is at least a ~20 cycle overhead between last noc event and kernel end timestamp".
constexpr uint64_t kKernelEndOverheadCycles = 20;

enum class Kind { Read, Write, Multicast, ReadSetState, WriteSetState, None };

// Event types that move data (or record state for ones that do), after tt-npe's loader; "WRITE_" is the
// spelling some tt-metal versions emit for a plain write.
Kind KindOf(std::string_view type) {
  static const std::set<std::string_view> kReads = {"READ", "READ_WITH_STATE", "READ_WITH_STATE_AND_TRID",
                                                    "READ_DRAM_SHARDED_WITH_STATE"};
  static const std::set<std::string_view> kWrites = {"WRITE", "WRITE_", "WRITE_WITH_TRID", "WRITE_INLINE",
                                                     "WRITE_WITH_STATE", "WRITE_WITH_TRID_WITH_STATE"};
  if (kReads.count(type)) return Kind::Read;
  if (kWrites.count(type)) return Kind::Write;
  if (type == "WRITE_MULTICAST") return Kind::Multicast;
  if (type == "READ_SET_STATE" || type == "READ_DRAM_SHARDED_SET_STATE") return Kind::ReadSetState;
  if (type == "WRITE_SET_STATE" || type == "WRITE_WITH_TRID_SET_STATE") return Kind::WriteSetState;
  return Kind::None;
}

class EventReader {
 public:
  EventReader(const json& event, size_t index, const std::filesystem::path& origin)
      : event_(event), index_(index), origin_(origin) {}

  [[noreturn]] void Fail(std::string_view what) const {
    throw TraceError(fmt::format("{}: event {}: {}", origin_.string(), index_, what));
  }
  bool Has(const char* field) const { return event_.contains(field) && !event_[field].is_null(); }
  std::string String(const char* field) const {
    if (!Has(field)) return {};
    if (!event_[field].is_string()) Fail(fmt::format("'{}' must be a string, got {}", field, event_[field].dump()));
    return event_[field].get<std::string>();
  }
  int64_t Int(const char* field, int64_t fallback) const {
    if (!Has(field)) return fallback;
    if (!event_[field].is_number_integer()) Fail(fmt::format("'{}' must be an integer, got {}", field, event_[field].dump()));
    return event_[field].get<int64_t>();
  }
  int64_t RequiredInt(const char* field) const {
    if (!Has(field)) Fail(fmt::format("missing '{}'", field));
    return Int(field, 0);
  }
  NocCoord Coord(const char* x_field, const char* y_field) const {
    const int64_t x = RequiredInt(x_field), y = RequiredInt(y_field);
    if (x < 0 || y < 0 || x > 255 || y > 255) {
      Fail(fmt::format("({}, {}) = ({}, {}) is not a NoC coordinate", x_field, y_field, x, y));
    }
    return {static_cast<uint32_t>(x), static_cast<uint32_t>(y)};
  }

 private:
  const json& event_;
  size_t index_;
  const std::filesystem::path& origin_;
};

struct SavedState {
  std::optional<NocCoord> remote;
  int64_t bytes = 0;
};

}  // namespace

NocTrace ParseNocTrace(std::string_view json_text, const std::filesystem::path& origin) {
  json document;
  try {
    document = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw TraceError(fmt::format("{}: not valid JSON: {}", origin.string(), e.what()));
  }
  if (!document.is_array()) {
    throw TraceError(fmt::format("{}: a NoC trace is a JSON array of events (got {})", origin.string(), document.type_name()));
  }

  NocTrace trace;
  trace.path = origin;
  trace.events = document.size();
  uint64_t t0 = std::numeric_limits<uint64_t>::max();
  for (size_t i = 0; i < document.size(); ++i) {
    if (!document[i].is_object()) throw TraceError(fmt::format("{}: event {}: not a JSON object", origin.string(), i));
    const EventReader e(document[i], i, origin);
    const int64_t ts = e.RequiredInt("timestamp");
    if (ts < 0) e.Fail("'timestamp' must not be negative");
    t0 = std::min(t0, static_cast<uint64_t>(ts));
  }
  trace.first_timestamp = document.empty() ? 0 : t0;

  // Saved *_SET_STATE destinations, per issuing RISC.
  std::map<std::tuple<std::string, uint32_t, uint32_t>, SavedState> saved_read, saved_write;
  for (size_t i = 0; i < document.size(); ++i) {
    const EventReader e(document[i], i, origin);
    const uint64_t ts = static_cast<uint64_t>(e.RequiredInt("timestamp")) - t0;
    const std::string proc = e.String("proc");
    const bool located = e.Has("sx") && e.Has("sy");
    if (!proc.empty() && located) {
      trace.kernel_start = std::min(trace.kernel_start.value_or(ts), ts);
      trace.kernel_end = std::max(trace.kernel_end.value_or(ts), ts);
    }
    const std::string type = e.String("type");
    const Kind kind = KindOf(type);
    if (kind == Kind::None) {
      ++trace.not_replayed[type.empty() ? (e.Has("zone") ? "zone" : "untyped") : type];
      continue;
    }
    if (e.Int("src_device_id", 0) != 0 || e.Int("dst_device_id", 0) != 0) {
      ++trace.not_replayed[type + " (other chip)"];
      continue;
    }
    if (proc.empty() || !located) e.Fail(fmt::format("a {} event needs 'proc', 'sx' and 'sy'", type));
    const NocCoord core = e.Coord("sx", "sy");
    const auto key = std::make_tuple(proc, core.x, core.y);
    if (kind == Kind::ReadSetState || kind == Kind::WriteSetState) {
      SavedState& state = (kind == Kind::ReadSetState ? saved_read : saved_write)[key];
      if (e.Has("dx") && e.Int("dx", -1) >= 0) state.remote = e.Coord("dx", "dy");
      state.bytes = e.Int("num_bytes", 0);
      continue;
    }

    const std::string noc = e.String("noc");
    if (noc != "NOC_0" && noc != "NOC_1") e.Fail(fmt::format("'noc' must be \"NOC_0\" or \"NOC_1\", got \"{}\"", noc));
    NocTransfer t;
    t.noc = noc == "NOC_0" ? 0 : 1;
    t.initiator = core;
    t.issue_cycle = ts;
    int64_t bytes = e.Int("num_bytes", 0);
    if (kind == Kind::Multicast) {
      t.op = NocOp::MulticastWrite;
      t.mcast_start = e.Coord("mcast_start_x", "mcast_start_y");
      t.mcast_end = e.Coord("mcast_end_x", "mcast_end_y");
    } else {
      t.op = kind == Kind::Read ? NocOp::Read : NocOp::Write;
      const bool with_state = type.find("WITH_STATE") != std::string::npos;
      if (with_state) {
        const SavedState& state = (kind == Kind::Read ? saved_read : saved_write)[key];
        if (!state.remote) e.Fail(fmt::format("{} without an earlier *_SET_STATE of the same RISC", type));
        t.target = *state.remote;
        if (state.bytes > 0) bytes = state.bytes;
      } else {
        t.target = e.Coord("dx", "dy");
      }
      if (type == "WRITE_INLINE" && bytes == 0) bytes = 4;  // an inline write carries one 32-bit word
    }
    if (bytes < 0) e.Fail(fmt::format("'num_bytes' must not be negative, got {}", bytes));
    if (bytes == 0) {
      ++trace.not_replayed[type + " (0 bytes)"];
      continue;
    }
    t.bytes = static_cast<uint64_t>(bytes);
    trace.transfers.push_back({t, type, i});
  }
  return trace;
}

NocTrace ReadNocTrace(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TraceError(fmt::format("{}: cannot open the NoC trace", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  return ParseNocTrace(text.str(), file);
}

std::optional<uint64_t> GoldenCyclesFromTrace(const NocTrace& trace) {
  if (!trace.kernel_start || !trace.kernel_end) return std::nullopt;
  const uint64_t end = *trace.kernel_end > kKernelEndOverheadCycles ? *trace.kernel_end - kKernelEndOverheadCycles : 0;
  return end > *trace.kernel_start ? end - *trace.kernel_start : 0;
}

}  // namespace tilesim::emu::timing
