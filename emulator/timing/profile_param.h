// Device-profile parameters, declared where they are used (like Ramulator 2's params): each has a dotted
// key, a description and a default, and is read from the profile file by that key.
//
//   const Param<double> kLinkBandwidth{"noc.link_bytes_per_cycle", "bytes a NoC link moves per cycle", 32.0,
//                                      Positive()};
//   double bw = profile.Get(kLinkBandwidth);   // the file's value, or 32.0 if the file does not set it
//
// A component lists its parameters in a function (e.g. NocParamList() in noc_params.cpp) and
// AllProfileParams() (device_profile.cpp) joins the lists; a profile key no parameter claims is an error.
// Param objects are namespace-scope constants: read them at run time, never from another static initialiser.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tilesim::emu::timing {

using Coord2 = std::array<int64_t, 2>;  // [x, y] in a profile file
using Pair2 = std::array<double, 2>;    // [a, b], e.g. [packet bytes, bytes per cycle]
using NamedNumbers = std::map<std::string, double, std::less<>>;  // {"LoFi": 16, "HiFi2": 32, ...}

// Every type a parameter can have. The JSON spelling of each: a number, an integer, true/false, a string,
// [integers], [[x, y], ...], [[a, b], ...], {"name": number, ...}.
using ParamValue = std::variant<double, int64_t, bool, std::string, std::vector<int64_t>, std::vector<Coord2>,
                                std::vector<Pair2>, NamedNumbers>;

// Inclusive bounds every number inside a value must respect (each element of a list, each map value).
struct ParamRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};
inline ParamRange Positive() { return {std::numeric_limits<double>::min(), std::numeric_limits<double>::infinity()}; }
inline ParamRange NonNegative() { return {0.0, std::numeric_limits<double>::infinity()}; }
inline ParamRange Between(double lo, double hi) { return {lo, hi}; }

class ParamBase {
 public:
  ParamBase(std::string_view key, std::string_view description, ParamRange range)
      : key_(key), description_(description), range_(range) {}
  virtual ~ParamBase() = default;
  ParamBase(const ParamBase&) = delete;
  ParamBase& operator=(const ParamBase&) = delete;

  std::string_view key() const { return key_; }
  std::string_view description() const { return description_; }
  const ParamRange& range() const { return range_; }
  virtual ParamValue default_value() const = 0;
  virtual size_t type_index() const = 0;  // index of the parameter's type in ParamValue

 private:
  std::string key_;
  std::string description_;
  ParamRange range_;
};

template <class T>
class Param final : public ParamBase {
 public:
  Param(std::string_view key, std::string_view description, T default_value, ParamRange range = {})
      : ParamBase(key, description, range), default_(std::move(default_value)) {}
  ParamValue default_value() const override { return default_; }
  size_t type_index() const override { return ParamValue(default_).index(); }
  const T& fallback() const { return default_; }

 private:
  T default_;
};

// "a number", "an integer", ... for error messages.
std::string_view ParamTypeName(size_t type_index);

}  // namespace tilesim::emu::timing
