#include "compiler/tile/passes/attach_tensor_accessor_tt.h"

#include <fmt/format.h>

#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

tir::PrimFunc AttachTensorAccessorTT(tir::PrimFunc func, const CompileOptions&) {
  int32_t slot = 0;
  for (const tir::BufferId id : func.params) {
    tir::Buffer& buffer = func.buffers.at(id.index);
    if (buffer.scope != tir::Scope::Global || !buffer.layout)
      Internal("AttachTensorAccessorTT", "parameter without layout");
    buffer.accessor_index = slot++;
    func.attrs["tt.accessor." + buffer.name] =
        fmt::format("slot={} interleaved dram page_size={} tiles={}x{}", buffer.accessor_index,
                    buffer.layout->page_size, buffer.layout->tile_rows, buffer.layout->tile_cols);
  }
  return func;
}

}  // namespace tilesim::tile
