// The preprocessor: directives, conditional inclusion and macro expansion with hide sets (Prosser's
// algorithm), over the tokens of the lexer.
#include "compiler/frontends/metalium/preprocessor.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "compiler/frontends/metalium/lexer.h"

namespace tilesim::metalium {
namespace {

constexpr size_t kMaxExpandedTokens = 1'000'000;  // a runaway macro is an error, not an out-of-memory
constexpr int kMaxExpansionDepth = 200;
constexpr int kMaxIncludeDepth = 32;

struct Macro {
  bool function_like = false;
  bool variadic = false;
  std::vector<std::string> params;  // a variadic macro's last parameter is __VA_ARGS__
  std::vector<Token> body;
};

using HideSet = const std::vector<uint32_t>*;

// Tokens still to be expanded: those a macro produced (pending), then optionally the rest of a file. A
// directive line in the file ends the stream: a macro call never reaches across one.
class TokenStream {
 public:
  TokenStream() = default;
  TokenStream(const std::vector<Token>* file, size_t* index) : file_(file), index_(index) {}

  std::deque<Token> pending;

  const Token* Peek() const {
    if (!pending.empty()) return &pending.front();
    if (file_ == nullptr) return nullptr;
    const Token& t = (*file_)[*index_];
    if (t.kind == TokenKind::End || (t.line_start && t.IsPunct("#"))) return nullptr;
    return &t;
  }
  Token Take() {
    if (!pending.empty()) {
      Token t = std::move(pending.front());
      pending.pop_front();
      return t;
    }
    return (*file_)[(*index_)++];
  }

 private:
  const std::vector<Token>* file_ = nullptr;
  size_t* index_ = nullptr;
};

struct Conditional {
  bool parent_active = true;
  bool active = false;      // the current branch is being compiled
  bool taken = false;       // some branch of this #if was taken
  bool seen_else = false;
  SourcePos pos;
};

std::string RoleMacro(KernelRole role) {
  switch (role) {
    case KernelRole::DataMovement0: return "COMPILE_FOR_BRISC";
    case KernelRole::DataMovement1: return "COMPILE_FOR_NCRISC";
    case KernelRole::Compute: return "COMPILE_FOR_TRISC";
  }
  return "COMPILE_FOR_BRISC";
}

class Preprocessor {
 public:
  Preprocessor(const PreprocessorOptions& options, Diagnostics& diag) : options_(options), diag_(diag) {}

  std::vector<Token> Run(const std::string& text) {
    DefinePredefined();
    for (const auto& [name, value] : options_.defines) DefineFromCommandLine(name, value);
    std::vector<Token> tokens = Lex(text, 0, diag_);
    ProcessFile(tokens, 0);
    Token end;
    end.kind = TokenKind::End;
    end.pos = tokens.back().pos;
    out_.push_back(end);
    return std::move(out_);
  }

 private:
  bool Active() const { return conditionals_.empty() || conditionals_.back().active; }

  void Define(const std::string& text) {
    std::vector<Token> line = Lex(text, 0, diag_);
    line.pop_back();  // End
    for (Token& t : line) t.pos = SourcePos{0, 0, 0};
    DefineFromLine(line, SourcePos{0, 0, 0});
  }

