// Debug printing, in both of tt-metal's spellings:
//  - the stream: DPRINT << a << b << ENDL(), the chain of '<<' whose leftmost operand is DPRINT;
//  - the 2026 format form: DPRINT("core ({},{})\n", x, y) and DEVICE_PRINT(...), with {} placeholders.
// Both lower to the dprint_* intrinsics: strings print as text (a "\n" inside one ends the line, as on the
// device), integers by their type, ENDL() ends the line. DEC() / {:d} are accepted; other manipulators and
// format specs change formatting the emulator's DPRINT does not do, and floating-point values and tile
// slices do not exist here: those are reported.
#include <algorithm>
#include <map>

#include "compiler/frontends/metalium/builtins.h"
#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {
namespace {

bool IsUnsupportedPrintable(const std::string& name) {
  return name == "F32" || name == "BF16" || name == "TSLICE" || name == "TileSlice" || name == "SliceRange";
}

}  // namespace

void Lowerer::PrintText(const std::string& text, const SourcePos& at) {
  size_t start = 0;
  while (start <= text.size()) {
    const size_t newline = text.find('\n', start);
    const std::string piece = text.substr(start, newline == std::string::npos ? std::string::npos : newline - start);
    if (!piece.empty()) EmitCall(bc::Intrinsic::dprint_str, {Const(AddString(piece), kir::Type::U32, at)}, at);
    if (newline == std::string::npos) break;
    EmitCall(bc::Intrinsic::dprint_endl, {}, at);
    start = newline + 1;
  }
}

void Lowerer::PrintValue(const Value& v, const SourcePos& at) {
  switch (v.kind) {
    case Value::Kind::Scalar: {
      const kir::Type type = v.expr.type();
      if (v.is_char_literal) {
        PrintText(std::string(1, static_cast<char>(*ConstantValue(v.expr))), at);
      } else if (type == kir::Type::U64) {
        EmitCall(bc::Intrinsic::dprint_u64, {v.expr}, at);
      } else if (type == kir::Type::I32) {
        EmitCall(bc::Intrinsic::dprint_i32, {kir::MakeCast(kir::Type::U32, v.expr, Loc(at))}, at);
      } else {
        EmitCall(bc::Intrinsic::dprint_u32, {ToU32(v, at)}, at);
      }
      return;
    }
    case Value::Kind::Pointer: EmitCall(bc::Intrinsic::dprint_u32, {v.expr}, at); return;
    case Value::Kind::String: PrintText(v.text, at); return;
    default: Error(at, "DPRINT cannot print " + v.Describe());
  }
}

bool Lowerer::IsDprintChain(const ast::Expr& expr) const {
  const ast::Expr* e = &expr;
  while (e->kind == ast::ExprKind::Binary && e->op == "<<") e = e->operands[0].get();
  return e->kind == ast::ExprKind::Name && e->name.last() == "DPRINT" && Lookup(e->name) == nullptr;
}

void Lowerer::LowerDprint(const ast::Expr& expr) {
  std::vector<const ast::Expr*> parts;
  const ast::Expr* e = &expr;
  while (e->kind == ast::ExprKind::Binary && e->op == "<<") {
    parts.push_back(e->operands[1].get());
    e = e->operands[0].get();
  }
  std::reverse(parts.begin(), parts.end());
  for (const ast::Expr* part : parts) {
    const SourcePos& at = part->pos;
    if (part->kind == ast::ExprKind::Call && part->operands[0]->kind == ast::ExprKind::Name &&
        Lookup(part->operands[0]->name) == nullptr) {
      const std::string name = part->operands[0]->name.last();
      if (name == "ENDL") {
        if (part->operands.size() != 1) Error(at, "ENDL() takes no arguments");
        EmitCall(bc::Intrinsic::dprint_endl, {}, at);
        continue;
      }
      if (name == "DEC") continue;
      if (name == "HEX" || name == "OCT" || name == "BIN" || name == "SETW" || name == "SETPRECISION" ||
          name == "FIXED" || name == "DEFAULTFLOAT" || name == "RAISE" || name == "WAIT") {
        Error(at, "unsupported: DPRINT manipulator " + name + "() (integers print in decimal)");
      }
      if (IsUnsupportedPrintable(name)) {
        Error(at, "unsupported: DPRINT << " + name + "(...) (floating-point values and tile slices are not printed)");
      }
      // DPRINT's integer wrappers: U32(x) prints x as a uint32_t, and so on.
      static const std::map<std::string, CType> kWrappers = {{"U8", CType::U8},   {"U16", CType::U16}, {"U32", CType::U32},
                                                             {"U64", CType::U64}, {"I8", CType::I8},   {"I16", CType::I16},
                                                             {"I32", CType::I32}};
      if (auto it = kWrappers.find(name); it != kWrappers.end()) {
        if (part->operands.size() != 2) Error(at, name + "(...) takes one value");
        const CType type = it->second;
        const kir::Expr converted = Convert(LowerExpr(*part->operands[1]), type, at);
        // Narrow types are held promoted: print their value with the signedness of the wrapper.
        const bool is_signed = type == CType::I8 || type == CType::I16 || type == CType::I32;
        PrintValue(Value::Scalar(converted, is_signed ? CType::I32 : type), at);
        continue;
      }
    }
    if (part->kind == ast::ExprKind::StringLiteral) {
      PrintText(part->text, at);
      continue;
    }
    PrintValue(LowerExpr(*part), at);
  }
}

