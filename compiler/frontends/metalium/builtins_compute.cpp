// The compute side of the kernel API: DST handshake, initialisation, FPU tile math, pack, SFPU. tt-metal's
// spellings of several releases are accepted and mapped onto the intrinsics of intrinsics.def:
//  - compute_kernel_hw_startup(in0, in1, out) is binary_op_init_common, (in, out) unary_op_init_common;
//  - matmul_init / mm_init / mm_block_init record the transpose flag that the 5-argument matmul_tiles (the
//    2026 signature) uses; the 6-argument one (and matmul_tile) passes it explicitly;
//  - matmul_block(..., ct, rt, kt) is the rt x ct loop of matmul_tiles it stands for;
//  - SFPU template arguments (approximation modes) and extra arguments (vector mode...) are accepted;
//  - reconfig_data_format and friends are no-ops: the emulator reads formats from the circular buffers;
//  - binary_max_tile / binary_min_tile take (idst0, idst1, odst) or the older (idst0, idst1), result in idst0;
//  - bcast.h: add/sub/mul_tiles_bcast<BroadcastType> become the named *_tiles_bcast_rows/cols/scalar (NONE the
//    plain *_tiles); init_bcast<op, dim>(in0, in1, out) becomes binary_op_init_common(in0, in1, out) followed
//    by the named *_init_short of (op, dim), which configures the same unpack, math and pack state.
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontends/metalium/builtins.h"

