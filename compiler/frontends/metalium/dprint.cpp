// DPRINT << a << b << ENDL(): the chain of '<<' whose leftmost operand is DPRINT, lowered to the dprint_*
// intrinsics. Strings print as text (a "\n" inside one ends the line, as on the device), integers by
// their type, ENDL() ends the line. DEC() is accepted; the other manipulators change formatting the
// emulator's DPRINT does not do, and floating-point values do not exist here: both are reported.
#include <algorithm>

#include "compiler/frontends/metalium/builtins.h"
#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {

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
  const SourcePos& pos = expr.pos;
  auto print_text = [&](const std::string& text, const SourcePos& at) {
    size_t start = 0;
    while (start <= text.size()) {
      const size_t newline = text.find('\n', start);
      const std::string piece = text.substr(start, newline == std::string::npos ? std::string::npos : newline - start);
      if (!piece.empty()) {
        EmitCall(bc::Intrinsic::dprint_str, {Const(AddString(piece), kir::Type::U32, at)}, at);
      }
      if (newline == std::string::npos) break;
      EmitCall(bc::Intrinsic::dprint_endl, {}, at);
      start = newline + 1;
    }
  };
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
      if (name == "HEX" || name == "OCT" || name == "SETW" || name == "SETPRECISION" || name == "FIXED" ||
          name == "DEFAULTFLOAT" || name == "RAISE" || name == "WAIT") {
        Error(at, "unsupported: DPRINT manipulator " + name + "() (integers print in decimal)");
      }
      if (name == "F32" || name == "BF16" || name == "TSLICE" || name == "TileSlice" || name == "SliceRange") {
        Error(at, "unsupported: DPRINT << " + name + "(...) (floating-point values and tile slices are not printed)");
      }
    }
    if (part->kind == ast::ExprKind::StringLiteral) {
      print_text(part->text, at);
      continue;
    }
    if (part->kind == ast::ExprKind::CharLiteral) {
      print_text(std::string(1, static_cast<char>(part->int_value)), at);
      continue;
    }
    const Value v = LowerExpr(*part);
    switch (v.kind) {
      case Value::Kind::Scalar: {
        const kir::Type type = v.expr.type();
        if (type == kir::Type::U64) {
          EmitCall(bc::Intrinsic::dprint_u64, {v.expr}, at);
        } else if (type == kir::Type::I32) {
          EmitCall(bc::Intrinsic::dprint_i32, {kir::MakeCast(kir::Type::U32, v.expr, Loc(at))}, at);
        } else {
          EmitCall(bc::Intrinsic::dprint_u32, {ToU32(v, at)}, at);
        }
        break;
      }
      case Value::Kind::Pointer: EmitCall(bc::Intrinsic::dprint_u32, {v.expr}, at); break;
      case Value::Kind::String: print_text(v.text, at); break;
      default: Error(at, "DPRINT cannot print " + v.Describe());
    }
  }
  (void)pos;
}

}  // namespace tilesim::metalium
