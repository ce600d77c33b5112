#include "compiler/tile/passes/configure_tensor_accessor_tt.h"

#include <fmt/format.h>

#include <set>

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"
#include "tilesim/metalium.h"

namespace tilesim::tile {

tir::PrimFunc ConfigureTensorAccessorTT(tir::PrimFunc func, const CompileOptions&) {
  for (tir::DeviceKernel& kernel : func.kernels) {
    std::set<uint32_t> touched;
    tir::ForEachStmt(kernel.body, [&](const tir::Stmt& s) {
      if (const auto* read = std::get_if<tir::TileReadStmt>(&s->node)) touched.insert(read->tensor.index);
      if (const auto* write = std::get_if<tir::TileWriteStmt>(&s->node)) touched.insert(write->tensor.index);
    });
    kernel.compile_time_args.clear();
    kernel.accessor_offsets.clear();
    std::vector<std::string> described;
    for (const tir::BufferId param : func.params) {
      if (!touched.count(param.index)) continue;
      const tir::Buffer& tensor = BufferOf(func, param);
      kernel.accessor_offsets[param.index] = static_cast<uint32_t>(kernel.compile_time_args.size());
      described.push_back(fmt::format("{}@{}", tensor.name, kernel.compile_time_args.size()));
      metalium::AppendInterleavedAccessorArgs(kernel.compile_time_args, tensor.layout->dram_interleaved,
                                              tensor.layout->page_size);
    }
    func.attrs["tt.accessors." + kernel.name] = fmt::format("{}", fmt::join(described, " "));
  }
  return func;
}

}  // namespace tilesim::tile