namespace {

// DPRINT(format, args...): the format's text, each {} replaced by the next argument.
Value FormatPrint(BuiltinCall& c) {
  Lowerer& l = *c.lowerer;
  if (c.count() == 0 || c.args[0]->kind != ast::ExprKind::StringLiteral) {
    l.Error(c.pos, "'" + c.name + "' takes a format string literal and its arguments");
  }
  const std::string& format = c.args[0]->text;
  const SourcePos& at = c.args[0]->pos;
  std::string text;
  size_t next_arg = 1;
  for (size_t i = 0; i < format.size(); ++i) {
    const char ch = format[i];
    if ((ch == '{' || ch == '}') && i + 1 < format.size() && format[i + 1] == ch) {
      text += ch;
      ++i;
      continue;
    }
    if (ch == '}') l.Error(at, "unmatched '}' in the format of '" + c.name + "'");
    if (ch != '{') {
      text += ch;
      continue;
    }
    const size_t close = format.find('}', i);
    if (close == std::string::npos) l.Error(at, "unterminated {} in the format of '" + c.name + "'");
    const std::string spec = format.substr(i + 1, close - i - 1);
    if (!spec.empty() && spec != ":d") {
      l.Error(at, "unsupported: format spec {" + spec + "} in '" + c.name + "' (integers print in decimal)");
    }
    if (next_arg >= c.count()) l.Error(at, "the format of '" + c.name + "' has more {} than arguments");
    l.PrintText(text, at);
    text.clear();
    const ast::Expr& arg = *c.args[next_arg];
    if (arg.kind == ast::ExprKind::Call && arg.operands[0]->kind == ast::ExprKind::Name &&
        IsUnsupportedPrintable(arg.operands[0]->name.last())) {
      l.Error(arg.pos, "unsupported: printing " + arg.operands[0]->name.last() +
                           "(...) (floating-point values and tile slices are not printed)");
    }
    if (arg.kind == ast::ExprKind::StringLiteral) {
      l.PrintText(arg.text, arg.pos);
    } else {
      l.PrintValue(c.Arg(next_arg), arg.pos);
    }
    ++next_arg;
    i = close;
  }
  if (next_arg != c.count()) l.Error(c.pos, "'" + c.name + "' has more arguments than {} in its format");
  l.PrintText(text, at);
  return Value{};
}

}  // namespace

void AddPrintBuiltins(std::map<std::string, BuiltinHandler>& t) {
  t["DPRINT"] = FormatPrint;
  t["DEVICE_PRINT"] = FormatPrint;
  // A per-RISC wrapper's argument: a DPRINT << chain (evaluated for its output) or a format and its arguments.
  t["__tilesim_print_wrapped"] = [](BuiltinCall& c) {
    if (c.count() == 1 && c.args[0]->kind != ast::ExprKind::StringLiteral) {
      c.lowerer->LowerExpr(*c.args[0]);
      return Value{};
    }
    return FormatPrint(c);
  };
}

}  // namespace tilesim::metalium
