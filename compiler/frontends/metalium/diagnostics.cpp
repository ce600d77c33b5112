// Diagnostics: the file table and CompileError construction shared by every front-end stage.
#include "compiler/frontends/metalium/diagnostics.h"

#include <fmt/format.h>

#include "tilesim/compiler.h"

namespace tilesim::metalium {

uint32_t Diagnostics::AddFile(const std::string& path) {
  files_.push_back(path);
  return static_cast<uint32_t>(files_.size() - 1);
}

const std::string& Diagnostics::file(uint32_t index) const {
  static const std::string unknown = "<unknown file>";
  return index < files_.size() ? files_[index] : unknown;
}

std::string Diagnostics::Describe(const SourcePos& pos) const {
  if (pos.line == 0) return file(pos.file);
  return fmt::format("{}:{}:{}", file(pos.file), pos.line, pos.column);
}

void Diagnostics::Error(const SourcePos& pos, const std::string& message) const {
  throw compiler::CompileError(Describe(pos), message);
}

}  // namespace tilesim::metalium
