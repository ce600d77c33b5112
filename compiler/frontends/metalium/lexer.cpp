// Lexer for the Metalium kernel dialect: C++ tokens, byte by byte, never reading past the text.
#include "compiler/frontends/metalium/lexer.h"

#include <cctype>
#include <cstdint>
#include <string>

namespace tilesim::metalium {
namespace {

// Longest punctuators first, so the first match is the longest one.
constexpr std::string_view kPunctuators[] = {
    "...", "<<=", ">>=", "->*", "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "+=",  "-=",  "*=",  "/=",  "%=", "&=", "|=", "^=", "##", ".*", "{",  "}",  "[",  "]",  "(",  ")",
    ";",   ":",   ",",   ".",   "?",  "+",  "-",  "*",  "/",  "%",  "&",  "|",  "^",  "!",  "~",  "<",
    ">",   "=",   "#",
};

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  Lexer(std::string_view text, uint32_t file, const Diagnostics& diag) : text_(text), file_(file), diag_(diag) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") index_ = 3;  // a UTF-8 byte order mark is not part of the code
    bool line_start = true;
    bool space = false;
    while (true) {
      SkipSpaceAndComments(line_start, space);
      Token token;
      token.pos = Pos();
      token.line_start = line_start;
      token.space_before = space;
      if (AtEnd()) {
        token.kind = TokenKind::End;
        tokens.push_back(std::move(token));
        return tokens;
      }
      LexToken(token);
      tokens.push_back(std::move(token));
      line_start = false;
      space = false;
    }
  }

 private:
  bool AtEnd() const { return index_ >= text_.size(); }
  char Peek(size_t ahead = 0) const { return index_ + ahead < text_.size() ? text_[index_ + ahead] : '\0'; }
  SourcePos Pos() const { return SourcePos{file_, line_, column_}; }

  void Advance() {
    if (AtEnd()) return;
    if (text_[index_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++index_;
  }

  // A backslash followed by a newline (optionally with \r) joins two lines: it is whitespace here.
  size_t ContinuationLength() const {
    if (Peek() != '\\') return 0;
    if (Peek(1) == '\n') return 2;
    if (Peek(1) == '\r' && Peek(2) == '\n') return 3;
    return 0;
  }

  void SkipSpaceAndComments(bool& line_start, bool& space) {
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '\n') {
        line_start = true;
        space = true;
        Advance();
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        space = true;
        Advance();
      } else if (size_t n = ContinuationLength(); n != 0) {
        space = true;
        for (size_t i = 0; i < n; ++i) Advance();
      } else if (c == '/' && Peek(1) == '/') {
        // A line comment ends at the newline (a continuation extends it, as in C).
        while (!AtEnd() && Peek() != '\n') {
          if (size_t k = ContinuationLength(); k != 0) {
            for (size_t i = 0; i < k; ++i) Advance();
          } else {
            Advance();
          }
        }
        space = true;
      } else if (c == '/' && Peek(1) == '*') {
        const SourcePos start = Pos();
        Advance();
        Advance();
        while (!AtEnd() && !(Peek() == '*' && Peek(1) == '/')) Advance();
        if (AtEnd()) diag_.Error(start, "unterminated /* comment");
        Advance();
        Advance();
        space = true;
      } else {
        return;
      }
    }
  }