  void DefinePredefined() {
    const bool compute = options_.role == KernelRole::Compute;
    const bool dm0 = options_.role == KernelRole::DataMovement0;
    const bool dm1 = options_.role == KernelRole::DataMovement1;
    Define("KERNEL_BUILD 1");
    Define("TILESIM_METALIUM 1");
    Define("ARCH_WORMHOLE 1");
    Define(RoleMacro(options_.role) + " 1");
    Define("FORCE_INLINE inline __attribute__((always_inline))");
    Define("ALWI inline __attribute__((always_inline))");
    Define("tt_l1_ptr");
    Define("tt_reg_ptr");
    Define("MAIN kernel_main()");
    // The per-RISC print wrappers take either a DPRINT << ... chain or the 2026 format form ("fmt {}", args):
    // __tilesim_print_wrapped handles both (builtins_print.cpp). On other RISCs they vanish, arguments and all.
    auto wrapper = [this](const std::string& name, bool active) {
      Define(name + "(...) " + (active ? "__tilesim_print_wrapped(__VA_ARGS__)" : ""));
    };
    wrapper("DPRINT_DATA0", dm0);
    wrapper("DPRINT_DATA1", dm1);
    wrapper("DEVICE_PRINT_DATA0", dm0);
    wrapper("DEVICE_PRINT_DATA1", dm1);
    for (const char* name : {"DPRINT_MATH", "DPRINT_PACK", "DPRINT_UNPACK", "DEVICE_PRINT_MATH", "DEVICE_PRINT_PACK",
                             "DEVICE_PRINT_UNPACK"}) {
      wrapper(name, compute);
    }
    for (const char* name : {"MATH", "PACK", "UNPACK"}) Define(std::string(name) + "(x) " + (compute ? "x" : ""));
    for (const char* name : {"ASSERT", "WAYPOINT", "DEBUG_STATUS", "DeviceZoneScopedN", "DeviceZoneScopedMainN",
                             "DeviceZoneScopedMainChildN", "DeviceZoneScopedSumN1", "DeviceZoneScopedSumN2",
                             "DeviceTimestampedData", "DeviceRecordEvent", "DEBUG_SANITIZE_NOC_ADDR",
                             "LLK_SAN_FUNCTION", "RECORD_NOC_EVENT", "RECORD_NOC_EVENT_WITH_ADDR",
                             "RECORD_NOC_EVENT_WITH_ID"}) {
      Define(std::string(name) + "(...)");
    }
  }

  void DefineFromCommandLine(const std::string& name, const std::string& value) {
    const size_t paren = name.find('(');
    const std::string bare = name.substr(0, paren);
    bool valid = !bare.empty() && (std::isalpha(static_cast<unsigned char>(bare[0])) != 0 || bare[0] == '_');
    for (char c : bare) valid = valid && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_');
    if (!valid) diag_.Error(SourcePos{0, 0, 0}, "invalid macro name '" + name + "' in the defines");
    Define(name + " " + value);
  }

  // `line` starts with the macro name (after "#define").
  void DefineFromLine(const std::vector<Token>& line, const SourcePos& directive) {
    if (line.empty() || line[0].kind != TokenKind::Identifier) diag_.Error(directive, "#define needs a macro name");
    const std::string& name = line[0].text;
    if (name == "defined") diag_.Error(line[0].pos, "'defined' cannot be defined as a macro");
    Macro macro;
    size_t i = 1;
    if (i < line.size() && line[i].IsPunct("(") && !line[i].space_before) {
      macro.function_like = true;
      ++i;
      bool closed = false;
      if (i < line.size() && line[i].IsPunct(")")) {
        ++i;
        closed = true;
      }
      while (!closed && i < line.size()) {
        ParseParam(line[i++], macro, name);
        if (i >= line.size()) break;
        if (line[i].IsPunct(")")) {
          ++i;
          closed = true;
        } else if (line[i].IsPunct(",")) {
          ++i;
        } else {
          diag_.Error(line[i].pos, "expected ',' or ')' in the parameters of macro '" + name + "'");
        }
      }
      if (!closed) diag_.Error(line[0].pos, "unterminated parameter list of macro '" + name + "'");
    }
    macro.body.assign(line.begin() + static_cast<std::ptrdiff_t>(i), line.end());
    macros_[name] = std::move(macro);
  }

  void ParseParam(const Token& t, Macro& macro, const std::string& name) {
    if (macro.variadic) diag_.Error(t.pos, "'...' must be the last parameter of macro '" + name + "'");
    if (t.IsPunct("...")) {
      macro.variadic = true;
      macro.params.push_back("__VA_ARGS__");
      return;
    }
    if (t.kind != TokenKind::Identifier) diag_.Error(t.pos, "expected a parameter name in macro '" + name + "'");
    macro.params.push_back(t.text);
  }

