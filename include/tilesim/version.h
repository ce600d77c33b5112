// tilesim's version, and the bytecode format version it reads and writes.
#pragma once

#include <string>

namespace tilesim {
// "0.1.0 (bytecode format 1)"
std::string VersionString();
}  // namespace tilesim
