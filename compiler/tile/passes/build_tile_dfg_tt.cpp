#include "compiler/tile/passes/build_tile_dfg_tt.h"

#include <fmt/format.h>

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"
#include "compiler/tile/passes/roles.h"

namespace tilesim::tile {

namespace {

const char* RoleName(uint8_t role) {
  switch (role) {
    case kReader:
      return kReaderName;
    case kCompute:
      return kComputeName;
    case kWriter:
      return kWriterName;
    default:
      return "several kernels";
  }
}

}  // namespace

tir::PrimFunc BuildTileDFGTT(tir::PrimFunc func, const CompileOptions&) {
  struct Ends {
    uint8_t producers = 0, consumers = 0;
    tir::SourceLocation where;
  };
  std::map<int32_t, Ends> graph;
  tir::ForEachStmt(func.body, [&](const tir::Stmt& s) {
    if (const auto* region = std::get_if<tir::CBRegionStmt>(&s->node)) {
      Ends& ends = graph[region->cb];
      (region->access == tir::CBAccess::Produce ? ends.producers : ends.consumers) |= RolesOf(region->body);
      ends.where = s->location;
    } else if (const auto* mcast = std::get_if<tir::McastRegionStmt>(&s->node)) {
      graph[mcast->cb].producers |= kReader;
    }
  });
  for (const auto& [cb, ends] : graph) {
    std::string holds = fmt::format("c_{}", cb);
    for (const tir::Buffer& b : func.buffers) {
      if (b.cb_index == cb) holds = b.name;
    }
    const auto single = [](uint8_t r) { return r == kReader || r == kCompute || r == kWriter; };
    if (!single(ends.producers) || !single(ends.consumers) || ends.producers == kWriter || ends.consumers == kReader) {
      FailAt(func, ends.where,
             fmt::format("'{}' would be produced by {} and consumed by {}: every on-chip buffer must pass from one "
                         "kernel to one other (reader -> compute -> writer)",
                         holds, RoleName(ends.producers), RoleName(ends.consumers)));
    }
    func.attrs[fmt::format("tt.dfg.c_{}", cb)] =
        fmt::format("{} -> {} ({})", RoleName(ends.producers), RoleName(ends.consumers), holds);
  }
  return func;
}

}  // namespace tilesim::tile
