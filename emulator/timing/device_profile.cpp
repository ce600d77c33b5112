// Device profile loading: JSON -> checked parameter values (device_profile.h).
#include "emulator/timing/device_profile.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "emulator/timing/compute_costs.h"
#include "emulator/timing/device_shape.h"
#include "emulator/timing/noc_params.h"

namespace tilesim::emu::timing {
namespace {

using nlohmann::json;

std::string Shorten(const json& value) {
  std::string text = value.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

const ParamBase* FindParam(std::string_view key) {
  for (const ParamBase* p : AllProfileParams()) {
    if (p->key() == key) return p;
  }
  return nullptr;
}

bool IsGroupPrefix(std::string_view key) {
  const std::string prefix = std::string(key) + ".";
  for (const ParamBase* p : AllProfileParams()) {
    if (p->key().substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

std::string UnknownKeyMessage(const std::filesystem::path& origin, std::string_view key) {
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (const ParamBase* p : AllProfileParams()) {
    const size_t d = EditDistance(key, p->key());
    if (d < best_distance) best_distance = d, best = p->key();
  }
  std::string message = fmt::format("{}: unknown key '{}'", origin.string(), key);
  if (!best.empty() && best_distance <= std::max<size_t>(3, key.size() / 3)) {
    message += fmt::format(" (did you mean '{}'?)", best);
  }
  return message;
}

// Converts `value` to the parameter's type; returns an error text ("expected ...") or empty.
std::string Convert(const json& value, const ParamBase& param, ParamValue& out) {
  const auto expected = [&] { return fmt::format("expected {}, got {}", ParamTypeName(param.type_index()), Shorten(value)); };
  const auto number_list = [&](const json& item, size_t n, bool integers) {
    if (!item.is_array() || item.size() != n) return false;
    return std::all_of(item.begin(), item.end(), [&](const json& e) { return integers ? e.is_number_integer() : e.is_number(); });
  };
  switch (param.type_index()) {
    case 0:
      if (!value.is_number()) return expected();
      out = value.get<double>();
      return {};
    case 1:
      if (!value.is_number_integer()) return expected();
      out = value.get<int64_t>();
      return {};
    case 2:
      if (!value.is_boolean()) return expected();
      out = value.get<bool>();
      return {};
    case 3:
      if (!value.is_string()) return expected();
      out = value.get<std::string>();
      return {};
    case 4: {
      if (!value.is_array()) return expected();
      std::vector<int64_t> list;
      for (const json& e : value) {
        if (!e.is_number_integer()) return expected();
        list.push_back(e.get<int64_t>());
      }
      out = std::move(list);
      return {};
    }
    case 5: {
      if (!value.is_array()) return expected();
      std::vector<Coord2> list;
      for (const json& e : value) {
        if (!number_list(e, 2, true)) return expected();
        list.push_back({e[0].get<int64_t>(), e[1].get<int64_t>()});
      }
      out = std::move(list);
      return {};
    }
    case 6: {
      if (!value.is_array()) return expected();
      std::vector<Pair2> list;
      for (const json& e : value) {
        if (!number_list(e, 2, false)) return expected();
        list.push_back({e[0].get<double>(), e[1].get<double>()});
      }
      out = std::move(list);
      return {};
    }
    case 7: {
      if (!value.is_object()) return expected();
      NamedNumbers map;
      for (const auto& [name, e] : value.items()) {
        if (!e.is_number()) return expected();
        map.emplace(name, e.get<double>());
      }
      out = std::move(map);
      return {};
    }
    default: return "unsupported parameter type";
  }
}

// Every number inside `value`, for the range check.
std::vector<double> Numbers(const ParamValue& value) {
  std::vector<double> numbers;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double> || std::is_same_v<T, int64_t>) {
          numbers.push_back(static_cast<double>(v));
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          for (int64_t e : v) numbers.push_back(static_cast<double>(e));
        } else if constexpr (std::is_same_v<T, std::vector<Coord2>> || std::is_same_v<T, std::vector<Pair2>>) {
          for (const auto& e : v) numbers.insert(numbers.end(), {static_cast<double>(e[0]), static_cast<double>(e[1])});
        } else if constexpr (std::is_same_v<T, NamedNumbers>) {
          for (const auto& [name, e] : v) numbers.push_back(e);
        }
      },
      value);
  return numbers;
}

class ProfileReader {
 public:
  explicit ProfileReader(const std::filesystem::path& origin) : origin_(origin) {}

  void ReadGroup(const json& group, const std::string& prefix, const std::string& inherited_source) {
    std::string source = inherited_source;
    if (auto it = group.find("source"); it != group.end()) {
      if (!it->is_string()) Fail(prefix.empty() ? "source" : prefix + ".source", "expected a string");
      source = it->get<std::string>();
    }
    for (const auto& [name, value] : group.items()) {
      if (name == "source") continue;
      if (prefix.empty() && (name == "name" || name == "description")) {
        if (!value.is_string()) Fail(name, "expected a string");
        (name == "name" ? name_ : description_) = value.get<std::string>();
        continue;
      }
      const std::string key = prefix.empty() ? name : prefix + "." + name;
      if (const ParamBase* param = FindParam(key)) {
        ReadValue(*param, value, source);
      } else if (value.is_object() && IsGroupPrefix(key)) {
        ReadGroup(value, key, source);
      } else {
        throw ProfileError(UnknownKeyMessage(origin_, key));
      }
    }
  }

  DeviceProfile Finish() && {
    if (name_.empty()) name_ = origin_.stem().string();
    return DeviceProfile(name_, description_, origin_, std::move(values_));
  }

 private:
  [[noreturn]] void Fail(std::string_view key, std::string_view what) const {
    throw ProfileError(fmt::format("{}: '{}': {}", origin_.string(), key, what));
  }

  void ReadValue(const ParamBase& param, const json& raw, std::string source) {
    const std::string key(param.key());
    const json* value = &raw;
    if (raw.is_object() && raw.contains("value")) {
      for (const auto& [member, member_value] : raw.items()) {
        if (member == "source") {
          if (!member_value.is_string()) Fail(key + ".source", "expected a string");
          source = member_value.get<std::string>();
        } else if (member != "value" && member != "note") {
          Fail(key, fmt::format("unexpected member '{}' (a value is {{\"value\": ..., \"source\": \"...\"}})", member));
        }
      }
      value = &raw["value"];
    }
    if (source.empty()) {
      Fail(key, "has no source (write {\"value\": ..., \"source\": \"...\"} or give its group a \"source\")");
    }
    ParamValue converted;
    if (std::string error = Convert(*value, param, converted); !error.empty()) Fail(key, error);
    for (double n : Numbers(converted)) {
      if (!(n >= param.range().min && n <= param.range().max)) {
        Fail(key, fmt::format("{} is out of range [{}, {}] ({})", n, param.range().min, param.range().max,
                              param.description()));
      }
    }
    values_[key] = DeviceProfile::Entry{std::move(converted), std::move(source)};
  }

  std::filesystem::path origin_;
  std::string name_;
  std::string description_;
  std::map<std::string, DeviceProfile::Entry, std::less<>> values_;
};

void AppendParams(std::vector<const ParamBase*>& all, const std::vector<const ParamBase*>& list) {
  all.insert(all.end(), list.begin(), list.end());
}

std::vector<std::string> AvailableProfiles() {
  std::set<std::string> names;
  for (const std::filesystem::path& dir : ProfileSearchPath()) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".json") names.insert(entry.path().stem().string());
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace

std::string_view ParamTypeName(size_t type_index) {
  static constexpr std::string_view kNames[] = {
      "a number", "an integer", "true or false", "a string", "a list of integers",
      "a list of [x, y] integer pairs", "a list of [number, number] pairs", "an object of numbers"};
  return type_index < std::size(kNames) ? kNames[type_index] : "an unsupported type";
}

DeviceProfile::DeviceProfile(std::string name, std::string description, std::filesystem::path path,
                             std::map<std::string, Entry, std::less<>> values)
    : name_(std::move(name)), description_(std::move(description)), path_(std::move(path)), values_(std::move(values)) {}

std::string_view DeviceProfile::SourceOf(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string_view() : std::string_view(it->second.source);
}

void DeviceProfile::CheckRegistered(const ParamBase& param) {
  const auto& all = AllProfileParams();
  if (std::find(all.begin(), all.end(), &param) == all.end()) {
    throw std::logic_error(fmt::format("profile parameter '{}' is not listed in AllProfileParams()", param.key()));
  }
}

const std::vector<const ParamBase*>& AllProfileParams() {
  static const std::vector<const ParamBase*> all = [] {
    std::vector<const ParamBase*> list;
    AppendParams(list, DeviceShapeParamList());
    AppendParams(list, NocParamList());
    AppendParams(list, ComputeCostParamList());
    std::set<std::string_view> keys;
    for (const ParamBase* p : list) {
      if (!keys.insert(p->key()).second) throw std::logic_error(fmt::format("profile parameter '{}' declared twice", p->key()));
    }
    return list;
  }();
  return all;
}

DeviceProfile ParseDeviceProfile(std::string_view json_text, const std::filesystem::path& origin) {
  json document;
  try {
    document = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw ProfileError(fmt::format("{}: not valid JSON: {}", origin.string(), e.what()));
  }
  if (!document.is_object()) throw ProfileError(fmt::format("{}: a device profile is a JSON object", origin.string()));
  ProfileReader reader(origin);
  reader.ReadGroup(document, "", "");
  return std::move(reader).Finish();
}

DeviceProfile LoadDeviceProfile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ProfileError(fmt::format("{}: cannot open the device profile", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  return ParseDeviceProfile(text.str(), file);
}

std::vector<std::filesystem::path> ProfileSearchPath() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("TILESIM_PROFILE_DIR"); env != nullptr && *env != '\0') dirs.emplace_back(env);
#ifdef TILESIM_PROFILE_SOURCE_DIR
  dirs.emplace_back(TILESIM_PROFILE_SOURCE_DIR);
#endif
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(exe.parent_path().parent_path() / "share" / "tilesim" / "profiles");
  return dirs;
}

std::filesystem::path FindDeviceProfile(std::string_view name_or_path) {
  const std::string name(name_or_path);
  const bool is_path = name.find('/') != std::string::npos || name.ends_with(".json");
  if (is_path) {
    if (!std::filesystem::is_regular_file(name)) throw ProfileError(fmt::format("{}: no such device profile file", name));
    return name;
  }
  std::vector<std::string> looked;
  for (const std::filesystem::path& dir : ProfileSearchPath()) {
    const std::filesystem::path candidate = dir / (name + ".json");
    if (std::filesystem::is_regular_file(candidate)) return candidate;
    looked.push_back(dir.string());
  }
  const std::vector<std::string> available = AvailableProfiles();
  throw ProfileError(fmt::format("no device profile named '{}' (looked in: {}; available: {}; set TILESIM_PROFILE_DIR "
                                 "or pass a path)",
                                 name, fmt::join(looked, ", "), available.empty() ? "none" : fmt::format("{}", fmt::join(available, ", "))));
}

DeviceProfile LoadDeviceProfileByName(std::string_view name_or_path) {
  return LoadDeviceProfile(FindDeviceProfile(name_or_path));
}

}  // namespace tilesim::emu::timing
