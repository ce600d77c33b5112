#include "compiler/tile/passes/pass_util.h"

#include <fmt/format.h>

namespace tilesim::tile {

void FailAt(const tir::PrimFunc& func, tir::SourceLocation loc, const std::string& message) {
  std::string where = func.source_file.empty() ? func.name : func.source_file;
  if (loc.line != 0) where += fmt::format(":{}:{}", loc.line, loc.column);
  throw compiler::CompileError(where, message);
}

void Internal(const char* pass, const std::string& message) {
  throw compiler::InternalError(fmt::format("{}: {}", pass, message));
}

const tir::Buffer& BufferOf(const tir::PrimFunc& func, tir::BufferId id) {
  if (id.index >= func.buffers.size()) Internal("tile IR", fmt::format("buffer #{} does not exist", id.index));
  return func.buffers[id.index];
}

uint32_t TileCount(const tir::Buffer& buffer) {
  if (!buffer.layout) Internal("tile IR", "buffer '" + buffer.name + "' has no layout yet");
  return buffer.layout->tile_rows * buffer.layout->tile_cols;
}

tir::VarId NewVar(tir::PrimFunc& func, const std::string& name) {
  std::string unique = name;
  for (int n = 1;; ++n) {
    bool taken = false;
    for (const tir::VarInfo& v : func.vars) taken |= v.name == unique;
    if (!taken) break;
    unique = fmt::format("{}_{}", name, n);
  }
  func.vars.push_back({unique, {}});
  return tir::VarId{static_cast<uint32_t>(func.vars.size() - 1)};
}

}  // namespace tilesim::tile
