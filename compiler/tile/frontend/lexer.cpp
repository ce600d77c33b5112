// Lexer of the tile DSL: Python's tokens, logical lines and indentation (see lexer.h).
#include "compiler/tile/frontend/lexer.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <optional>

#include "tilesim/compiler.h"

namespace tilesim::tile::frontend {

std::string Where(const std::string& file, SourceLocation location) {
  // Appended piece by piece: GCC 12 mis-warns (-Wrestrict) on `":" + std::to_string(...)`.
  std::string text = file;
  text += ':';
  text += std::to_string(location.line);
  text += ':';
  text += std::to_string(location.column);
  return text;
}

void ThrowAt(const std::string& file, SourceLocation location, const std::string& message) {
  throw compiler::CompileError(Where(file, location), message);
}

std::string_view ToString(TokenKind kind) {
  switch (kind) {
    case TokenKind::Name: return "name";
    case TokenKind::Integer: return "integer";
    case TokenKind::Float: return "float";
    case TokenKind::String: return "string";
    case TokenKind::Operator: return "operator";
    case TokenKind::Newline: return "end of line";
    case TokenKind::Indent: return "indent";
    case TokenKind::Dedent: return "dedent";
    case TokenKind::End: return "end of file";
  }
  return "token";
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

// Longest first, so "**=" wins over "**" over "*".
constexpr std::array<std::string_view, 3> kOperators3 = {"**=", "//=", "..."};
constexpr std::array<std::string_view, 19> kOperators2 = {"**", "//", "==", "!=", "<=", ">=", "->",
                                                          "+=", "-=", "*=", "/=", "%=", "&=", "|=",
                                                          "^=", "@=", "<<", ">>", ":="};
constexpr std::string_view kOperators1 = "+-*/%@&|^~<>()[]{},:.;=";

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  std::vector<Token> Run() {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // a UTF-8 byte order mark
    while (pos_ < text_.size()) {
      if (at_line_start_ && depth_ == 0) {
        if (!ReadIndentation()) continue;  // a blank or comment-only line
      }
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
        Advance(1);
      } else if (c == '\n') {
        EndLine();
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') Advance(1);
      } else if (c == '\\') {
        LineContinuation();
      } else if (IsDigit(c) || (c == '.' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) {
        Number();
      } else if (IsNameStart(c)) {
        NameOrPrefixedString();
      } else if (c == '"' || c == '\'') {
        String(0);
      } else {
        OperatorToken();
      }
    }
    if (line_has_tokens_) Emit(TokenKind::Newline, Here());
    for (size_t i = 1; i < indents_.size(); ++i) Emit(TokenKind::Dedent, Here());
    Emit(TokenKind::End, Here());
    return std::move(tokens_);
  }

 private:
  SourceLocation Here() const { return {line_, column_}; }

  void Advance(size_t count) {
    for (size_t i = 0; i < count && pos_ < text_.size(); ++i) {
      if (text_[pos_] == '\n') {
        ++line_;
        column_ = 1;
      } else {
        ++column_;
      }
      ++pos_;
    }
  }

  Token& Emit(TokenKind kind, SourceLocation location, std::string text = {}) {
    Token token;
    token.kind = kind;
    token.location = location;
    token.text = std::move(text);
    tokens_.push_back(std::move(token));
    if (kind != TokenKind::Newline && kind != TokenKind::Indent && kind != TokenKind::Dedent) line_has_tokens_ = true;
    return tokens_.back();
  }

  void EndLine() {
    if (depth_ == 0 && line_has_tokens_) {
      Emit(TokenKind::Newline, Here());
      line_has_tokens_ = false;
    }
    Advance(1);
    if (depth_ == 0) at_line_start_ = true;
  }

  // Reads the indentation of a new logical line and emits Indent / Dedent. Returns false for a line with
  // nothing on it (blank, or only a comment), which Python ignores for indentation.
  bool ReadIndentation() {
    const SourceLocation start = Here();
    std::string indent;
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\f')) {
      if (text_[pos_] != '\f') indent += text_[pos_];
      Advance(1);
    }
    if (pos_ >= text_.size()) return false;
    const char next = text_[pos_];
    if (next == '\n' || next == '#' || next == '\r') {
      while (pos_ < text_.size() && text_[pos_] != '\n') Advance(1);
      if (pos_ < text_.size()) Advance(1);
      return false;
    }
    at_line_start_ = false;
    for (char c : indent) {
      if (indent_char_ == 0) {
        indent_char_ = c;
        indent_char_line_ = start.line;
      } else if (c != indent_char_) {
        ThrowAt(file_, start,
                std::string("indentation mixes tabs and spaces (line ") + std::to_string(indent_char_line_) +
                    " indents with " + (indent_char_ == '\t' ? "tabs" : "spaces") + ")");
      }
    }
    if (indent == indents_.back()) return true;
    if (indent.size() > indents_.back().size()) {
      indents_.push_back(indent);
      Emit(TokenKind::Indent, Here());
      return true;
    }
    while (indents_.size() > 1 && indent.size() < indents_.back().size()) {
      indents_.pop_back();
      Emit(TokenKind::Dedent, Here());
    }
    if (indent != indents_.back()) ThrowAt(file_, Here(), "unindent does not match any outer indentation level");
    return true;
  }