  void ProcessFile(const std::vector<Token>& tokens, uint32_t file) {
    const size_t depth_at_entry = conditionals_.size();
    size_t i = 0;
    while (tokens[i].kind != TokenKind::End) {
      const Token& t = tokens[i];
      if (t.line_start && t.IsPunct("#")) {
        const SourcePos hash = t.pos;
        std::vector<Token> line;
        ++i;
        while (tokens[i].kind != TokenKind::End && !tokens[i].line_start) line.push_back(tokens[i++]);
        Directive(line, hash, file);
        continue;
      }
      if (!Active()) {
        ++i;
        continue;
      }
      TokenStream stream(&tokens, &i);
      do {
        Token token = stream.Take();
        if (!TryExpand(token, stream, 0)) Emit(std::move(token));
      } while (!stream.pending.empty());
    }
    if (conditionals_.size() > depth_at_entry) {
      diag_.Error(conditionals_.back().pos, "unterminated conditional directive (no #endif)");
    }
  }

  void Emit(Token token) {
    token.line_start = false;
    out_.push_back(std::move(token));
  }

  void Directive(std::vector<Token>& line, const SourcePos& hash, uint32_t file) {
    if (line.empty()) return;  // the null directive
    const Token name = line[0];
    line.erase(line.begin());
    const std::string& d = name.text;
    if (d == "if" || d == "ifdef" || d == "ifndef") {
      Conditional c;
      c.parent_active = Active();
      c.pos = hash;
      if (c.parent_active) c.active = EvaluateCondition(d, line, hash);
      c.taken = c.active;
      conditionals_.push_back(c);
      return;
    }
    if (d == "elif" || d == "elifdef" || d == "elifndef" || d == "else" || d == "endif") {
      if (conditionals_.empty()) diag_.Error(hash, "#" + d + " without #if");
      Conditional& c = conditionals_.back();
      if (d == "endif") {
        conditionals_.pop_back();
        return;
      }
      if (c.seen_else) diag_.Error(hash, "#" + d + " after #else");
      if (d == "else") {
        c.seen_else = true;
        c.active = c.parent_active && !c.taken;
      } else {
        const std::string kind = d == "elif" ? "if" : d == "elifdef" ? "ifdef" : "ifndef";
        c.active = c.parent_active && !c.taken && EvaluateCondition(kind, line, hash);
      }
      c.taken = c.taken || c.active;
      return;
    }
    if (!Active()) return;  // other directives in skipped code are not even checked
    if (d == "define") {
      DefineFromLine(line, hash);
    } else if (d == "undef") {
      if (line.empty() || line[0].kind != TokenKind::Identifier) diag_.Error(hash, "#undef needs a macro name");
      macros_.erase(line[0].text);
    } else if (d == "include" || d == "include_next") {
      Include(line, hash, file);
    } else if (d == "pragma") {
      if (!line.empty() && line[0].IsIdent("once")) pragma_once_.insert(Canonical(diag_.file(file)));
    } else if (d == "error") {
      std::string message;
      for (const Token& t : line) message += (message.empty() ? "" : " ") + t.text;
      diag_.Error(hash, "#error " + message);
    } else if (d == "warning" || d == "line" || d == "ident") {
      // Nothing to do: warnings are not errors, line markers do not move our positions.
    } else {
      diag_.Error(name.pos, "unknown preprocessor directive '#" + d + "'");
    }
  }

