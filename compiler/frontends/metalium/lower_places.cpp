// Lowering of places: what can be assigned (variables, L1 through pointers, array elements chosen at run
// time) and how they are read and written. L1 is addressed in 32-bit words: 8- and 16-bit elements are
// read by shifting and masking their word and written by read-modify-write, 64-bit ones as two words.
#include "compiler/frontends/metalium/lowering.h"

namespace tilesim::metalium {

LValue Lowerer::LowerLValue(const ast::Expr& expr) {
  const SourcePos& pos = expr.pos;
  LValue place;
  place.pos = pos;
  switch (expr.kind) {
    case ast::ExprKind::Name: {
      EntityPtr entity = Lookup(expr.name);
      if (entity == nullptr) {
        LowerName(expr);  // reports what the name is
        Error(pos, "'" + expr.name.str() + "' is not assignable");
      }
      place.name = expr.name.str();
      if (entity->kind == Entity::Kind::Memory) {
        place.kind = LValue::Kind::Memory;
        place.address = entity->value.expr;
        place.ctype = entity->ctype;
        return place;
      }
      place.kind = LValue::Kind::Entity;
      place.entity = entity;
      return place;
    }
    case ast::ExprKind::Unary:
      if (expr.op == "*") {
        const Value ptr = LowerExpr(*expr.operands[0]);
        if (ptr.kind != Value::Kind::Pointer) {
          Error(pos, "cannot dereference " + ptr.Describe() + " (cast the address to a pointer first)");
        }
        if (ptr.ctype == CType::Void) Error(pos, "dereferencing a null pointer");
        place.kind = LValue::Kind::Memory;
        place.address = ptr.expr;
        place.ctype = ptr.ctype;
        place.name = "*pointer";
        return place;
      }
      break;
    case ast::ExprKind::Subscript: {
      const ast::Expr& base_expr = *expr.operands[0];
      // Arrays: find the storage without reading it.
      Value base = LowerExpr(base_expr);
      const size_t mark = blocks_.back().size();
      const Value index = LowerExpr(*expr.operands[1]);
      if (base.kind == Value::Kind::Pointer) {
        MaterializeIfNeeded(base, mark, pos);
        if (base.ctype == CType::Void) Error(pos, "indexing a null pointer");
        if (index.kind != Value::Kind::Scalar) Error(pos, "an index must be an integer, not " + index.Describe());
        const kir::Expr bytes = kir::MakeBinary(kir::BinaryOp::Mul, Convert(index, CType::U32, pos),
                                                Const(SizeOf(base.ctype), kir::Type::U32, pos), Loc(pos));
        place.kind = LValue::Kind::Memory;
        place.address = Fold(kir::MakeBinary(kir::BinaryOp::Add, base.expr, bytes, Loc(pos)));
        place.ctype = base.ctype;
        place.name = "pointer[]";
        return place;
      }
      if (base.kind == Value::Kind::Aggregate && base.aggregate->kind == Entity::Kind::Array) {
        const EntityPtr& array = base.aggregate;
        const kir::Expr i = Convert(index, CType::I32, pos);
        place.name = array->name + "[]";
        if (std::optional<uint64_t> known = ConstantValue(i)) {
          const int64_t k = static_cast<int32_t>(static_cast<uint32_t>(*known));
          if (k < 0 || static_cast<uint64_t>(k) >= array->elements.size()) {
            Error(pos, "index " + std::to_string(k) + " is out of the bounds of array '" + array->name + "' (" +
                           std::to_string(array->elements.size()) + " elements)");
          }
          const EntityPtr& element = array->elements[static_cast<size_t>(k)];
          place.kind = LValue::Kind::Entity;
          place.entity = element;
          place.name = element->name;
          return place;
        }
        for (const EntityPtr& element : array->elements) {
          if (element->kind != Entity::Kind::Var) {
            Error(pos, "unsupported: indexing array '" + array->name + "' of arrays or structs with a run-time index");
          }
        }
        place.kind = LValue::Kind::Dynamic;
        place.candidates = array->elements;
        place.index = Snapshot("index", i, pos);
        place.ctype = array->elements.front()->ctype;
        return place;
      }
      Error(pos, "cannot index " + base.Describe());
    }
    case ast::ExprKind::Member: {
      if (expr.arrow) Error(pos, "unsupported: '->' (pointers address integers in L1, not structs)");
      const Value base = LowerExpr(*expr.operands[0]);
      if (base.kind == Value::Kind::Aggregate && base.aggregate->kind == Entity::Kind::Struct) {
        const EntityPtr& s = base.aggregate;
        for (size_t i = 0; i < s->field_names.size(); ++i) {
          if (s->field_names[i] != expr.text) continue;
          place.kind = LValue::Kind::Entity;
          place.entity = s->elements[i];
          place.name = s->name + "." + expr.text;
          if (s->is_const) Error(pos, "cannot modify member '" + expr.text + "' of const '" + s->name + "'");
          return place;
        }
        Error(pos, "struct '" + s->struct_decl->name + "' has no member '" + expr.text + "'");
      }
      if (base.kind == Value::Kind::Object) {
        Error(pos, "unsupported: assigning to member '" + expr.text + "' of " + base.Describe() +
                       " (kernel API objects are fixed when made)");
      }
      Error(pos, "member access '." + expr.text + "' on " + base.Describe());
    }
    default: break;
  }
  Error(pos, "this expression is not assignable");
}

Value Lowerer::Load(const LValue& place) {
  const SourcePos& pos = place.pos;
  const kir::SourceLocation loc = Loc(pos);
  switch (place.kind) {
    case LValue::Kind::Entity: return ReadEntity(place.entity, pos);
    case LValue::Kind::Dynamic: {
      Value result = ReadEntity(place.candidates.front(), pos);
      for (size_t i = 1; i < place.candidates.size(); ++i) {
        const Value v = ReadEntity(place.candidates[i], pos);
        const kir::Expr is_i = kir::MakeBinary(kir::BinaryOp::Eq, place.index, Const(i, kir::Type::I32, pos), loc);
        result.expr = kir::MakeSelect(is_i, v.expr, result.expr, loc);
      }
      return result;
    }
    case LValue::Kind::Memory: break;
  }
  const CType ctype = place.ctype;
  if (ctype == CType::U32 || ctype == CType::I32) {
    const kir::Expr word = kir::MakeLoad(place.address, loc);
    return Value::Scalar(ctype == CType::I32 ? kir::MakeCast(kir::Type::I32, word, loc) : word, ctype);
  }
  if (ctype == CType::U64) {
    const kir::Expr address = Snapshot("address", place.address, pos);
    const kir::Expr lo = kir::MakeCast(kir::Type::U64, kir::MakeLoad(address, loc), loc);
    const kir::Expr hi = kir::MakeCast(
        kir::Type::U64, kir::MakeLoad(kir::MakeBinary(kir::BinaryOp::Add, address, Const(4, kir::Type::U32, pos), loc), loc), loc);
    return Value::Scalar(kir::MakeBinary(kir::BinaryOp::BitOr, kir::MakeBinary(kir::BinaryOp::Shl, hi, Const(32, kir::Type::U32, pos), loc), lo, loc), CType::U64);
  }
  // 8- and 16-bit elements: the containing word, shifted and masked.
  const kir::Expr address = Snapshot("address", place.address, pos);
  const kir::Expr word_address = kir::MakeBinary(kir::BinaryOp::BitAnd, address, Const(~3u, kir::Type::U32, pos), loc);
  const kir::Expr shift = kir::MakeBinary(kir::BinaryOp::Mul, kir::MakeBinary(kir::BinaryOp::BitAnd, address, Const(3, kir::Type::U32, pos), loc),
                                          Const(8, kir::Type::U32, pos), loc);
  const kir::Expr shifted = kir::MakeBinary(kir::BinaryOp::Shr, kir::MakeLoad(word_address, loc), shift, loc);
  const Value raw = Value::Scalar(shifted, CType::U32);
  if (ctype == CType::Bool) {
    return Value::Scalar(kir::MakeBinary(kir::BinaryOp::Ne, kir::MakeBinary(kir::BinaryOp::BitAnd, shifted, Const(0xff, kir::Type::U32, pos), loc),
                                         Const(0, kir::Type::U32, pos), loc));
  }
  return Value::Scalar(Convert(raw, ctype, pos), ctype);
}

void Lowerer::Store(const LValue& place, const Value& value, const SourcePos& pos) {
  const kir::SourceLocation loc = Loc(pos);
  if (value.kind == Value::Kind::Void) Error(pos, "a void expression has no value to assign");
  switch (place.kind) {
    case LValue::Kind::Entity: {
      const EntityPtr& e = place.entity;
      if (e->kind == Entity::Kind::Memory) {
        LValue memory;
        memory.kind = LValue::Kind::Memory;
        memory.address = e->value.expr;
        memory.ctype = e->ctype;
        memory.pos = pos;
        Store(memory, value, pos);
        return;
      }
      if (e->kind == Entity::Kind::Constant) Error(pos, "cannot assign to const '" + e->name + "'");
      if (e->kind != Entity::Kind::Var) Error(pos, "cannot assign to '" + e->name + "'");
      if (e->is_const) Error(pos, "cannot assign to const variable '" + e->name + "'");
      kir::Expr converted;
      if (e->is_pointer) {
        const bool null = value.kind == Value::Kind::Scalar && ConstantValue(value.expr) == 0u;
        if (value.kind != Value::Kind::Pointer && !null) {
          Error(pos, "cannot assign " + value.Describe() + " to pointer '" + e->name + "' (use reinterpret_cast)");
        }
        if (value.kind == Value::Kind::Pointer && value.ctype != e->ctype && value.ctype != CType::Void) {
          Error(pos, "cannot assign a pointer to " + CTypeName(value.ctype) + " to pointer '" + e->name + "' (to " +
                         CTypeName(e->ctype) + ")");
        }
        converted = ToU32(value, pos);
      } else {
        converted = Convert(value, e->ctype, pos);
      }
      Emit(kir::MakeStmt(kir::AssignStmt{e->var, converted}, loc));
      return;
    }
    case LValue::Kind::Dynamic: {
      Value v = value;
      if (v.kind == Value::Kind::Scalar || v.kind == Value::Kind::Pointer) v.expr = Snapshot("value", v.expr, pos);
      kir::Stmt chain;
      for (size_t i = place.candidates.size(); i-- > 0;) {
        PushBlock();
        LValue element;
        element.kind = LValue::Kind::Entity;
        element.entity = place.candidates[i];
        element.pos = pos;
        Store(element, v, pos);
        kir::Stmt assign = PopBlock(pos);
        const kir::Expr is_i = kir::MakeBinary(kir::BinaryOp::Eq, place.index, Const(i, kir::Type::I32, pos), loc);
        chain = kir::MakeStmt(kir::IfStmt{is_i, assign, chain}, loc);
      }
      Emit(chain);
      return;
    }
    case LValue::Kind::Memory: break;
  }
  const CType ctype = place.ctype;
  if (ctype == CType::U32 || ctype == CType::I32) {
    Emit(kir::MakeStmt(kir::StoreStmt{place.address, Convert(value, CType::U32, pos)}, loc));
    return;
  }
  if (ctype == CType::U64) {
    const kir::Expr address = Snapshot("address", place.address, pos);
    const kir::Expr v = Snapshot("value", Convert(value, CType::U64, pos), pos);
    Emit(kir::MakeStmt(kir::StoreStmt{address, kir::MakeCast(kir::Type::U32, v, loc)}, loc));
    Emit(kir::MakeStmt(kir::StoreStmt{kir::MakeBinary(kir::BinaryOp::Add, address, Const(4, kir::Type::U32, pos), loc),
                                      kir::MakeCast(kir::Type::U32, kir::MakeBinary(kir::BinaryOp::Shr, v, Const(32, kir::Type::U32, pos), loc), loc)},
                       loc));
    return;
  }
  // Narrow element: read-modify-write of the containing word.
  const uint32_t mask = SizeOf(ctype) == 1 ? 0xffu : 0xffffu;
  const kir::Expr address = Snapshot("address", place.address, pos);
  const kir::Expr v = Snapshot("value", Convert(value, ctype == CType::Bool ? CType::Bool : CType::U32, pos), pos);
  const kir::Expr word_address = Snapshot("word_address", kir::MakeBinary(kir::BinaryOp::BitAnd, address, Const(~3u, kir::Type::U32, pos), loc), pos);
  const kir::Expr shift = Snapshot("shift", kir::MakeBinary(kir::BinaryOp::Mul, kir::MakeBinary(kir::BinaryOp::BitAnd, address, Const(3, kir::Type::U32, pos), loc),
                                                            Const(8, kir::Type::U32, pos), loc), pos);
  const kir::Expr field_mask = kir::MakeBinary(kir::BinaryOp::Shl, Const(mask, kir::Type::U32, pos), shift, loc);
  const kir::Expr kept = kir::MakeBinary(kir::BinaryOp::BitAnd, kir::MakeLoad(word_address, loc), kir::MakeUnary(kir::UnaryOp::BitNot, field_mask, loc), loc);
  const kir::Expr bits = kir::MakeBinary(kir::BinaryOp::Shl,
                                         kir::MakeBinary(kir::BinaryOp::BitAnd, kir::MakeCast(kir::Type::U32, v, loc), Const(mask, kir::Type::U32, pos), loc),
                                         shift, loc);
  Emit(kir::MakeStmt(kir::StoreStmt{word_address, kir::MakeBinary(kir::BinaryOp::BitOr, kept, bits, loc)}, loc));
}

}  // namespace tilesim::metalium
