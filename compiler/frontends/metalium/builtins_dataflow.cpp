// The data movement side of the kernel API: arguments, circular buffers, NoC addressing and transfers,
// semaphores, core coordinates. Also the builtin table itself.
#include "compiler/frontends/metalium/builtins.h"

namespace tilesim::metalium {
namespace {

using bc::Intrinsic;

Value U32Value(kir::Expr e) { return Value::Scalar(std::move(e), CType::U32); }

// get_arg_val<T>(i) / get_common_arg_val<T>(i): the argument word read as T.
BuiltinHandler ArgValue(Intrinsic intrinsic) {
  return [intrinsic](BuiltinCall& c) {
    c.RequireArgs(1, 1);
    Lowerer& l = *c.lowerer;
    l.CheckRole(intrinsic, c.name, c.pos);
    const Value word = U32Value(l.Call(intrinsic, {c.U32(0)}, c.pos));
    if (c.template_args == nullptr || c.template_args->empty()) return word;
    const ast::TemplateArg& t = c.template_args->front();
    if (t.type == nullptr) l.Error(c.pos, "'" + c.name + "<T>' takes a type");
    const Type type = l.ResolveType(*t.type);
    if (type.kind == Type::Kind::Pointer) return Value::Pointer(word.expr, type.scalar);
    if (type.kind != Type::Kind::Scalar) l.Error(c.pos, "'" + c.name + "<" + type.Describe() + ">': arguments are integers");
    return Value::Scalar(l.Convert(word, type.scalar, c.pos), type.scalar);
  };
}

// noc_async_read_tile / _page (id, accessor, l1_addr[, offset[, noc]]): one page into L1.
Value ReadPage(BuiltinCall& c) {
  c.RequireArgs(3, 5);
  Lowerer& l = *c.lowerer;
  const kir::Expr id = c.U32(0);
  const Object& accessor = AccessorArg(c, 1);
  const kir::Expr l1 = c.U32(2);
  const kir::Expr offset = c.U32Or(3, 0);
  const kir::Expr src = InterleavedNocAddress(l, accessor, id, offset, c.pos);
  return EmitIntrinsic(c, Intrinsic::noc_async_read, {src, l1, accessor.page_size});
}

// noc_async_write_tile (id, accessor, l1_addr[, noc]) / noc_async_write_page (id, accessor, l1_addr[, size[,
// offset[, noc]]]), a size of 0 meaning the page size.
Value WritePage(BuiltinCall& c) {
  Lowerer& l = *c.lowerer;
  const bool page = c.name == "noc_async_write_page";
  c.RequireArgs(3, page ? 6 : 4);
  const kir::Expr id = c.U32(0);
  const Object& accessor = AccessorArg(c, 1);
  const kir::Expr l1 = c.U32(2);
  kir::Expr size = accessor.page_size;
  kir::Expr offset = l.Const(0, kir::Type::U32, c.pos);
  if (page && c.count() > 3) {
    const kir::Expr given = l.Snapshot("size", c.U32(3), c.pos);
    size = l.Fold(kir::MakeSelect(kir::MakeBinary(kir::BinaryOp::Eq, given, l.Const(0, kir::Type::U32, c.pos)), accessor.page_size, given));
  }
  if (page && c.count() > 4) offset = c.U32(4);
  const kir::Expr dst = InterleavedNocAddress(l, accessor, id, offset, c.pos);
  return EmitIntrinsic(c, Intrinsic::noc_async_write, {l1, dst, size});
}

Value GetNocAddr(BuiltinCall& c) {
  Lowerer& l = *c.lowerer;
  c.RequireArgs(1, 4);
  if (c.count() >= 2 && c.Arg(1).kind == Value::Kind::Object) {
    // get_noc_addr(page_id, accessor[, offset[, noc]])
    c.RequireArgs(2, 4);
    const kir::Expr id = c.U32(0);
    const Object& accessor = AccessorArg(c, 1);
    return Value::Scalar(InterleavedNocAddress(l, accessor, id, c.U32Or(2, 0), c.pos), CType::U64);
  }
  if (c.count() <= 2) {
    // get_noc_addr(l1_addr[, noc]): this core's own L1, through the NoC.
    l.CheckRole(Intrinsic::my_x, c.name, c.pos);
    const kir::Expr noc = l.Const(l.role() == KernelRole::DataMovement1 ? 1 : 0, kir::Type::U32, c.pos);
    const kir::Expr x = l.Call(Intrinsic::my_x, {noc}, c.pos);
    const kir::Expr y = l.Call(Intrinsic::my_y, {noc}, c.pos);
    return EmitIntrinsic(c, Intrinsic::get_noc_addr, {x, y, c.U32(0)});
  }
  // get_noc_addr(x, y, addr[, noc])
  return EmitIntrinsic(c, Intrinsic::get_noc_addr, {c.U32(0), c.U32(1), c.U32(2)});
}

Value GetCompileTimeArg(BuiltinCall& c) {
  c.RequireArgs(1, 1);
  Lowerer& l = *c.lowerer;
  const uint64_t index = l.RequireConstant(c.U32(0), "the index of get_compile_time_arg_val", c.args[0]->pos);
  return U32Value(l.CompileTimeArg(static_cast<uint32_t>(index), c.pos));
}

}  // namespace

Value EmitIntrinsic(BuiltinCall& c, bc::Intrinsic intrinsic, std::vector<kir::Expr> args) {
  Lowerer& l = *c.lowerer;
  l.CheckRole(intrinsic, c.name, c.pos);
  const bc::IntrinsicInfo& info = bc::Info(intrinsic);
  for (uint32_t i = 0; i < args.size() && i < info.num_args(); ++i) {
    const kir::Type want = info.arg(i) == bc::ValueKind::U64 ? kir::Type::U64 : kir::Type::U32;
    if (args[i].type() != want) args[i] = l.Fold(kir::MakeCast(want, args[i], l.Loc(c.pos)));
  }
  if (info.result() == bc::ValueKind::Void) {
    l.EmitCall(intrinsic, std::move(args), c.pos);
    return Value{};
  }
  kir::Expr call = l.Call(intrinsic, std::move(args), c.pos);
  return Value::Scalar(call, info.result() == bc::ValueKind::U64 ? CType::U64 : CType::U32);
}

BuiltinHandler Direct(bc::Intrinsic intrinsic, size_t min_args, size_t max_args, std::vector<uint32_t> defaults) {
  return [=](BuiltinCall& c) {
    c.RequireArgs(min_args, max_args);
    const bc::IntrinsicInfo& info = bc::Info(intrinsic);
    std::vector<kir::Expr> args;
    for (uint32_t i = 0; i < info.num_args(); ++i) {
      if (i < c.count()) {
        args.push_back(info.arg(i) == bc::ValueKind::U64 ? c.U64(i) : c.U32(i));
      } else {
        const uint32_t d = i < defaults.size() ? defaults[i] : 0;
        args.push_back(c.lowerer->Const(d, info.arg(i) == bc::ValueKind::U64 ? kir::Type::U64 : kir::Type::U32, c.pos));
      }
    }
    return EmitIntrinsic(c, intrinsic, std::move(args));
  };
}

void AddDataflowBuiltins(std::map<std::string, BuiltinHandler>& t) {
  t["get_arg_val"] = ArgValue(Intrinsic::get_arg_val);
  t["get_common_arg_val"] = ArgValue(Intrinsic::get_common_arg_val);
  t["get_compile_time_arg_val"] = GetCompileTimeArg;
  t["get_absolute_logical_x"] = Direct(Intrinsic::get_absolute_logical_x, 0, 0);
  t["get_absolute_logical_y"] = Direct(Intrinsic::get_absolute_logical_y, 0, 0);
  t["get_relative_logical_x"] = Direct(Intrinsic::get_absolute_logical_x, 0, 0);
  t["get_relative_logical_y"] = Direct(Intrinsic::get_absolute_logical_y, 0, 0);

  t["cb_reserve_back"] = Direct(Intrinsic::cb_reserve_back, 2, 2);
  t["cb_push_back"] = Direct(Intrinsic::cb_push_back, 2, 2);
  t["cb_wait_front"] = Direct(Intrinsic::cb_wait_front, 2, 2);
  t["cb_pop_front"] = Direct(Intrinsic::cb_pop_front, 2, 2);
  t["cb_pages_available_at_front"] = Direct(Intrinsic::cb_pages_available_at_front, 2, 2);
  t["cb_pages_reservable_at_back"] = Direct(Intrinsic::cb_pages_reservable_at_back, 2, 2);
  t["get_write_ptr"] = Direct(Intrinsic::get_write_ptr, 1, 1);
  t["get_read_ptr"] = Direct(Intrinsic::get_read_ptr, 1, 1);
  t["get_tile_size"] = Direct(Intrinsic::get_tile_size, 1, 1);
  t["get_local_cb_interface"] = [](BuiltinCall& c) {
    c.RequireArgs(1, 1);
    auto object = std::make_shared<Object>();
    object->kind = ObjectKind::CbInterface;
    object->type_name = "the CB interface";
    object->cb = c.lowerer->Snapshot("cb", c.U32(0), c.pos);
    return Value::Of(object);
  };
  // get_dataformat(cb): kernels pass it on (InterleavedAddrGenFast's .data_format, which the emulator does not
  // need); any other use is reported, since the format is only known to the host.
  t["get_dataformat"] = [](BuiltinCall& c) {
    c.RequireArgs(1, 1);
    auto object = std::make_shared<Object>();
    object->kind = ObjectKind::DataFormat;
    object->type_name = "the data format of a circular buffer (known only to the host here)";
    object->cb = c.lowerer->Snapshot("cb", c.U32(0), c.pos);
    return Value::Of(object);
  };
  // Tiles are 32x32 in four 16x16 faces here.
  t["get_tile_hw"] = [](BuiltinCall& c) {
    c.RequireArgs(1, 1);
    return Value::Scalar(c.lowerer->Const(1024, kir::Type::U32, c.pos), CType::U32);
  };
  t["get_tile_num_faces"] = [](BuiltinCall& c) {
    c.RequireArgs(1, 1);
    return Value::Scalar(c.lowerer->Const(4, kir::Type::U32, c.pos), CType::U32);
  };

  // std::min / std::max, which kernels use on their integers, and __builtin_expect (a hint: its value).
  for (const char* name : {"min", "max"}) {
    const bool is_min = std::string(name) == "min";
    t[name] = [is_min](BuiltinCall& c) {
      c.RequireArgs(2, 2);
      Lowerer& l = *c.lowerer;
      const Value& a = c.Arg(0);
      const Value& b = c.Arg(1);
      if (a.kind != Value::Kind::Scalar || b.kind != Value::Kind::Scalar) {
        l.Error(c.pos, "'" + c.name + "' compares integers, not " + a.Describe() + " and " + b.Describe());
      }
      kir::Expr x = a.expr, y = b.expr;
      if (c.template_args != nullptr && !c.template_args->empty() && c.template_args->front().type != nullptr) {
        // std::min<T>(a, b): both converted to T first.
        const Type t = l.ResolveType(*c.template_args->front().type);
        if (t.kind != Type::Kind::Scalar) l.Error(c.pos, "'" + c.name + "<" + t.Describe() + ">' compares integers");
        x = l.Convert(a, t.scalar, c.pos);
        y = l.Convert(b, t.scalar, c.pos);
      }
      x = l.Snapshot(c.name + "_a", x, c.pos);
      y = l.Snapshot(c.name + "_b", y, c.pos);
      const kir::Expr a_wins = kir::MakeBinary(is_min ? kir::BinaryOp::Lt : kir::BinaryOp::Gt, x, y, l.Loc(c.pos));
      return Value::Scalar(l.Fold(kir::MakeSelect(a_wins, x, y, l.Loc(c.pos))));
    };
  }
  t["__builtin_expect"] = [](BuiltinCall& c) {
    c.RequireArgs(2, 2);
    return c.Arg(0);
  };

  t["get_noc_addr"] = GetNocAddr;
  t["get_noc_addr_from_bank_id"] = [](BuiltinCall& c) {
    c.RequireArgs(2, 3);
    const std::optional<uint64_t> dram = c.TemplateValue(0);
    const kir::Expr is_dram = c.lowerer->Const(dram.value_or(1) != 0 ? 1 : 0, kir::Type::U32, c.pos);
    return EmitIntrinsic(c, Intrinsic::get_noc_addr_from_bank_id, {c.U32(0), c.U32(1), is_dram});
  };
  t["get_noc_multicast_addr"] = Direct(Intrinsic::get_noc_multicast_addr, 5, 6);

  t["noc_async_read"] = Direct(Intrinsic::noc_async_read, 3, 5);
  t["noc_async_read_one_packet"] = Direct(Intrinsic::noc_async_read, 3, 5);
  t["noc_async_write"] = Direct(Intrinsic::noc_async_write, 3, 5);
  t["noc_async_write_one_packet"] = Direct(Intrinsic::noc_async_write, 3, 5);
  t["noc_async_read_tile"] = ReadPage;
  t["noc_async_read_page"] = ReadPage;
  t["noc_async_write_tile"] = WritePage;
  t["noc_async_write_page"] = WritePage;
  t["noc_async_read_barrier"] = Direct(Intrinsic::noc_async_read_barrier, 0, 1);
  t["noc_async_write_barrier"] = Direct(Intrinsic::noc_async_write_barrier, 0, 1);
  t["noc_async_writes_flushed"] = Direct(Intrinsic::noc_async_writes_flushed, 0, 1);
  t["noc_async_posted_writes_flushed"] = Direct(Intrinsic::noc_async_writes_flushed, 0, 1);
  t["noc_async_atomic_barrier"] = Direct(Intrinsic::noc_async_atomic_barrier, 0, 1);
  t["noc_async_full_barrier"] = [](BuiltinCall& c) {
    c.RequireArgs(0, 1);
    EmitIntrinsic(c, Intrinsic::noc_async_read_barrier, {});
    EmitIntrinsic(c, Intrinsic::noc_async_write_barrier, {});
    return EmitIntrinsic(c, Intrinsic::noc_async_atomic_barrier, {});
  };
  t["noc_async_write_multicast"] = Direct(Intrinsic::noc_async_write_multicast, 4, 7);
  t["noc_async_write_multicast_loopback_src"] = Direct(Intrinsic::noc_async_write_multicast_loopback_src, 4, 7);

  t["get_semaphore"] = Direct(Intrinsic::get_semaphore, 1, 1);
  t["noc_semaphore_set"] = Direct(Intrinsic::noc_semaphore_set, 2, 2);
  t["noc_semaphore_wait"] = Direct(Intrinsic::noc_semaphore_wait, 2, 2);
  t["noc_semaphore_wait_min"] = Direct(Intrinsic::noc_semaphore_wait_min, 2, 2);
  t["noc_semaphore_inc"] = Direct(Intrinsic::noc_semaphore_inc, 2, 4);
  t["noc_semaphore_set_remote"] = Direct(Intrinsic::noc_semaphore_set_remote, 2, 3);
  t["noc_semaphore_set_multicast"] = Direct(Intrinsic::noc_semaphore_set_multicast, 3, 6);
  t["noc_semaphore_set_multicast_loopback_src"] = Direct(Intrinsic::noc_semaphore_set_multicast_loopback_src, 3, 6);
}

const BuiltinHandler* FindBuiltin(const std::string& name) {
  static const std::map<std::string, BuiltinHandler> table = [] {
    std::map<std::string, BuiltinHandler> t;
    AddDataflowBuiltins(t);
    AddComputeBuiltins(t);
    AddPrintBuiltins(t);
    return t;
  }();
  auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

}  // namespace tilesim::metalium