  bool EvaluateCondition(const std::string& kind, const std::vector<Token>& line, const SourcePos& hash) {
    if (kind == "ifdef" || kind == "ifndef") {
      if (line.empty() || line[0].kind != TokenKind::Identifier) diag_.Error(hash, "#" + kind + " needs a macro name");
      const bool defined = macros_.count(line[0].text) != 0;
      return kind == "ifdef" ? defined : !defined;
    }
    if (line.empty()) diag_.Error(hash, "#if with no expression");
    // `defined X` and __has_include(...) are replaced before macro expansion.
    std::vector<Token> replaced;
    for (size_t i = 0; i < line.size(); ++i) {
      const Token& t = line[i];
      if (t.IsIdent("defined") || t.IsIdent("__has_include")) {
        const bool has_include = t.text == "__has_include";
        size_t j = i + 1;
        const bool paren = j < line.size() && line[j].IsPunct("(");
        if (paren) ++j;
        bool value = false;
        if (has_include) {
          std::string header;
          bool angled = false;
          if (j < line.size() && line[j].kind == TokenKind::String) {
            header = DecodeStringLiteral(line[j++], diag_);
          } else if (j < line.size() && line[j].IsPunct("<")) {
            angled = true;
            for (++j; j < line.size() && !line[j].IsPunct(">"); ++j) header += line[j].text;
            ++j;
          } else {
            diag_.Error(t.pos, "__has_include needs a header name");
          }
          value = IsKnownKernelHeader(header, angled);
        } else {
          if (j >= line.size() || line[j].kind != TokenKind::Identifier) diag_.Error(t.pos, "'defined' needs a macro name");
          value = macros_.count(line[j++].text) != 0;
        }
        if (paren) {
          if (j >= line.size() || !line[j].IsPunct(")")) diag_.Error(t.pos, "missing ')' after '" + t.text + "'");
          ++j;
        }
        Token number = t;
        number.kind = TokenKind::Integer;
        number.text = value ? "1" : "0";
        replaced.push_back(number);
        i = j - 1;
        continue;
      }
      replaced.push_back(t);
    }
    return EvaluateIfExpression(ExpandList(std::move(replaced), 0), hash, diag_) != 0;
  }

  static std::string Canonical(const std::string& path) {
    std::error_code ec;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : canonical.string();
  }

  void Include(const std::vector<Token>& line, const SourcePos& hash, uint32_t file) {
    std::string header;
    bool angled = false;
    if (!line.empty() && line[0].kind == TokenKind::String) {
      header = DecodeStringLiteral(line[0], diag_);
    } else if (!line.empty() && line[0].IsPunct("<")) {
      angled = true;
      size_t i = 1;
      for (; i < line.size() && !line[i].IsPunct(">"); ++i) header += line[i].text;
      if (i == line.size()) diag_.Error(hash, "#include <...> without '>'");
    } else {
      diag_.Error(hash, "#include expects \"FILE\" or <FILE>");
    }
    if (IsKnownKernelHeader(header, angled)) return;
    const std::string spelled = angled ? "<" + header + ">" : "\"" + header + "\"";
    std::filesystem::path local = std::filesystem::path(diag_.file(file)).parent_path() / header;
    std::error_code ec;
    if (angled || header.empty() || !std::filesystem::is_regular_file(local, ec)) {
      diag_.Error(hash, "unknown include " + spelled +
                            ": not a tt-metal kernel API header the front end knows, nor a file next to " +
                            diag_.file(file));
    }
    const std::string path = local.lexically_normal().string();
    if (pragma_once_.count(Canonical(path)) != 0) return;
    if (include_depth_ >= kMaxIncludeDepth) diag_.Error(hash, "#include nested too deeply (include cycle?)");
    std::ifstream in(local, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in) diag_.Error(hash, "cannot read included file '" + path + "'");
    const uint32_t index = diag_.AddFile(path);
    const std::vector<Token> tokens = Lex(buffer.str(), index, diag_);
    ++include_depth_;
    ProcessFile(tokens, index);
    --include_depth_;
  }

  // ---- Macro expansion ----