namespace tilesim::metalium {
namespace {

using bc::Intrinsic;
using kir::BinaryOp;

void SetTranspose(BuiltinCall& c, const kir::Expr& transpose) {
  Lowerer& l = *c.lowerer;
  l.Emit(kir::MakeStmt(kir::AssignStmt{l.MatmulTransposeVar(), transpose}, l.Loc(c.pos)));
}

kir::Expr Transpose(BuiltinCall& c) {
  Lowerer& l = *c.lowerer;
  return kir::MakeVar(l.kernel(), l.MatmulTransposeVar(), l.Loc(c.pos));
}

// mm_init(in0 = 0, in1 = 1, out = 16, transpose = 0) and mm_block_init(in0, in1, out, transpose, ct, rt, kt).
Value MmInit(BuiltinCall& c, size_t max_args) {
  c.RequireArgs(0, max_args);
  const kir::Expr transpose = c.lowerer->Snapshot("transpose", c.U32Or(3, 0), c.pos);
  Value v = EmitIntrinsic(c, Intrinsic::mm_init, {c.U32Or(0, 0), c.U32Or(1, 1), c.U32Or(2, 16), transpose});
  SetTranspose(c, transpose);
  return v;
}

// mm_init_short / matmul_init (in0, in1, transpose = 0[, ct, rt, kt]).
Value MmInitShort(BuiltinCall& c, size_t max_args) {
  c.RequireArgs(2, max_args);
  const kir::Expr transpose = c.lowerer->Snapshot("transpose", c.U32Or(2, 0), c.pos);
  Value v = EmitIntrinsic(c, Intrinsic::mm_init_short, {c.U32(0), c.U32(1), transpose});
  SetTranspose(c, transpose);
  return v;
}

Value MatmulTiles(BuiltinCall& c) {
  c.RequireArgs(5, 6);
  std::vector<kir::Expr> args = {c.U32(0), c.U32(1), c.U32(2), c.U32(3), c.U32(4)};
  args.push_back(c.count() == 6 ? c.U32(5) : Transpose(c));
  return EmitIntrinsic(c, Intrinsic::matmul_tiles, std::move(args));
}

// matmul_block(in0, in1, tile0, tile1, dst, transpose, ct_dim, rt_dim, kt_dim): for every output tile (r, c)
// of the rt_dim x ct_dim block, DST[dst + r * ct_dim + c] += A[tile0 + r * kt_dim] x B[tile1 + c].
Value MatmulBlock(BuiltinCall& c) {
  c.RequireArgs(9, 10);
  Lowerer& l = *c.lowerer;
  l.CheckRole(Intrinsic::matmul_tiles, c.name, c.pos);
  const kir::SourceLocation loc = l.Loc(c.pos);
  std::vector<kir::Expr> a;
  for (size_t i = 0; i < 9; ++i) a.push_back(l.Snapshot("matmul_block_arg", c.U32(i), c.pos));
  const kir::VarId r = l.NewVar("rt", kir::Type::U32, false);
  const kir::VarId col = l.NewVar("ct", kir::Type::U32, false);
  const kir::Expr rv = kir::MakeVar(l.kernel(), r, loc);
  const kir::Expr cv = kir::MakeVar(l.kernel(), col, loc);
  const kir::Expr tile0 = kir::MakeBinary(BinaryOp::Add, a[2], kir::MakeBinary(BinaryOp::Mul, rv, a[8], loc), loc);
  const kir::Expr tile1 = kir::MakeBinary(BinaryOp::Add, a[3], cv, loc);
  const kir::Expr dst = kir::MakeBinary(BinaryOp::Add, a[4], kir::MakeBinary(BinaryOp::Add, kir::MakeBinary(BinaryOp::Mul, rv, a[6], loc), cv, loc), loc);
  const kir::Stmt mm = kir::MakeStmt(kir::EvaluateStmt{kir::MakeCall(Intrinsic::matmul_tiles, {a[0], a[1], tile0, tile1, dst, a[5]}, loc)}, loc);
  const kir::Expr zero = l.Const(0, kir::Type::U32, c.pos);
  const kir::Expr one = l.Const(1, kir::Type::U32, c.pos);
  const kir::Stmt inner = kir::MakeStmt(kir::ForStmt{col, zero, a[6], one, kir::MakeStmt(kir::SeqStmt{{mm}}, loc)}, loc);
  l.Emit(kir::MakeStmt(kir::ForStmt{r, zero, a[7], one, kir::MakeStmt(kir::SeqStmt{{inner}}, loc)}, loc));
  return Value{};
}

Value PackTile(BuiltinCall& c) {
  c.RequireArgs(2, 3);
  const bool out_of_order = c.TemplateValue(0).value_or(0) != 0;
  if (out_of_order) return EmitIntrinsic(c, Intrinsic::pack_tile_out_of_order, {c.U32(0), c.U32(1), c.U32Or(2, 0)});
  return EmitIntrinsic(c, Intrinsic::pack_tile, {c.U32(0), c.U32(1)});
}

// An SFPU op: `name_init<...>(...)` and `name<...>(dst, ...)`; template and extra arguments are accepted.
void AddSfpu(std::map<std::string, BuiltinHandler>& t, const std::string& name, Intrinsic init, Intrinsic op) {
  t[name + "_init"] = [init](BuiltinCall& c) {
    c.RequireArgs(0, 4);
    return EmitIntrinsic(c, init, {});
  };
  t[name] = [op](BuiltinCall& c) {
    c.RequireArgs(1, 4);
    return EmitIntrinsic(c, op, {c.U32(0)});
  };
}

// binary_max_tile / binary_min_tile (binary_max_min.h): (idst0, idst1, odst[, vector_mode]). The older
// binary_max.h spelling (idst0, idst1) writes the result over idst0. Only VectorMode::RC (the whole tile,
// the default) is emulated, so another mode is an error rather than a silently different result.
Value MaxMinTile(BuiltinCall& c, Intrinsic op) {
  c.RequireArgs(2, 4);
  Lowerer& l = *c.lowerer;
  if (c.count() == 4) {
    constexpr uint64_t kVectorModeRc = 4;  // tt-metal's VectorMode::RC (builtin_names.cpp)
    const kir::Expr mode = c.U32(3);
    const auto* constant = mode.defined() ? std::get_if<kir::ConstExpr>(&mode->node) : nullptr;
    if (constant == nullptr || constant->value != kVectorModeRc) {
      l.Error(c.pos, "'" + c.name + "': only VectorMode::RC (the whole tile) is supported as the vector mode");
    }
  }
  if (c.count() == 2) {
    const kir::Expr dst0 = l.Snapshot("idst0", c.U32(0), c.pos);
    return EmitIntrinsic(c, op, {dst0, c.U32(1), dst0});
  }
  return EmitIntrinsic(c, op, {c.U32(0), c.U32(1), c.U32(2)});
}

// The bcast.h intrinsics of one operation, indexed by tt-metal's BroadcastType (llk_defs.h: NONE = 0, COL = 1,
// ROW = 2, SCALAR = 3). Only the ROW op takes the sixth argument (bcast_row_idx).
struct BcastOps {
  const char* name;  // the templated spelling, for messages
  Intrinsic tiles[4];
  Intrinsic inits[4];
};
constexpr uint64_t kBroadcastRow = 2;
const BcastOps kBcastAdd{"add_tiles_bcast",
                         {Intrinsic::add_tiles, Intrinsic::add_tiles_bcast_cols, Intrinsic::add_tiles_bcast_rows,
                          Intrinsic::add_tiles_bcast_scalar},
                         {Intrinsic::add_tiles_init, Intrinsic::add_bcast_cols_init_short,
                          Intrinsic::add_bcast_rows_init_short, Intrinsic::add_bcast_scalar_init_short}};
const BcastOps kBcastSub{"sub_tiles_bcast",
                         {Intrinsic::sub_tiles, Intrinsic::sub_tiles_bcast_cols, Intrinsic::sub_tiles_bcast_rows,
                          Intrinsic::sub_tiles_bcast_scalar},
                         {Intrinsic::sub_tiles_init, Intrinsic::sub_bcast_cols_init_short,
                          Intrinsic::sub_bcast_rows_init_short, Intrinsic::sub_tiles_bcast_scalar_init_short}};
const BcastOps kBcastMul{"mul_tiles_bcast",
                         {Intrinsic::mul_tiles, Intrinsic::mul_tiles_bcast_cols, Intrinsic::mul_tiles_bcast_rows,
                          Intrinsic::mul_tiles_bcast_scalar},
                         {Intrinsic::mul_tiles_init, Intrinsic::mul_bcast_cols_init_short,
                          Intrinsic::mul_bcast_rows_init_short, Intrinsic::mul_tiles_bcast_scalar_init_short}};

// The BroadcastType template argument `i` of a bcast.h call: required, and one of NONE, COL, ROW, SCALAR.
uint64_t BroadcastDim(BuiltinCall& c, size_t i) {
  const std::optional<uint64_t> dim = c.TemplateValue(i);
  if (!dim) {
    c.lowerer->Error(c.pos, "'" + c.name + "' needs its BroadcastType template argument (BroadcastType::ROW, COL, "
                                           "SCALAR or NONE)");
  }
  if (*dim > 3) {
    c.lowerer->Error(c.pos, "'" + c.name + "': BroadcastType value " + std::to_string(*dim) +
                                " is not NONE (0), COL (1), ROW (2) or SCALAR (3)");
  }
  return *dim;
}

// add/sub/mul_tiles_bcast<dim>(in0, in1, tile0, tile1, dst[, bcast_row_idx]): the row index only matters for ROW
// (tt-metal passes it to the unpacker, which reads it for ROW only), so elsewhere it is not evaluated.
Value TilesBcast(BuiltinCall& c, const BcastOps& ops) {
  c.RequireArgs(5, 6);
  const uint64_t dim = BroadcastDim(c, 0);
  std::vector<kir::Expr> args = {c.U32(0), c.U32(1), c.U32(2), c.U32(3), c.U32(4)};
  if (dim == kBroadcastRow) args.push_back(c.U32Or(5, 0));
  return EmitIntrinsic(c, ops.tiles[dim], std::move(args));
}

// init_bcast<op, dim>(in0, in1, out[, call_line]): op is tt-metal's EltwiseBinaryType (ELWMUL = 0, ELWADD = 2,
// ELWSUB = 3; ELWDIV and ELWLESS have no broadcast form).
Value InitBcast(BuiltinCall& c) {
  c.RequireArgs(3, 4);
  Lowerer& l = *c.lowerer;
  const std::optional<uint64_t> op = c.TemplateValue(0);
  const BcastOps* ops = nullptr;
  if (op == 0u) ops = &kBcastMul;
  if (op == 2u) ops = &kBcastAdd;
  if (op == 3u) ops = &kBcastSub;
  if (ops == nullptr) {
    l.Error(c.pos, "'init_bcast' needs EltwiseBinaryType::ELWADD, ELWSUB or ELWMUL as its first template argument");
  }
  const uint64_t dim = BroadcastDim(c, 1);
  const kir::Expr in0 = l.Snapshot("icb0", c.U32(0), c.pos);
  const kir::Expr in1 = l.Snapshot("icb1", c.U32(1), c.pos);
  EmitIntrinsic(c, Intrinsic::binary_op_init_common, {in0, in1, c.U32(2)});
  return EmitIntrinsic(c, ops->inits[dim], {in0, in1});
}

Value NoOp(BuiltinCall& c) {
  c.RequireArgs(0, 4);
  c.lowerer->CheckRole(Intrinsic::tile_regs_acquire, c.name, c.pos);  // compute only
  return Value{};
}

}  // namespace

void AddComputeBuiltins(std::map<std::string, BuiltinHandler>& t) {
  t["tile_regs_acquire"] = Direct(Intrinsic::tile_regs_acquire, 0, 0);
  t["tile_regs_commit"] = Direct(Intrinsic::tile_regs_commit, 0, 0);
  t["tile_regs_wait"] = Direct(Intrinsic::tile_regs_wait, 0, 0);
  t["tile_regs_release"] = Direct(Intrinsic::tile_regs_release, 0, 0);
  t["acquire_dst"] = Direct(Intrinsic::acquire_dst, 0, 1);  // the old DstMode argument is ignored
  t["release_dst"] = Direct(Intrinsic::release_dst, 0, 1);

  t["binary_op_init_common"] = Direct(Intrinsic::binary_op_init_common, 2, 3, {0, 1, 16});
  t["unary_op_init_common"] = Direct(Intrinsic::unary_op_init_common, 1, 2, {0, 16});
  t["init_sfpu"] = Direct(Intrinsic::init_sfpu, 1, 2, {0, 16});
  t["compute_kernel_hw_startup"] = [](BuiltinCall& c) {
    c.RequireArgs(2, 3);
    if (c.count() == 2) return EmitIntrinsic(c, Intrinsic::unary_op_init_common, {c.U32(0), c.U32(1)});
    return EmitIntrinsic(c, Intrinsic::binary_op_init_common, {c.U32(0), c.U32(1), c.U32(2)});
  };
  t["add_tiles_init"] = Direct(Intrinsic::add_tiles_init, 0, 3, {0, 1});
  t["sub_tiles_init"] = Direct(Intrinsic::sub_tiles_init, 0, 3, {0, 1});
  t["mul_tiles_init"] = Direct(Intrinsic::mul_tiles_init, 0, 3, {0, 1});
  t["add_tiles_init_nof"] = Direct(Intrinsic::add_tiles_init, 0, 0, {0, 1});
  t["mul_tiles_init_f"] = Direct(Intrinsic::mul_tiles_init, 0, 0, {0, 1});
  t["add_tiles"] = Direct(Intrinsic::add_tiles, 5, 5);
  t["sub_tiles"] = Direct(Intrinsic::sub_tiles, 5, 5);
  t["mul_tiles"] = Direct(Intrinsic::mul_tiles, 5, 5);

  t["copy_tile_to_dst_init_short"] = Direct(Intrinsic::copy_tile_to_dst_init_short, 0, 2, {0});
  t["copy_tile_to_dst_init_short_with_dt"] = [](BuiltinCall& c) {
    c.RequireArgs(2, 3);
    return EmitIntrinsic(c, Intrinsic::copy_tile_to_dst_init_short, {c.U32(1)});
  };
  t["copy_tile_init"] = Direct(Intrinsic::copy_tile_init, 0, 1, {0});
  t["copy_init"] = Direct(Intrinsic::copy_tile_init, 1, 1);
  t["copy_tile"] = Direct(Intrinsic::copy_tile, 3, 3);

  t["mm_init"] = [](BuiltinCall& c) { return MmInit(c, 4); };
  t["mm_block_init"] = [](BuiltinCall& c) { return MmInit(c, 7); };
  t["mm_init_short"] = [](BuiltinCall& c) { return MmInitShort(c, 3); };
  t["matmul_init"] = [](BuiltinCall& c) { return MmInitShort(c, 4); };
  t["mm_block_init_short"] = [](BuiltinCall& c) { return MmInitShort(c, 6); };
  t["matmul_block_init"] = [](BuiltinCall& c) { return MmInitShort(c, 7); };
  t["matmul_tiles"] = MatmulTiles;
  t["matmul_tile"] = MatmulTiles;
  t["matmul_block"] = MatmulBlock;

  t["pack_tile"] = PackTile;

  AddSfpu(t, "exp_tile", Intrinsic::exp_tile_init, Intrinsic::exp_tile);
  AddSfpu(t, "log_tile", Intrinsic::log_tile_init, Intrinsic::log_tile);
  AddSfpu(t, "relu_tile", Intrinsic::relu_tile_init, Intrinsic::relu_tile);
  AddSfpu(t, "recip_tile", Intrinsic::recip_tile_init, Intrinsic::recip_tile);
  AddSfpu(t, "sqrt_tile", Intrinsic::sqrt_tile_init, Intrinsic::sqrt_tile);
  AddSfpu(t, "gelu_tile", Intrinsic::gelu_tile_init, Intrinsic::gelu_tile);

  // transpose_wh.h: the input tile transposed into DST.
  t["transpose_wh_init"] = Direct(Intrinsic::transpose_wh_init, 2, 2);
  t["transpose_wh_init_short"] = Direct(Intrinsic::transpose_wh_init_short, 1, 1);
  t["transpose_wh_tile"] = Direct(Intrinsic::transpose_wh_tile, 3, 3);
  // eltwise_unary/binop_with_scalar.h: (idst, param), param the fp32 scalar's bits; div multiplies by param.
  t["binop_with_scalar_tile_init"] = Direct(Intrinsic::binop_with_scalar_tile_init, 0, 0);
  t["add_unary_tile"] = Direct(Intrinsic::add_unary_tile, 2, 2);
  t["sub_unary_tile"] = Direct(Intrinsic::sub_unary_tile, 2, 2);
  t["mul_unary_tile"] = Direct(Intrinsic::mul_unary_tile, 2, 2);
  t["div_unary_tile"] = Direct(Intrinsic::div_unary_tile, 2, 2);
  t["rsub_unary_tile"] = Direct(Intrinsic::rsub_unary_tile, 2, 2);
  // binary_max_min.h: DST-to-DST max / min.
  t["binary_max_tile_init"] = Direct(Intrinsic::binary_max_tile_init, 0, 0);
  t["binary_min_tile_init"] = Direct(Intrinsic::binary_min_tile_init, 0, 0);
  t["binary_max_tile"] = [](BuiltinCall& c) { return MaxMinTile(c, Intrinsic::binary_max_tile); };
  t["binary_min_tile"] = [](BuiltinCall& c) { return MaxMinTile(c, Intrinsic::binary_min_tile); };

  // bcast.h: broadcast binary ops. The init_short spellings are tt-metal's own (sub/mul scalar keep "tiles_").
  for (const BcastOps* ops : {&kBcastAdd, &kBcastSub, &kBcastMul}) {
    for (uint64_t dim = 1; dim <= 3; ++dim) {
      const Intrinsic tiles = ops->tiles[dim], init = ops->inits[dim];
      t[std::string(bc::Info(tiles).name)] = Direct(tiles, 5, dim == kBroadcastRow ? 6 : 5);
      t[std::string(bc::Info(init).name)] = Direct(init, 2, 3);  // tt-metal's third parameter is the call line
    }
    t[ops->name] = [ops](BuiltinCall& c) { return TilesBcast(c, *ops); };
  }
  t["init_bcast"] = InitBcast;

  for (const char* name : {"reconfig_data_format", "reconfig_data_format_srca", "reconfig_data_format_srcb",
                           "pack_reconfig_data_format", "unpack_reconfig_data_format",
                           "unpack_reconfig_data_format_srca", "unpack_reconfig_data_format_srcb"}) {
    t[name] = NoOp;
  }
}

}  // namespace tilesim::metalium