  void LexToken(Token& token) {
    const char c = Peek();
    const size_t start = index_;
    if (IsIdentStart(c)) {
      while (IsIdentChar(Peek())) Advance();
      token.text = std::string(text_.substr(start, index_ - start));
      // String / character literal prefixes: u8"..", L"..", u'..', U'..', R"(..)".
      if ((Peek() == '"' || Peek() == '\'') &&
          (token.text == "u8" || token.text == "L" || token.text == "u" || token.text == "U" || token.text == "R" ||
           token.text == "u8R" || token.text == "LR" || token.text == "uR" || token.text == "UR")) {
        LexQuoted(token, start);
        return;
      }
      token.kind = TokenKind::Identifier;
      return;
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) {
      LexNumber(token, start);
      return;
    }
    if (c == '"' || c == '\'') {
      LexQuoted(token, start);
      return;
    }
    for (std::string_view p : kPunctuators) {
      if (text_.substr(index_, p.size()) == p) {
        for (size_t i = 0; i < p.size(); ++i) Advance();
        token.kind = TokenKind::Punct;
        token.text = std::string(p);
        return;
      }
    }
    const unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      char hex[8];
      static const char* digits = "0123456789abcdef";
      hex[0] = '0';
      hex[1] = 'x';
      hex[2] = digits[byte >> 4];
      hex[3] = digits[byte & 15];
      hex[4] = '\0';
      diag_.Error(token.pos, std::string("unexpected byte ") + hex + " in the source");
    }
    diag_.Error(token.pos, std::string("unexpected character '") + c + "'");
  }

  // A pp-number: digits, letters, '.', digit separators and exponent signs. The parser decides what it is.
  void LexNumber(Token& token, size_t start) {
    bool is_float = false;
    const bool hex = Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X');
    while (true) {
      const char c = Peek();
      if ((c == 'e' || c == 'E') && !hex && (Peek(1) == '+' || Peek(1) == '-')) {
        is_float = true;
        Advance();
        Advance();
      } else if ((c == 'p' || c == 'P') && hex && (Peek(1) == '+' || Peek(1) == '-')) {
        is_float = true;
        Advance();
        Advance();
      } else if (c == '.') {
        is_float = true;
        Advance();
      } else if (c == '\'' && IsIdentChar(Peek(1))) {
        Advance();  // digit separator
      } else if (IsIdentChar(c)) {
        Advance();
      } else {
        break;
      }
    }
    token.text = std::string(text_.substr(start, index_ - start));
    if (!hex && !is_float) {
      // 1e5 and 2f are floating-point spellings too.
      for (char ch : token.text) {
        if (ch == 'e' || ch == 'E') is_float = true;
      }
    }
    token.kind = is_float ? TokenKind::Float : TokenKind::Integer;
  }

  void LexQuoted(Token& token, size_t start) {
    const char quote = Peek();
    Advance();
    while (true) {
      if (AtEnd() || Peek() == '\n') {
        diag_.Error(token.pos, quote == '"' ? "unterminated string literal" : "unterminated character literal");
      }
      const char c = Peek();
      if (c == '\\') {
        Advance();
        if (AtEnd()) continue;  // reported as unterminated on the next turn
        Advance();
        continue;
      }
      Advance();
      if (c == quote) break;
    }
    token.kind = quote == '"' ? TokenKind::String : TokenKind::Char;
    token.text = std::string(text_.substr(start, index_ - start));
  }

  std::string_view text_;
  uint32_t file_;
  const Diagnostics& diag_;
  size_t index_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

// Decodes the escapes of a literal body (between the quotes).
std::string DecodeBody(std::string_view body, const Token& token, const Diagnostics& diag) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= body.size()) diag.Error(token.pos, "a literal ends with a lone backslash");
    c = body[i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        uint32_t value = 0;
        int digits = 0;
        while (i < body.size() && digits < 3 && body[i] >= '0' && body[i] <= '7') {
          value = value * 8 + static_cast<uint32_t>(body[i] - '0');
          ++i;
          ++digits;
        }
        --i;
        out += static_cast<char>(value & 0xff);
        break;
      }
      case 'x': {
        uint32_t value = 0;
        int digits = 0;
        while (i + 1 < body.size() && std::isxdigit(static_cast<unsigned char>(body[i + 1])) != 0 && digits < 2) {
          const char h = body[++i];
          value = value * 16 + static_cast<uint32_t>(IsDigit(h) ? h - '0' : (std::tolower(h) - 'a' + 10));
          ++digits;
        }
        if (digits == 0) diag.Error(token.pos, "\\x escape without hex digits");
        out += static_cast<char>(value);
        break;
      }
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\':
      case '\'':
      case '"':
      case '?': out += c; break;
      default: diag.Error(token.pos, std::string("unknown escape sequence '\\") + c + "'");
    }
  }
  return out;
}

}  // namespace

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::End: return "end of file";
    case TokenKind::Identifier: return "'" + token.text + "'";
    case TokenKind::Integer:
    case TokenKind::Float: return "number '" + token.text + "'";
    case TokenKind::String: return "string literal";
    case TokenKind::Char: return "character literal";
    case TokenKind::Punct: return "'" + token.text + "'";
  }
  return "token";
}

