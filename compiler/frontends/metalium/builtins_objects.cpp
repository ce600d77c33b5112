// The kernel API's objects: TensorAccessorArgs, TensorAccessor and the InterleavedAddrGen family (all
// describing an interleaved buffer), and the Device 2.0 CircularBuffer and Noc. They exist only while
// compiling; their fields are IR expressions fixed (snapshotted) when they are made.
#include "compiler/frontends/metalium/builtins.h"

namespace tilesim::metalium {
namespace {

using kir::BinaryOp;

std::string FieldList(const std::vector<std::string>& fields) {
  std::string s;
  for (const std::string& f : fields) s += (s.empty() ? "" : ", ") + f;
  return s;
}

// Values of a braced initialiser for an object with the given fields (designated or positional).
std::map<std::string, const ast::Expr*> InitFields(Lowerer& l, const ast::Expr& list, const std::string& type,
                                                   const std::vector<std::string>& fields) {
  std::map<std::string, const ast::Expr*> values;
  size_t next = 0;
  for (size_t i = 0; i < list.operands.size(); ++i) {
    std::string field = list.designators[i];
    if (field.empty()) {
      if (next >= fields.size()) l.Error(list.operands[i]->pos, "too many initialisers for " + type);
      field = fields[next];
    }
    size_t index = fields.size();
    for (size_t f = 0; f < fields.size(); ++f) {
      if (fields[f] == field) index = f;
    }
    if (index == fields.size()) {
      l.Error(list.operands[i]->pos, type + " has no field '" + field + "' (its fields: " + FieldList(fields) + ")");
    }
    values[field] = list.operands[i].get();
    next = index + 1;
  }
  return values;
}

kir::Expr FieldU32(Lowerer& l, const std::map<std::string, const ast::Expr*>& fields, const std::string& name,
                   const SourcePos& pos) {
  auto it = fields.find(name);
  if (it == fields.end()) return l.Const(0, kir::Type::U32, pos);
  return l.Snapshot(l.FieldName(name), l.ToU32(l.LowerExpr(*it->second), it->second->pos), it->second->pos);
}

// The DRAM flag of InterleavedAddrGen<DRAM>: a constant, or a pure expression of compile-time args
// (`constexpr bool src_is_dram = get_compile_time_arg_val(0) == 1;`), which the intrinsic takes as is.
kir::Expr TemplateFlag(Lowerer& l, const Type& type, size_t i, const SourcePos& pos) {
  if (i >= type.object_template_args.size() || type.object_template_args[i].expr == nullptr) {
    l.Error(pos, type.object_name + " needs its template argument: <true> for a DRAM buffer, <false> for L1");
  }
  const ast::Expr& e = *type.object_template_args[i].expr;
  const kir::Expr flag = l.Fold(kir::MakeCast(kir::Type::U32, l.ToBool(l.LowerExpr(e), e.pos)));
  if (!IsPureExpr(flag)) l.RequireConstant(flag, "the template argument of " + type.object_name, e.pos);
  return flag;
}

Value MakeAccessorArgs(Lowerer& l, const Type& type, const std::vector<const ast::Expr*>& args, const SourcePos& pos) {
  if (type.object_template_args.empty() || type.object_template_args[0].expr == nullptr) {
    l.Error(pos, "TensorAccessorArgs needs its compile-time arg offset: TensorAccessorArgs<N>()");
  }
  const ast::Expr& offset_expr = *type.object_template_args[0].expr;
  const uint64_t cta = l.RequireConstant(l.ToU32(l.LowerExpr(offset_expr), offset_expr.pos),
                                         "the compile-time arg offset of TensorAccessorArgs", offset_expr.pos);
  auto object = std::make_shared<Object>();
  object->kind = ObjectKind::AccessorArgs;
  object->type_name = "TensorAccessorArgs";
  object->cta_offset = static_cast<uint32_t>(cta);
  if (type.object_template_args.size() > 2) l.Error(pos, "TensorAccessorArgs takes at most two template arguments");
  if (type.object_template_args.size() == 2) {
    const ast::Expr* crta = type.object_template_args[1].expr.get();
    if (crta == nullptr) l.Error(pos, "TensorAccessorArgs' second template argument is a common runtime arg offset");
    object->crta_offset = l.Const(l.RequireConstant(l.ToU32(l.LowerExpr(*crta), crta->pos), "the common runtime arg offset", crta->pos),
                                  kir::Type::U32, pos);
    if (!args.empty()) l.Error(pos, "do not pass a crta offset when it is a template argument");
  } else if (args.size() == 1) {
    object->crta_offset = l.Snapshot(l.FieldName("crta_offset"), l.ToU32(l.LowerExpr(*args[0]), args[0]->pos), pos);
  } else if (args.empty()) {
    object->crta_offset = l.Const(0, kir::Type::U32, pos);
  } else {
    l.Error(pos, "TensorAccessorArgs takes at most one argument (the common runtime arg offset)");
  }
  object->config = l.CompileTimeArg(object->cta_offset, pos);
  if (std::optional<uint32_t> config = l.KnownCompileTimeArg(object->cta_offset)) {
    if ((*config & kArgConfigSharded) != 0) {
      l.Error(pos, "TensorAccessorArgs<" + std::to_string(cta) + ">: compile-time arg " + std::to_string(cta) + " = " +
                       std::to_string(*config) + " describes a sharded tensor; only interleaved buffers are supported");
    }
    object->runtime_page_size = (*config & kArgConfigRuntimePageSize) != 0;
  }
  if (object->runtime_page_size) {
    object->num_compile_time_args = 1;
    l.CheckRole(bc::Intrinsic::get_common_arg_val, "TensorAccessorArgs", pos);
    object->page_size = l.Let(l.FieldName("page_size"), l.Call(bc::Intrinsic::get_common_arg_val, {object->crta_offset}, pos), pos);
  } else {
    object->num_compile_time_args = kInterleavedAccessorCompileTimeArgs;
    object->page_size = l.CompileTimeArg(object->cta_offset + 1, pos);
  }
  object->is_dram = l.Fold(kir::MakeBinary(BinaryOp::BitAnd,
                                           kir::MakeBinary(BinaryOp::Shr, object->config, l.Const(1, kir::Type::U32, pos)),
                                           l.Const(1, kir::Type::U32, pos)));
  return Value::Of(object);
}

Value MakeTensorAccessor(Lowerer& l, const std::vector<const ast::Expr*>& args, const SourcePos& pos) {
  if (args.size() < 2 || args.size() > 3) {
    l.Error(pos, "TensorAccessor takes (args, bank_base_address[, page_size]), " + std::to_string(args.size()) + " given");
  }
  const Value accessor_args = l.LowerExpr(*args[0]);
  if (accessor_args.kind != Value::Kind::Object || accessor_args.object->kind != ObjectKind::AccessorArgs) {
    l.Error(args[0]->pos, "TensorAccessor's first argument must be a TensorAccessorArgs, not " + accessor_args.Describe());
  }
  auto object = std::make_shared<Object>();
  object->kind = ObjectKind::AddrGen;
  object->type_name = "TensorAccessor";
  object->base = l.Snapshot(l.FieldName("bank_base_address"), l.ToU32(l.LowerExpr(*args[1]), args[1]->pos), args[1]->pos);
  object->page_size = args.size() == 3 ? l.Snapshot(l.FieldName("page_size"), l.ToU32(l.LowerExpr(*args[2]), args[2]->pos), args[2]->pos)
                                       : accessor_args.object->page_size;
  object->is_dram = accessor_args.object->is_dram;
  object->config = accessor_args.object->config;
  return Value::Of(object);
}

Value MakeAddrGen(Lowerer& l, const Type& type, const ast::Expr* init, const SourcePos& pos) {
  const std::string& name = type.object_name;
  const bool pow2 = name.find("Pow2") != std::string::npos;
  const bool fast = name.find("Fast") != std::string::npos;
  std::vector<std::string> fields = {"bank_base_address", pow2 ? "log_base_2_of_page_size" : "page_size"};
  if (fast && !pow2) fields.push_back("data_format");
  auto object = std::make_shared<Object>();
  object->kind = ObjectKind::AddrGen;
  object->type_name = name;
  object->is_dram = TemplateFlag(l, type, 0, pos);
  std::map<std::string, const ast::Expr*> values;
  if (init != nullptr) values = InitFields(l, *init, name, fields);
  object->base = FieldU32(l, values, "bank_base_address", pos);
  if (pow2) {
    const kir::Expr log2 = FieldU32(l, values, "log_base_2_of_page_size", pos);
    object->page_size = l.Fold(kir::MakeBinary(BinaryOp::Shl, l.Const(1, kir::Type::U32, pos), log2));
  } else {
    object->page_size = FieldU32(l, values, "page_size", pos);
  }
  if (auto it = values.find("data_format"); it != values.end()) l.LowerExpr(*it->second);  // checked, not needed
  return Value::Of(object);
}

// The address of `args` ({.page_id, .offset_bytes} or {.offset_bytes}) in an endpoint of a Noc transfer.
kir::Expr Endpoint(BuiltinCall& call, size_t object_index, size_t args_index, bool as_source) {
  Lowerer& l = *call.lowerer;
  const Value& endpoint = call.Arg(object_index);
  const ast::Expr& args = *call.args[args_index];
  if (args.kind != ast::ExprKind::InitList) l.Error(args.pos, "expected {.page_id = ..., .offset_bytes = ...}");
  if (endpoint.kind != Value::Kind::Object) l.Error(call.pos, "Noc endpoints are TensorAccessors or CircularBuffers, not " + endpoint.Describe());
  const Object& o = *endpoint.object;
  if (o.kind == ObjectKind::AddrGen) {
    const auto fields = InitFields(l, args, "the TensorAccessor endpoint arguments", {"page_id", "offset_bytes"});
    return InterleavedNocAddress(l, o, FieldU32(l, fields, "page_id", args.pos), FieldU32(l, fields, "offset_bytes", args.pos), call.pos);
  }
  if (o.kind == ObjectKind::CircularBuffer) {
    const auto fields = InitFields(l, args, "the CircularBuffer endpoint arguments", {"offset_bytes"});
    const bc::Intrinsic ptr = as_source ? bc::Intrinsic::get_read_ptr : bc::Intrinsic::get_write_ptr;
    l.CheckRole(ptr, call.name, call.pos);
    return l.Fold(kir::MakeBinary(BinaryOp::Add, l.Call(ptr, {o.cb}, call.pos), FieldU32(l, fields, "offset_bytes", args.pos)));
  }
  l.Error(call.pos, "Noc endpoints are TensorAccessors or CircularBuffers, not " + o.type_name);
}

}  // namespace

kir::Expr InterleavedNocAddress(Lowerer& l, const Object& accessor, kir::Expr page, kir::Expr offset, const SourcePos& pos) {
  if (accessor.kind != ObjectKind::AddrGen) l.Error(pos, "expected an address generator, found " + accessor.type_name);
  l.CheckRole(bc::Intrinsic::get_noc_addr_interleaved, "get_noc_addr", pos);
  return l.Call(bc::Intrinsic::get_noc_addr_interleaved, {page, accessor.base, accessor.page_size, accessor.is_dram, offset}, pos);
}

const Object& AccessorArg(BuiltinCall& call, size_t i) {
  const Value& v = call.Arg(i);
  if (v.kind != Value::Kind::Object || v.object->kind != ObjectKind::AddrGen) {
    call.lowerer->Error(call.args[i]->pos, "'" + call.name + "' needs an address generator (TensorAccessor, "
                                           "InterleavedAddrGen...) as argument " + std::to_string(i + 1) + ", not " + v.Describe());
  }
  return *v.object;
}

Value ConstructBuiltinObject(Lowerer& l, const Type& type, const ast::Expr* init,
                             const std::vector<const ast::Expr*>& args, const SourcePos& pos) {
  // A copy of an existing object: `auto s2 = s;`, `TensorAccessor s = make();`.
  if (init != nullptr && init->kind != ast::ExprKind::InitList) {
    const Value v = l.LowerExpr(*init);
    if (v.kind != Value::Kind::Object || v.object->kind != type.object) {
      l.Error(init->pos, "cannot initialise a " + type.object_name + " from " + v.Describe());
    }
    return v;
  }
  switch (type.object) {
    case ObjectKind::AccessorArgs:
      if (init != nullptr && !init->operands.empty()) l.Error(pos, "TensorAccessorArgs is built as TensorAccessorArgs<N>()");
      return MakeAccessorArgs(l, type, args, pos);
    case ObjectKind::AddrGen:
      if (type.object_name == "TensorAccessor") {
        if (init != nullptr) {
          std::vector<const ast::Expr*> list;
          for (const ast::ExprPtr& e : init->operands) list.push_back(e.get());
          return MakeTensorAccessor(l, list, pos);
        }
        return MakeTensorAccessor(l, args, pos);
      }
      if (!args.empty()) l.Error(pos, type.object_name + " is built with a braced initialiser: {.bank_base_address = ..., ...}");
      return MakeAddrGen(l, type, init, pos);
    case ObjectKind::CircularBuffer: {
      std::vector<const ast::Expr*> list = args;
      if (init != nullptr) {
        for (const ast::ExprPtr& e : init->operands) list.push_back(e.get());
      }
      if (list.size() != 1) l.Error(pos, type.object_name + " takes one argument, the circular buffer index");
      auto object = std::make_shared<Object>();
      object->kind = ObjectKind::CircularBuffer;
      object->type_name = type.object_name;
      object->cb = l.Snapshot(l.FieldName("cb"), l.ToU32(l.LowerExpr(*list[0]), list[0]->pos), pos);
      return Value::Of(object);
    }
    case ObjectKind::Noc: {
      if (args.size() > 1) l.Error(pos, "Noc takes at most one argument, the NoC index");
      auto object = std::make_shared<Object>();
      object->kind = ObjectKind::Noc;
      object->type_name = "Noc";
      return Value::Of(object);
    }
    case ObjectKind::CbInterface:
    case ObjectKind::DataFormat: break;
  }
  l.Error(pos, "cannot construct a " + type.object_name);
}

Value ObjectMember(Lowerer& l, const Value& value, const std::string& member, const SourcePos& pos) {
  const Object& o = *value.object;
  switch (o.kind) {
    case ObjectKind::AccessorArgs:
      if (member == "is_dram") return Value::Scalar(l.Fold(kir::MakeCast(kir::Type::Bool, o.is_dram)), CType::Bool);
      if (member == "is_sharded") return Value::Scalar(l.Const(0, kir::Type::Bool, pos), CType::Bool);
      break;
    case ObjectKind::AddrGen:
      if (member == "bank_base_address") return Value::Scalar(o.base, CType::U32);
      if (member == "page_size" || member == "aligned_page_size") return Value::Scalar(o.page_size, CType::U32);
      break;
    case ObjectKind::CbInterface:
      if (member == "fifo_page_size") {
        l.CheckRole(bc::Intrinsic::get_tile_size, "get_local_cb_interface", pos);
        return Value::Scalar(l.Call(bc::Intrinsic::get_tile_size, {o.cb}, pos), CType::U32);
      }
      if (member == "fifo_wr_ptr" || member == "fifo_rd_ptr") {
        const bc::Intrinsic ptr = member == "fifo_wr_ptr" ? bc::Intrinsic::get_write_ptr : bc::Intrinsic::get_read_ptr;
        l.CheckRole(ptr, "get_local_cb_interface", pos);
        return Value::Scalar(l.Call(ptr, {o.cb}, pos), CType::U32);
      }
      break;
    default: break;
  }
  l.Error(pos, "unsupported: member '" + member + "' of " + o.type_name);
}

Value ObjectMethod(BuiltinCall& call) {
  Lowerer& l = *call.lowerer;
  const Object& o = *call.receiver->object;
  const std::string& m = call.name;
  const SourcePos& pos = call.pos;
  switch (o.kind) {
    case ObjectKind::AccessorArgs:
      call.RequireArgs(0, 0);
      if (m == "next_compile_time_args_offset") return Value::Scalar(l.Const(o.cta_offset + o.num_compile_time_args, kir::Type::U32, pos), CType::U32);
      if (m == "num_compile_time_args") return Value::Scalar(l.Const(o.num_compile_time_args, kir::Type::U32, pos), CType::U32);
      if (m == "get_aligned_page_size") return Value::Scalar(o.page_size, CType::U32);
      if (m == "crta_offset") return Value::Scalar(o.crta_offset, CType::U32);
      if (m == "num_common_runtime_args") return Value::Scalar(l.Const(o.runtime_page_size ? 1 : 0, kir::Type::U32, pos), CType::U32);
      if (m == "next_common_runtime_args_offset") {
        return Value::Scalar(l.Fold(kir::MakeBinary(BinaryOp::Add, o.crta_offset, l.Const(o.runtime_page_size ? 1 : 0, kir::Type::U32, pos))), CType::U32);
      }
      break;
    case ObjectKind::AddrGen:
      if (m == "get_noc_addr") {
        call.RequireArgs(1, 3);
        return Value::Scalar(InterleavedNocAddress(l, o, call.U32(0), call.U32Or(1, 0), pos), CType::U64);
      }
      if (m == "get_aligned_page_size" || m == "get_page_size") {
        call.RequireArgs(0, 0);
        return Value::Scalar(o.page_size, CType::U32);
      }
      if (m == "get_bank_base_address") {
        call.RequireArgs(0, 0);
        return Value::Scalar(o.base, CType::U32);
      }
      break;
    case ObjectKind::CircularBuffer: {
      static const std::map<std::string, bc::Intrinsic> kWithCount = {
          {"reserve_back", bc::Intrinsic::cb_reserve_back},       {"push_back", bc::Intrinsic::cb_push_back},
          {"wait_front", bc::Intrinsic::cb_wait_front},           {"pop_front", bc::Intrinsic::cb_pop_front},
          {"pages_available_at_front", bc::Intrinsic::cb_pages_available_at_front},
          {"pages_reservable_at_back", bc::Intrinsic::cb_pages_reservable_at_back}};
      static const std::map<std::string, bc::Intrinsic> kQueries = {{"get_write_ptr", bc::Intrinsic::get_write_ptr},
                                                                    {"get_read_ptr", bc::Intrinsic::get_read_ptr},
                                                                    {"get_tile_size", bc::Intrinsic::get_tile_size},
                                                                    {"get_entry_size", bc::Intrinsic::get_tile_size}};
      if (auto it = kWithCount.find(m); it != kWithCount.end()) {
        call.RequireArgs(1, 1);
        l.CheckRole(it->second, "CircularBuffer::" + m, pos);
        if (bc::Info(it->second).result() == bc::ValueKind::Void) {
          l.EmitCall(it->second, {o.cb, call.U32(0)}, pos);
          return Value{};
        }
        return Value::Scalar(l.Fold(kir::MakeCast(kir::Type::Bool, l.Call(it->second, {o.cb, call.U32(0)}, pos))), CType::Bool);
      }
      if (auto it = kQueries.find(m); it != kQueries.end()) {
        call.RequireArgs(0, 0);
        l.CheckRole(it->second, "CircularBuffer::" + m, pos);
        return Value::Scalar(l.Call(it->second, {o.cb}, pos), CType::U32);
      }
      if (m == "get_cb_id") {
        call.RequireArgs(0, 0);
        return Value::Scalar(o.cb, CType::U32);
      }
      break;
    }
    case ObjectKind::Noc: {
      static const std::map<std::string, bc::Intrinsic> kBarriers = {
          {"async_read_barrier", bc::Intrinsic::noc_async_read_barrier},
          {"async_write_barrier", bc::Intrinsic::noc_async_write_barrier},
          {"async_writes_flushed", bc::Intrinsic::noc_async_writes_flushed},
          {"async_posted_writes_flushed", bc::Intrinsic::noc_async_writes_flushed},
          {"async_atomic_barrier", bc::Intrinsic::noc_async_atomic_barrier}};
      if (auto it = kBarriers.find(m); it != kBarriers.end()) {
        call.RequireArgs(0, 1);
        l.CheckRole(it->second, "Noc::" + m, pos);
        l.EmitCall(it->second, {}, pos);
        return Value{};
      }
      if (m == "async_full_barrier") {
        call.RequireArgs(0, 1);
        for (bc::Intrinsic b : {bc::Intrinsic::noc_async_read_barrier, bc::Intrinsic::noc_async_write_barrier,
                                bc::Intrinsic::noc_async_atomic_barrier}) {
          l.CheckRole(b, "Noc::" + m, pos);
          l.EmitCall(b, {}, pos);
        }
        return Value{};
      }
      if (m == "async_read" || m == "async_write") {
        call.RequireArgs(5, 7);
        const bool read = m == "async_read";
        const kir::Expr src = Endpoint(call, 0, 3, true);
        const kir::Expr dst = Endpoint(call, 1, 4, false);
        // A read goes from a buffer (a NoC address) into a CircularBuffer (L1); a write the other way.
        const kir::Expr& noc_side = read ? src : dst;
        const kir::Expr& l1_side = read ? dst : src;
        if (noc_side.type() != kir::Type::U64 || l1_side.type() != kir::Type::U32) {
          l.Error(pos, read ? "Noc::async_read reads from a TensorAccessor into a CircularBuffer"
                            : "Noc::async_write writes from a CircularBuffer to a TensorAccessor");
        }
        const kir::Expr size = call.U32(2);
        const bc::Intrinsic op = read ? bc::Intrinsic::noc_async_read : bc::Intrinsic::noc_async_write;
        l.CheckRole(op, "Noc::" + m, pos);
        l.EmitCall(op, {src, dst, size}, pos);
        return Value{};
      }
      if (m == "get_noc_id") return Value::Scalar(l.Const(l.role() == KernelRole::DataMovement1 ? 1 : 0, kir::Type::U32, pos), CType::U8);
      break;
    }
    case ObjectKind::CbInterface:
    case ObjectKind::DataFormat: break;
  }
  l.Error(pos, "unsupported: '" + m + "' of " + o.type_name);
}

}  // namespace tilesim::metalium
