// The `--NAME VALUE` arguments that bind a tile kernel's dimensions (tilesim compile / run KERNEL.py).
#include <charconv>

#include <fmt/format.h>

#include "tools/commands.h"

namespace tilesim::tools {

std::map<std::string, int64_t> ParseBindings(const std::vector<std::string>& extras) {
  std::map<std::string, int64_t> bindings;
  for (size_t i = 0; i < extras.size(); ++i) {
    const std::string& arg = extras[i];
    if (!arg.starts_with("--") || arg.size() < 3) {
      throw CLI::ValidationError(fmt::format("unexpected argument '{}' (dimensions are given as --NAME VALUE)", arg));
    }
    std::string name = arg.substr(2), value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < extras.size()) {
      value = extras[++i];
    } else {
      throw CLI::ValidationError(fmt::format("--{} needs a value", name));
    }
    const bool identifier = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                            name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                                std::string::npos;
    if (!identifier) throw CLI::ValidationError(fmt::format("unknown option '--{}'", name));
    int64_t v = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (error != std::errc{} || end != value.data() + value.size()) {
      throw CLI::ValidationError(fmt::format("--{} {}: kernel dimensions are integers", name, value));
    }
    if (v <= 0 || v > (int64_t{1} << 20)) {
      throw CLI::ValidationError(fmt::format("--{} {}: must be between 1 and 1048576", name, value));
    }
    bindings[name] = v;
  }
  return bindings;
}

}  // namespace tilesim::tools
