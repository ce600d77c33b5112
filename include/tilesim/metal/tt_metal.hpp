// Source compatibility with tt-metal host programs: include this instead of <tt-metalium/*.hpp> and the
// program's `using namespace tt::tt_metal;`, `tt::tt_metal::distributed::MeshDevice`, `tt::DataFormat`,
// `tt::CBIndex::c_16`, `tt::constants::TILE_HEIGHT`, `tt::tile_size(...)` and TT_FATAL / TT_ASSERT /
// TT_THROW keep working unchanged.
//
// tt::tt_metal is an alias of tilesim::metal, so code may use the namespace but not reopen it (a
// `namespace tt::tt_metal { ... }` block in user code does not compile; put such helpers elsewhere).
#pragma once

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tilesim/metal/bfloat16.hpp"
#include "tilesim/metal/distributed.hpp"
#include "tilesim/metal/host_api.hpp"

namespace tt {
namespace tt_metal = ::tilesim::metal;
namespace constants = ::tilesim::metal::constants;

using ::tilesim::CBIndex;
using ::tilesim::DataFormat;
using ::tilesim::MathFidelity;
using ::tilesim::metal::datum_size;
using ::tilesim::metal::div_up;
using ::tilesim::metal::round_up;
using ::tilesim::metal::tile_size;

// The circular buffer names of older tt-metal code (tt::CB::c_in0 ...), the same indexes as CBIndex.
enum CB : uint8_t {
  c_in0 = 0, c_in1, c_in2, c_in3, c_in4, c_in5, c_in6, c_in7,
  dataflow0 = 8, dataflow1, dataflow2, dataflow3, dataflow4, dataflow5, dataflow6, dataflow7,
  c_out0 = 16, c_out1, c_out2, c_out3, c_out4, c_out5, c_out6, c_out7,
  c_intermed0 = 24, c_intermed1, c_intermed2, c_intermed3, c_intermed4, c_intermed5, c_intermed6, c_intermed7,
};
}  // namespace tt

namespace tilesim::metal::detail {
// "{}"-style formatting for the TT_* macros without requiring fmt in user code: each "{}" takes the next
// argument (streamed with <<); "{{" and "}}" are literal braces; arguments left over are appended.
inline void FormatInto(std::ostringstream& out, std::string_view format) {
  for (std::size_t i = 0; i < format.size(); ++i) {
    if ((format[i] == '{' || format[i] == '}') && i + 1 < format.size() && format[i + 1] == format[i]) ++i;
    out << format[i];
  }
}
template <typename First, typename... Rest>
void FormatInto(std::ostringstream& out, std::string_view format, const First& first, const Rest&... rest) {
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '{' && i + 1 < format.size() && format[i + 1] == '}') {
      out << first;
      FormatInto(out, format.substr(i + 2), rest...);
      return;
    }
    if ((format[i] == '{' || format[i] == '}') && i + 1 < format.size() && format[i + 1] == format[i]) ++i;
    out << format[i];
  }
  out << ' ' << first;
  ((out << ' ' << rest), ...);
}
template <typename... Args>
[[noreturn]] void ThrowFormatted(const char* kind, const char* condition, const char* file, int line,
                                 std::string_view format = {}, const Args&... args) {
  std::ostringstream out;
  out << kind << " @ " << file << ':' << line;
  if (condition != nullptr) out << ": " << condition;
  out << "\ninfo:\n";
  FormatInto(out, format, args...);
  throw std::runtime_error(out.str());
}
}  // namespace tilesim::metal::detail

// TT_FATAL(condition, "format {}", args...): throws std::runtime_error with the message if false.
#define TT_FATAL(condition, ...)                                                                              \
  do {                                                                                                        \
    if (!(condition)) {                                                                                       \
      ::tilesim::metal::detail::ThrowFormatted("TT_FATAL", #condition, __FILE__, __LINE__ __VA_OPT__(, )      \
                                                   __VA_ARGS__);                                              \
    }                                                                                                         \
  } while (false)
// TT_ASSERT: as TT_FATAL. tt-metal compiles it out of release builds; tilesim always checks.
#define TT_ASSERT(condition, ...)                                                                             \
  do {                                                                                                        \
    if (!(condition)) {                                                                                       \
      ::tilesim::metal::detail::ThrowFormatted("TT_ASSERT", #condition, __FILE__, __LINE__ __VA_OPT__(, )     \
                                                   __VA_ARGS__);                                              \
    }                                                                                                         \
  } while (false)
// TT_THROW("format {}", args...): always throws.
#define TT_THROW(...) ::tilesim::metal::detail::ThrowFormatted("TT_THROW", nullptr, __FILE__, __LINE__, __VA_ARGS__)