  std::vector<Token> ExpandList(std::vector<Token> list, int depth) {
    TokenStream stream;
    stream.pending.assign(std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
    std::vector<Token> result;
    while (!stream.pending.empty()) {
      Token t = stream.Take();
      if (!TryExpand(t, stream, depth)) result.push_back(std::move(t));
    }
    return result;
  }

  // If `token` names a macro that may expand here, pushes its replacement in front of `stream`.
  bool TryExpand(const Token& token, TokenStream& stream, int depth) {
    if (token.kind != TokenKind::Identifier) return false;
    auto it = macros_.find(token.text);
    if (it == macros_.end() || Hidden(token)) return false;
    if (depth > kMaxExpansionDepth) diag_.Error(token.pos, "macro expansion nested too deeply");
    const Macro macro = it->second;  // a copy: the table may not change under us
    std::vector<std::vector<Token>> args;
    const uint32_t id = MacroId(token.text);
    HideSet hide = Union(token.hide_set, nullptr, id);
    if (macro.function_like) {
      const Token* next = stream.Peek();
      if (next == nullptr || !next->IsPunct("(")) return false;
      stream.Take();
      args = CollectArguments(token, macro, stream);
    }
    std::vector<Token> result = Substitute(token, macro, args, hide, id, depth);
    expanded_ += result.size();
    if (expanded_ > kMaxExpandedTokens) diag_.Error(token.pos, "macro expansion produces too many tokens");
    for (auto r = result.rbegin(); r != result.rend(); ++r) stream.pending.push_front(std::move(*r));
    return true;
  }

  std::vector<std::vector<Token>> CollectArguments(const Token& call, const Macro& macro, TokenStream& stream) {
    std::vector<std::vector<Token>> args(1);
    int depth = 0;
    while (true) {
      if (stream.Peek() == nullptr) diag_.Error(call.pos, "unterminated call of macro '" + call.text + "'");
      Token t = stream.Take();
      if (t.IsPunct("(")) ++depth;
      if (t.IsPunct(")")) {
        if (depth == 0) break;
        --depth;
      }
      if (t.IsPunct(",") && depth == 0 && !(macro.variadic && args.size() == macro.params.size())) {
        args.emplace_back();
        continue;
      }
      args.back().push_back(std::move(t));
    }
    if (macro.params.empty() && args.size() == 1 && args[0].empty()) args.clear();
    if (macro.variadic && args.size() + 1 == macro.params.size()) args.emplace_back();  // empty __VA_ARGS__
    if (args.size() != macro.params.size()) {
      diag_.Error(call.pos, "macro '" + call.text + "' takes " + std::to_string(macro.params.size()) +
                                " argument" + (macro.params.size() == 1 ? "" : "s") + ", " +
                                std::to_string(args.size()) + " given");
    }
    return args;
  }

  int ParamIndex(const Macro& macro, const Token& t) const {
    if (!macro.function_like || t.kind != TokenKind::Identifier) return -1;
    for (size_t i = 0; i < macro.params.size(); ++i) {
      if (macro.params[i] == t.text) return static_cast<int>(i);
    }
    return -1;
  }

  std::vector<Token> Substitute(const Token& call, const Macro& macro, const std::vector<std::vector<Token>>& args,
                                HideSet hide, uint32_t id, int depth) {
    std::vector<Token> result;
    const std::vector<Token>& body = macro.body;
    for (size_t j = 0; j < body.size(); ++j) {
      const Token& b = body[j];
      if (b.IsPunct("#") && macro.function_like && j + 1 < body.size() && ParamIndex(macro, body[j + 1]) >= 0) {
        result.push_back(Stringize(args[static_cast<size_t>(ParamIndex(macro, body[j + 1]))], call));
        ++j;
        continue;
      }
      if (b.IsPunct("##")) {
        if (result.empty() || j + 1 >= body.size()) diag_.Error(call.pos, "'##' at the edge of macro '" + call.text + "'");
        const Token& rhs_token = body[++j];
        const int p = ParamIndex(macro, rhs_token);
        std::vector<Token> rhs = p >= 0 ? args[static_cast<size_t>(p)] : std::vector<Token>{rhs_token};
        if (!rhs.empty()) {
          Token pasted = Paste(result.back(), rhs.front(), call);
          result.back() = pasted;
          result.insert(result.end(), rhs.begin() + 1, rhs.end());
        }
        continue;
      }
      const int p = ParamIndex(macro, b);
      if (p >= 0) {
        const bool next_is_paste = j + 1 < body.size() && body[j + 1].IsPunct("##");
        const std::vector<Token>& arg = args[static_cast<size_t>(p)];
        std::vector<Token> expanded = next_is_paste ? arg : ExpandList(arg, depth + 1);
        if (!expanded.empty()) expanded.front().space_before = b.space_before;
        result.insert(result.end(), expanded.begin(), expanded.end());
        continue;
      }
      result.push_back(b);
    }
    // Every token of the expansion gets the call's hide set plus this macro (argument tokens keep theirs too).
    for (size_t k = 0; k < result.size(); ++k) {
      Token& t = result[k];
      t.pos = call.pos;
      t.line_start = false;
      t.hide_set = t.hide_set == nullptr ? hide : Union(t.hide_set, hide, id);
      if (k == 0) t.space_before = call.space_before;
    }
    return result;
  }

  Token Stringize(const std::vector<Token>& arg, const Token& call) const {
    std::string text = "\"";
    for (size_t i = 0; i < arg.size(); ++i) {
      if (i > 0 && arg[i].space_before) text += ' ';
      for (char c : arg[i].text) {
        if ((arg[i].kind == TokenKind::String || arg[i].kind == TokenKind::Char) && (c == '"' || c == '\\')) text += '\\';
        text += c;
      }
    }
    text += '"';
    Token t = call;
    t.kind = TokenKind::String;
    t.text = text;
    return t;
  }

  Token Paste(const Token& a, const Token& b, const Token& call) const {
    const std::string text = a.text + b.text;
    std::vector<Token> lexed;
    try {
      lexed = Lex(text, call.pos.file, diag_);
    } catch (const std::exception&) {
      lexed.clear();
    }
    if (lexed.size() != 2) {
      diag_.Error(call.pos, "pasting '" + a.text + "' and '" + b.text + "' in macro '" + call.text +
                                "' does not give a valid token");
    }
    Token t = lexed[0];
    t.pos = call.pos;
    return t;
  }

  // ---- Hide sets: interned sorted vectors of macro ids, so that equal sets are one object ----

  uint32_t MacroId(const std::string& name) {
    auto [it, inserted] = macro_ids_.try_emplace(name, static_cast<uint32_t>(macro_ids_.size()));
    return it->second;
  }

  bool Hidden(const Token& token) {
    if (token.hide_set == nullptr) return false;
    auto it = macro_ids_.find(token.text);
    return it != macro_ids_.end() && std::binary_search(token.hide_set->begin(), token.hide_set->end(), it->second);
  }

  // a | b | {name}, interned and memoised.
  HideSet Union(HideSet a, HideSet b, uint32_t name) {
    const auto key = std::make_tuple(a, b, name);
    if (auto it = unions_.find(key); it != unions_.end()) return it->second;
    std::vector<uint32_t> ids;
    if (a != nullptr) ids.insert(ids.end(), a->begin(), a->end());
    if (b != nullptr) ids.insert(ids.end(), b->begin(), b->end());
    ids.push_back(name);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    HideSet set = &*hide_sets_.insert(std::move(ids)).first;
    unions_.emplace(key, set);
    return set;
  }

  PreprocessorOptions options_;
  Diagnostics& diag_;
  std::map<std::string, uint32_t> macro_ids_;
  std::set<std::vector<uint32_t>> hide_sets_;  // node-based: element addresses are stable
  std::map<std::tuple<HideSet, HideSet, uint32_t>, HideSet> unions_;
  std::map<std::string, Macro> macros_;
  std::vector<Conditional> conditionals_;
  std::set<std::string> pragma_once_;
  std::vector<Token> out_;
  int include_depth_ = 0;
  size_t expanded_ = 0;
};

}  // namespace

std::vector<Token> Preprocess(const std::string& text, const PreprocessorOptions& options, Diagnostics& diag) {
  return Preprocessor(options, diag).Run(text);
}

}  // namespace tilesim::metalium
