// Device profiles: JSON data files (profiles/*.json) with a source for every number, read into the
// parameters the timing model declares (profile_param.h).
//
// File layout: nested groups whose dotted paths are parameter keys. A value is either bare or
// {"value": ..., "source": "..."}; a group may carry a "source" that covers its bare values. Top-level
// "name" and "description" are strings. Example:
//
//   { "name": "wormhole_b0",
//     "noc": { "source": "tt-isa-documentation WormholeB0/NoC/README.md",
//              "router_hop_cycles": 9,
//              "link_bytes_per_cycle": {"value": 30, "source": "tt-npe wormhole_b0.hpp (measured)"} } }
//
// Loading rejects, naming the file and the key: unknown keys (with the nearest known key), values of the
// wrong type or out of range, and values without a source. Keys a file does not set keep their defaults.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/timing/profile_param.h"

namespace tilesim::emu::timing {

// A profile that cannot be found or read; the message names the file and, where one is at fault, the key.
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DeviceProfile {
 public:
  // Every parameter at its default (a Wormhole B0 n150): what a run without a profile file uses.
  DeviceProfile() = default;

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::filesystem::path& path() const { return path_; }  // empty for the defaults

  // The file's value for `param`, or its default. Throws std::logic_error if `param` is not listed in
  // AllProfileParams() (a programming error: its key could never be set from a file).
  template <class T>
  T Get(const Param<T>& param) const {
    CheckRegistered(param);
    auto it = values_.find(param.key());
    return it == values_.end() ? param.fallback() : std::get<T>(it->second.value);
  }
  bool IsSet(std::string_view key) const { return values_.count(key) != 0; }
  // Where the file says the value of `key` comes from; empty if the file does not set it.
  std::string_view SourceOf(std::string_view key) const;

  // Used by ParseDeviceProfile.
  struct Entry {
    ParamValue value;
    std::string source;
  };
  DeviceProfile(std::string name, std::string description, std::filesystem::path path,
                std::map<std::string, Entry, std::less<>> values);

 private:
  static void CheckRegistered(const ParamBase& param);

  std::string name_ = "wormhole_b0";
  std::string description_ = "built-in defaults (Wormhole B0 n150)";
  std::filesystem::path path_;
  std::map<std::string, Entry, std::less<>> values_;
};

// Parses profile text; `origin` names it in error messages (usually the file path).
DeviceProfile ParseDeviceProfile(std::string_view json_text, const std::filesystem::path& origin);
DeviceProfile LoadDeviceProfile(const std::filesystem::path& file);

// `name_or_path` is a file path if it contains '/' or ends in ".json"; otherwise a profile name looked up
// as NAME.json in ProfileSearchPath(). Throws ProfileError listing where it looked and what exists.
std::filesystem::path FindDeviceProfile(std::string_view name_or_path);
DeviceProfile LoadDeviceProfileByName(std::string_view name_or_path);

// Where profile names are looked up, in order: $TILESIM_PROFILE_DIR, the source tree's profiles/ (for
// build trees), <executable dir>/../share/tilesim/profiles (installed).
std::vector<std::filesystem::path> ProfileSearchPath();

// Every declared parameter, each key once.
const std::vector<const ParamBase*>& AllProfileParams();

}  // namespace tilesim::emu::timing
