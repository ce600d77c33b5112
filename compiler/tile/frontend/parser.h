// Parser of the tile DSL: tokens to the syntax tree of ast.h (Python's grammar, the statements and
// expressions TileLang kernels use).
//
// Host code is skipped, not parsed: a `def` that neither is nor contains a `@T.prim_func`, a `class`, and
// an `if __name__ == "__main__":` block become Stmt::Skipped, so a kernel file may carry the usual test
// driver (torch, asserts, while loops...) next to the kernel. Everything else must be in the subset: a
// construct outside it is a CompileError naming it ("unsupported: while loops") at file:line:col.
#pragma once

#include <string>
#include <string_view>

#include "compiler/tile/frontend/ast.h"

namespace tilesim::tile::frontend {

Module Parse(std::string_view text, const std::string& file);

}  // namespace tilesim::tile::frontend
