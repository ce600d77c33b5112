#include "compiler/tile/passes/verify_tt_ir.h"

#include <fmt/format.h>

#include "compiler/tile/ir/verifier.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

tir::PrimFunc VerifyTTIR(tir::PrimFunc func, const CompileOptions&) {
  if (func.body) Internal("VerifyTTIR", "the body was not split into kernels");
  if (func.kernels.size() != 3)
    Internal("VerifyTTIR", fmt::format("{} kernels, expected reader, compute, writer", func.kernels.size()));
  const std::vector<std::string> errors = tir::VerifyTileIR(func, /*lowered=*/true);
  if (!errors.empty())
    Internal("VerifyTTIR", fmt::format("{} problems:\n  {}", errors.size(), fmt::join(errors, "\n  ")));
  return func;
}

}  // namespace tilesim::tile