  void LineContinuation() {
    const SourceLocation at = Here();
    size_t next = pos_ + 1;
    if (next < text_.size() && text_[next] == '\r') ++next;
    if (next >= text_.size() || text_[next] != '\n') ThrowAt(file_, at, "unexpected character '\\' (a line continuation must end its line)");
    Advance(next + 1 - pos_);
  }

  void Number() {
    const SourceLocation at = Here();
    const size_t start = pos_;
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() &&
        std::string_view("xXoObB").find(text_[pos_ + 1]) != std::string_view::npos) {
      const char base_char = static_cast<char>(text_[pos_ + 1] | 0x20);
      const int base = base_char == 'x' ? 16 : base_char == 'o' ? 8 : 2;
      Advance(2);
      RadixInteger(at, start, base);
      return;
    }
    bool is_float = false;
    std::string digits;
    auto take_digits = [&] {
      while (pos_ < text_.size() && (IsDigit(text_[pos_]) || text_[pos_] == '_')) {
        if (text_[pos_] != '_') digits += text_[pos_];
        Advance(1);
      }
    };
    take_digits();
    if (pos_ < text_.size() && text_[pos_] == '.') {
      is_float = true;
      digits += '.';
      Advance(1);
      take_digits();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      is_float = true;
      digits += 'e';
      Advance(1);
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        digits += text_[pos_];
        Advance(1);
      }
      if (pos_ >= text_.size() || !IsDigit(text_[pos_])) ThrowAt(file_, at, "malformed number: exponent without digits");
      take_digits();
    }
    RejectTrailingNameChars(at, start);
    const std::string spelling(text_.substr(start, pos_ - start));
    if (is_float) {
      double value = 0;
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (error != std::errc() || end != digits.data() + digits.size()) ThrowAt(file_, at, "malformed number " + spelling);
      Emit(TokenKind::Float, at, spelling).float_value = value;
      return;
    }
    int64_t value = 0;
    for (char d : digits) {
      if (__builtin_mul_overflow(value, int64_t{10}, &value) || __builtin_add_overflow(value, int64_t{d - '0'}, &value)) {
        ThrowAt(file_, at, "integer literal " + spelling + " is too large (64-bit signed)");
      }
    }
    Emit(TokenKind::Integer, at, spelling).int_value = value;
  }

  void RadixInteger(SourceLocation at, size_t start, int base) {
    int64_t value = 0;
    bool any_digit = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      int digit = -1;
      if (IsDigit(c)) digit = c - '0';
      else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      else if (c != '_') break;
      if (digit >= base) break;
      if (digit >= 0) {
        any_digit = true;
        if (__builtin_mul_overflow(value, int64_t{base}, &value) || __builtin_add_overflow(value, int64_t{digit}, &value)) {
          ThrowAt(file_, at, "integer literal is too large (64-bit signed)");
        }
      }
      Advance(1);
    }
    RejectTrailingNameChars(at, start);
    if (!any_digit) ThrowAt(file_, at, "malformed number " + std::string(text_.substr(start, pos_ - start)));
    Emit(TokenKind::Integer, at, std::string(text_.substr(start, pos_ - start))).int_value = value;
  }

  void RejectTrailingNameChars(SourceLocation at, size_t start) {
    if (pos_ < text_.size() && (IsNameChar(text_[pos_]) || text_[pos_] == '.')) {
      size_t end = pos_;
      while (end < text_.size() && (IsNameChar(text_[end]) || text_[end] == '.')) ++end;
      ThrowAt(file_, at, "malformed number " + std::string(text_.substr(start, end - start)));
    }
  }

  void NameOrPrefixedString() {
    const SourceLocation at = Here();
    const size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) Advance(1);
    const std::string_view name = text_.substr(start, pos_ - start);
    if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'') && name.size() <= 2) {
      bool is_prefix = true;
      bool raw = false;
      for (char c : name) {
        const char lower = static_cast<char>(c | 0x20);
        if (lower == 'r') raw = true;
        else if (lower != 'b' && lower != 'u' && lower != 'f') is_prefix = false;
      }
      if (is_prefix) {
        String(raw ? 'r' : 'p', at);
        return;
      }
    }
    Emit(TokenKind::Name, at, std::string(name));
  }

  // A string literal at pos_ (its prefix, if any, already read: `prefix` is 'r' for raw).
  void String(char prefix, std::optional<SourceLocation> prefix_at = std::nullopt) {
    const SourceLocation at = prefix_at.value_or(Here());
    const char quote = text_[pos_];
    const bool triple = pos_ + 2 < text_.size() && text_[pos_ + 1] == quote && text_[pos_ + 2] == quote;
    Advance(triple ? 3 : 1);
    std::string value;
    while (true) {
      if (pos_ >= text_.size()) {
        ThrowAt(file_, at, triple ? "unterminated triple-quoted string" : "unterminated string");
      }
      const char c = text_[pos_];
      if (c == quote) {
        if (!triple) {
          Advance(1);
          break;
        }
        if (pos_ + 2 < text_.size() && text_[pos_ + 1] == quote && text_[pos_ + 2] == quote) {
          Advance(3);
          break;
        }
      }
      if (c == '\n' && !triple) ThrowAt(file_, at, "unterminated string (a line break inside a '...' string)");
      if (c == '\\' && pos_ + 1 < text_.size()) {
        const char next = text_[pos_ + 1];
        if (prefix == 'r') {
          value += c;
          value += next;
        } else {
          switch (next) {
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            case '0': value += '\0'; break;
            case '\\': value += '\\'; break;
            case '\'': value += '\''; break;
            case '"': value += '"'; break;
            case '\n': break;  // an escaped line break joins the lines
            default:
              value += c;
              value += next;
          }
        }
        Advance(2);
        continue;
      }
      value += c;
      Advance(1);
    }
    Emit(TokenKind::String, at, std::move(value));
  }

  void OperatorToken() {
    const SourceLocation at = Here();
    const std::string_view rest = text_.substr(pos_);
    for (std::string_view op : kOperators3) {
      if (rest.starts_with(op)) {
        Advance(op.size());
        Emit(TokenKind::Operator, at, std::string(op));
        return;
      }
    }
    for (std::string_view op : kOperators2) {
      if (rest.starts_with(op)) {
        Advance(op.size());
        Emit(TokenKind::Operator, at, std::string(op));
        return;
      }
    }
    const char c = text_[pos_];
    if (kOperators1.find(c) == std::string_view::npos) {
      char spelling[32];
      const unsigned char byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte < 0x7f) std::snprintf(spelling, sizeof spelling, "unexpected character '%c'", c);
      else std::snprintf(spelling, sizeof spelling, "unexpected byte 0x%02x", byte);
      ThrowAt(file_, at, spelling);
    }
    if (c == '(' || c == '[' || c == '{') ++depth_;
    if ((c == ')' || c == ']' || c == '}') && depth_ > 0) --depth_;
    Advance(1);
    Emit(TokenKind::Operator, at, std::string(1, c));
  }

  std::string_view text_;
  const std::string& file_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
  int depth_ = 0;  // open brackets: line breaks inside them do not end the statement
  bool at_line_start_ = true;
  bool line_has_tokens_ = false;
  std::vector<std::string> indents_{""};
  char indent_char_ = 0;  // the first indentation character the file uses; the other one is an error
  uint32_t indent_char_line_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> Lex(std::string_view text, const std::string& file) { return Lexer(text, file).Run(); }

}  // namespace tilesim::tile::frontend
