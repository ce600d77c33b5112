// Lexer of the tile DSL (the subset of Python TileLang kernels are written in): text to tokens, with
// Python's logical lines, so NEWLINE ends a statement and INDENT / DEDENT open and close blocks.
//
// Positions are the file's own line and column, counted in bytes from 1. Inside brackets line breaks and
// indentation mean nothing (Python's implicit line joining); a backslash at the end of a line joins it
// with the next. Any byte sequence either lexes or is a CompileError at "file:line:col": a character that
// cannot start a token, an unterminated string, an indentation that mixes tabs and spaces or dedents to a
// level that was never opened.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tilesim/tile_ir.h"

namespace tilesim::tile::frontend {

using tir::SourceLocation;

// A CompileError at `file:line:col` saying `message`.
[[noreturn]] void ThrowAt(const std::string& file, SourceLocation location, const std::string& message);
// "file:line:col".
std::string Where(const std::string& file, SourceLocation location);

enum class TokenKind : uint8_t {
  Name,      // identifiers and keywords (def, for, in, ...): the parser tells them apart by text
  Integer,   // `int_value` holds the value
  Float,     // `float_value`
  String,    // `text` holds the decoded value (adjacent literals are joined by the parser)
  Operator,  // punctuation and operators, `text` is the spelling: "(", "**", "//=", "->", ...
  Newline,   // end of a logical line
  Indent,
  Dedent,
  End,
};

struct Token {
  TokenKind kind = TokenKind::End;
  SourceLocation location;
  std::string text;
  int64_t int_value = 0;
  double float_value = 0;
};

std::string_view ToString(TokenKind kind);

// Tokens of `text`, ending with Newline (if the last line has tokens), the Dedents that close open
// blocks and one End token. `file` names the source in messages.
std::vector<Token> Lex(std::string_view text, const std::string& file);

}  // namespace tilesim::tile::frontend