std::vector<Token> Lex(std::string_view text, uint32_t file, const Diagnostics& diag) {
  return Lexer(text, file, diag).Run();
}

std::string DecodeStringLiteral(const Token& token, const Diagnostics& diag) {
  std::string_view spelling = token.text;
  const size_t quote = spelling.find('"');
  if (quote == std::string_view::npos || spelling.size() < quote + 2 || spelling.back() != '"') {
    diag.Error(token.pos, "malformed string literal");
  }
  if (spelling.substr(0, quote).find('R') != std::string_view::npos) {
    diag.Error(token.pos, "unsupported: raw string literals");
  }
  return DecodeBody(spelling.substr(quote + 1, spelling.size() - quote - 2), token, diag);
}

IntegerLiteral DecodeIntegerLiteral(const Token& token, const Diagnostics& diag) {
  std::string digits;
  for (char c : token.text) {
    if (c != '\'') digits += c;
  }
  IntegerLiteral literal;
  size_t i = 0;
  uint32_t base = 10;
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    i = 2;
  } else if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B')) {
    base = 2;
    i = 2;
  } else if (digits.size() >= 2 && digits[0] == '0') {
    base = 8;
    i = 1;
  }
  literal.decimal = base == 10;
  const size_t first_digit = i;
  uint64_t value = 0;
  for (; i < digits.size(); ++i) {
    const char c = digits[i];
    uint32_t d = 0;
    if (IsDigit(c)) {
      d = static_cast<uint32_t>(c - '0');
    } else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c)) != 0) {
      d = static_cast<uint32_t>(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    } else {
      break;
    }
    if (d >= base) diag.Error(token.pos, "invalid digit '" + std::string(1, c) + "' in integer literal '" + token.text + "'");
    if (value > (UINT64_MAX - d) / base) diag.Error(token.pos, "integer literal '" + token.text + "' is too large");
    value = value * base + d;
  }
  if (i == first_digit && base != 8) diag.Error(token.pos, "integer literal '" + token.text + "' has no digits");
  std::string suffix;
  for (; i < digits.size(); ++i) suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(digits[i])));
  if (suffix == "u") {
    literal.unsigned_suffix = true;
  } else if (suffix == "l" || suffix.empty()) {
  } else if (suffix == "ul" || suffix == "lu") {
    literal.unsigned_suffix = true;
  } else if (suffix == "ll") {
    literal.long_long_suffix = true;
  } else if (suffix == "ull" || suffix == "llu") {
    literal.unsigned_suffix = true;
    literal.long_long_suffix = true;
  } else {
    diag.Error(token.pos, "invalid suffix '" + suffix + "' on integer literal '" + token.text + "'");
  }
  literal.value = value;
  return literal;
}

uint32_t DecodeCharLiteral(const Token& token, const Diagnostics& diag) {
  std::string_view spelling = token.text;
  const size_t quote = spelling.find('\'');
  if (quote == std::string_view::npos || spelling.size() < quote + 2 || spelling.back() != '\'') {
    diag.Error(token.pos, "malformed character literal");
  }
  const std::string value = DecodeBody(spelling.substr(quote + 1, spelling.size() - quote - 2), token, diag);
  if (value.size() != 1) diag.Error(token.pos, "a character literal must hold exactly one character");
  return static_cast<unsigned char>(value[0]);
}

}  // namespace tilesim::metalium
