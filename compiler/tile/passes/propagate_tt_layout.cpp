#include "compiler/tile/passes/propagate_tt_layout.h"

#include <fmt/format.h>

#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

tir::PrimFunc PropagateTTLayout(tir::PrimFunc func, const CompileOptions&) {
  for (tir::Buffer& buffer : func.buffers) {
    if (buffer.scope == tir::Scope::Global) continue;
    if (buffer.shape.size() != 2) {
      FailAt(func, buffer.location,
             fmt::format("on-chip buffer '{}' has rank {}: the tile engine needs 2-D buffers of whole 32x32 tiles",
                         buffer.name, buffer.shape.size()));
    }
    if (buffer.shape[0] <= 0 || buffer.shape[1] <= 0 || buffer.shape[0] % kTileDim != 0 ||
        buffer.shape[1] % kTileDim != 0) {
      FailAt(func, buffer.location,
             fmt::format("on-chip buffer '{}' is {} x {}: both dimensions must be multiples of 32 (whole tiles); "
                         "pad the block size, the tensor itself may be any size",
                         buffer.name, buffer.shape[0], buffer.shape[1]));
    }
    tir::TTLayout layout;
    layout.tiled = true;
    layout.dram_interleaved = false;
    layout.tile_rows = static_cast<uint32_t>(buffer.shape[0] / kTileDim);
    layout.tile_cols = static_cast<uint32_t>(buffer.shape[1] / kTileDim);
    layout.page_size = TileSizeBytes(tir::ToDataFormat(buffer.dtype));
    buffer.layout = layout;
  }
  return func;
}

}  // namespace tilesim::tile
