// KernelBinary's source-map queries: which source line an instruction came from.
#include <algorithm>

#include <fmt/format.h>

#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::bc {

SourceLocation KernelBinary::LocationOf(uint32_t pc) const {
  // The entry that covers `pc` is the last one whose pc is <= `pc`: the first entry past it, minus one.
  auto after = std::upper_bound(source_map.begin(), source_map.end(), pc,
                                [](uint32_t target, const SourceMapEntry& entry) { return target < entry.pc; });
  if (after == source_map.begin()) return SourceLocation{};
  return std::prev(after)->location;
}

std::string KernelBinary::DescribeLocation(uint32_t pc) const {
  const SourceLocation where = LocationOf(pc);
  if (where.line == 0) return fmt::format("{}+{}", name, pc);
  // An unverified binary may name a file that does not exist; say so rather than index out of range.
  const std::string file = where.file < files.size() ? files[where.file] : fmt::format("<file {}>", where.file);
  // Column 0 means the front end knew only the line.
  if (where.column == 0) return fmt::format("{}:{}", file, where.line);
  return fmt::format("{}:{}:{}", file, where.line, where.column);
}

}  // namespace tilesim::bc
