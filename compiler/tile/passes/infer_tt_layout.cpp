#include "compiler/tile/passes/infer_tt_layout.h"

#include <fmt/format.h>

#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

tir::PrimFunc InferTTLayout(tir::PrimFunc func, const CompileOptions&) {
  for (tir::Buffer& buffer : func.buffers) {
    if (buffer.scope != tir::Scope::Global) continue;
    if (buffer.shape.empty() || buffer.shape.size() > 2) {
      FailAt(func, buffer.location,
             fmt::format("tensor '{}' has rank {}: only rank 1 and 2 are supported", buffer.name, buffer.shape.size()));
    }
    const int64_t rows = buffer.shape.size() == 2 ? buffer.shape[0] : 1;
    const int64_t cols = buffer.shape.back();
    if (rows <= 0 || cols <= 0) {
      FailAt(func, buffer.location, fmt::format("tensor '{}' has an empty shape ({} x {})", buffer.name, rows, cols));
    }
    tir::TTLayout layout;
    layout.tiled = true;
    layout.dram_interleaved = true;
    layout.tile_rows = static_cast<uint32_t>((rows + kTileDim - 1) / kTileDim);
    layout.tile_cols = static_cast<uint32_t>((cols + kTileDim - 1) / kTileDim);
    layout.page_size = TileSizeBytes(tir::ToDataFormat(buffer.dtype));
    buffer.layout = layout;
  }
  return func;
}

}  // namespace tilesim::tile
