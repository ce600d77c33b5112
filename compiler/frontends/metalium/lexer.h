// Lexer: the text of one source file to tokens (comments dropped, line continuations joined).
//
// Positions are the file's own line and column, counted in bytes from 1. The lexer accepts any bytes:
// a character that cannot start a token, an unterminated literal or comment is a CompileError at its
// position.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontends/metalium/token.h"

namespace tilesim::metalium {

// Tokens of `text` (file index `file` in `diag`), ending with one End token.
std::vector<Token> Lex(std::string_view text, uint32_t file, const Diagnostics& diag);

// An integer literal: its value and what its spelling says about its type (C++ rules: a decimal literal
// without suffix is signed, hex / octal / binary ones may be unsigned when they do not fit).
struct IntegerLiteral {
  uint64_t value = 0;
  bool unsigned_suffix = false;  // u / U
  bool long_long_suffix = false; // ll / LL (l / L is 32-bit on the RISC-V cores, like int)
  bool decimal = true;
};
// Decodes an Integer token (0x1F, 0b101, 017, 1'000, 42u, 7ULL); a malformed or too large one is an error.
IntegerLiteral DecodeIntegerLiteral(const Token& token, const Diagnostics& diag);

// The value of a string literal token ("a\tb" -> a<TAB>b); `u8`/`L`/`u`/`U` prefixes are accepted. Errors
// (bad escapes, raw strings) are reported at the token.
std::string DecodeStringLiteral(const Token& token, const Diagnostics& diag);
// The value of a character literal token ('a', '\n', '\x41').
uint32_t DecodeCharLiteral(const Token& token, const Diagnostics& diag);

}  // namespace tilesim::metalium
