// Parser: preprocessed tokens to the AST of the kernel dialect (a small C++ subset).
//
// Constructs outside the subset that a kernel may plausibly contain (classes, class templates, lambdas,
// goto, inline assembly...) are parsed far enough to be reported by name ("unsupported: class
// templates"); anything else that is not C++ is a syntax error naming what was expected and what was found.
#pragma once

#include <vector>

#include "compiler/frontends/metalium/ast.h"
#include "compiler/frontends/metalium/token.h"

namespace tilesim::metalium {

ast::TranslationUnit Parse(const std::vector<Token>& tokens, const Diagnostics& diag);

}  // namespace tilesim::metalium
