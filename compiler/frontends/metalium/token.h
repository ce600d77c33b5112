// Tokens of the Metalium kernel dialect, as the lexer produces them and the preprocessor rewrites them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontends/metalium/diagnostics.h"

namespace tilesim::metalium {

enum class TokenKind : uint8_t {
  Identifier,  // also keywords: the parser tells them apart
  Integer,     // spelling kept as written (value and suffix are decoded by the parser)
  Float,       // a floating-point literal: the dialect has no floating-point values, the parser says so
  String,      // spelling with its quotes and prefix; DecodeStringLiteral gives the value
  Char,        // spelling with its quotes
  Punct,       // an operator or punctuator, longest match
  End,         // end of input
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;
  SourcePos pos;
  bool line_start = false;    // first token of a source line (directives start with one)
  bool space_before = false;  // whitespace precedes it (tells `#define F(x)` from `#define F (x)`)
  // Macros whose expansion produced this token: they are not expanded again inside it (C's hide set). The
  // preprocessor interns the sets (sorted macro ids); null is the empty set.
  const std::vector<uint32_t>* hide_set = nullptr;

  bool Is(TokenKind k, const char* spelling) const { return kind == k && text == spelling; }
  bool IsPunct(const char* spelling) const { return Is(TokenKind::Punct, spelling); }
  bool IsIdent(const char* spelling) const { return Is(TokenKind::Identifier, spelling); }
};

// A one-line description for messages: "identifier 'foo'", "'+='", "end of file".
std::string Describe(const Token& token);

}  // namespace tilesim::metalium
