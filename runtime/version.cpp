#include "tilesim/version.h"

#include <fmt/format.h>

#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim {
std::string VersionString() { return fmt::format("{} (bytecode format {})", TILESIM_VERSION, bc::kFormatVersion); }
}  // namespace tilesim
