#include "compiler/tile/passes/eltwise_codegen.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <map>
#include <set>

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;
using bc::Intrinsic;

const ValueConst* AsConst(const Value& v) { return std::get_if<ValueConst>(&v->node); }

// Rewrites the value tree into what the tile engine has (see the header): constants folded and moved to
// the right of commutative operations, max / min with a constant through ReLU, division by a reciprocal.
Value Canonicalize(const PrimFunc& func, const Value& v) {
  const SourceLocation loc = v->location;
  auto relu = [&](Value x) { return MakeValueUnary(ValueUnaryOp::Relu, std::move(x), loc); };
  auto op = [&](ValueBinaryOp o, Value x, Value y) { return MakeValueBinary(o, std::move(x), std::move(y), loc); };
  auto num = [&](double x) { return MakeValueConst(x, loc); };
  if (const auto* cast = std::get_if<ValueCast>(&v->node)) return Canonicalize(func, cast->operand);
  if (const auto* un = std::get_if<ValueUnary>(&v->node)) {
    const Value x = Canonicalize(func, un->operand);
    if (un->op == ValueUnaryOp::Neg) {
      if (const ValueConst* c = AsConst(x)) return num(-c->value);
      return op(ValueBinaryOp::Mul, x, num(-1.0));
    }
    if (AsConst(x)) {
      FailAt(func, loc, fmt::format("unsupported: {} of a constant in T.Parallel", ToString(un->op)));
    }
    return MakeValueUnary(un->op, x, loc);
  }
  if (const auto* bin = std::get_if<ValueBinary>(&v->node)) {
    Value a = Canonicalize(func, bin->lhs), b = Canonicalize(func, bin->rhs);
    const ValueConst* ca = AsConst(a);
    const ValueConst* cb = AsConst(b);
    if (ca && cb) {  // both constant: fold in fp32, as the reference computes
      const float x = static_cast<float>(ca->value), y = static_cast<float>(cb->value);
      switch (bin->op) {
        case ValueBinaryOp::Add: return num(x + y);
        case ValueBinaryOp::Sub: return num(x - y);
        case ValueBinaryOp::Mul: return num(x * y);
        case ValueBinaryOp::Div: return num(x / y);
        case ValueBinaryOp::Max: return num(std::max(x, y));
        case ValueBinaryOp::Min: return num(std::min(x, y));
      }
    }
    const bool commutative = bin->op == ValueBinaryOp::Add || bin->op == ValueBinaryOp::Mul ||
                             bin->op == ValueBinaryOp::Max || bin->op == ValueBinaryOp::Min;
    if (ca && commutative) {
      std::swap(a, b);
      std::swap(ca, cb);
    }
    switch (bin->op) {
      case ValueBinaryOp::Max:
        if (cb && cb->value == 0.0) return relu(a);
        if (cb) return op(ValueBinaryOp::Add, relu(op(ValueBinaryOp::Sub, a, b)), b);  // relu(x - c) + c
        return op(ValueBinaryOp::Max, a, b);
      case ValueBinaryOp::Min:
        if (cb) return op(ValueBinaryOp::Sub, b, relu(op(ValueBinaryOp::Sub, b, a)));  // c - relu(c - x)
        return op(ValueBinaryOp::Min, a, b);
      case ValueBinaryOp::Div:
        if (cb) return op(ValueBinaryOp::Mul, a, num(1.0f / static_cast<float>(cb->value)));
        if (ca) return op(ValueBinaryOp::Mul, MakeValueUnary(ValueUnaryOp::Recip, b, loc), a);
        return op(ValueBinaryOp::Mul, a, MakeValueUnary(ValueUnaryOp::Recip, b, loc));
      default:
        return op(bin->op, a, b);
    }
  }
  return v;
}

uint32_t FloatBits(double value) { return std::bit_cast<uint32_t>(static_cast<float>(value)); }

class TileEmitter {
 public:
  TileEmitter(const EltwiseContext& context, Index tile, SourceLocation loc)
      : ctx_(context), tile_(std::move(tile)), loc_(loc) {}

  std::vector<Stmt> Run(const Value& value, int32_t target_cb) {
    const Value canonical = Canonicalize(*ctx_.func, value);
    if (std::holds_alternative<ValueConst>(canonical->node)) {
      FailAt(*ctx_.func, value->location,
             "unsupported: a T.Parallel statement storing a constant (the tile engine fills no tile with a scalar)");
    }
    Operand result = Eval(canonical);
    ToDst(result);
    Close(target_cb, /*scratch=*/false);
    return std::move(out_);
  }

 private:
  struct Operand {
    bool in_dst = false;
    int32_t cb = -1;
    Index slot;
    bool scratch = false;
    bool row_broadcast = false;  // a row vector's tile: only a row-broadcast binary operation can read it
  };

  Index Const(int64_t v) const { return MakeIndexConst(v, loc_); }
  void Call(Intrinsic intrinsic, std::vector<Index> args) {
    math_.push_back(MakeStmt(CallStmt{intrinsic, std::move(args)}, loc_));
  }
  void Reads(const Operand& op) {
    if (op.scratch) reads_scratch_.push_back(op.cb);
  }

  Operand Eval(const Value& v) {
    return std::visit(
        [&](const auto& op) -> Operand {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, ValueLoad>) {
            if (ctx_.row_broadcast && ctx_.row_broadcast(op.buffer, op.indices)) {
              const Index column = MakeIndexBinary(IndexOp::FloorMod, tile_, Const(ctx_.tile_cols), loc_);
              return Operand{false, ctx_.cb_of(op.buffer, v->location), column, false, true};
            }
            return Operand{false, ctx_.cb_of(op.buffer, v->location), tile_, false};
          } else if constexpr (std::is_same_v<T, ValueUnary>) {
            Operand x = Eval(op.operand);
            ToDst(x);
            switch (op.op) {
              case ValueUnaryOp::Exp:
                Call(Intrinsic::exp_tile, {Const(0)});
                break;
              case ValueUnaryOp::Relu:
                Call(Intrinsic::relu_tile, {Const(0)});
                break;
              case ValueUnaryOp::Sqrt:
                Call(Intrinsic::sqrt_tile, {Const(0)});
                break;
              case ValueUnaryOp::Recip:
                Call(Intrinsic::recip_tile, {Const(0)});
                break;
              case ValueUnaryOp::Neg:
                Internal("LowerTTTileIntrinsics", "unary minus survived canonicalisation");
            }
            return Operand{true, -1, nullptr, false};
          } else if constexpr (std::is_same_v<T, ValueBinary>) {
            if (const ValueConst* c = AsConst(op.rhs)) {  // x op scalar on the SFPU, in place
              ToDst(Eval(op.lhs));
              Intrinsic scalar = Intrinsic::add_unary_tile;
              if (op.op == ValueBinaryOp::Sub) scalar = Intrinsic::sub_unary_tile;
              if (op.op == ValueBinaryOp::Mul) scalar = Intrinsic::mul_unary_tile;
              if (op.op != ValueBinaryOp::Add && op.op != ValueBinaryOp::Sub && op.op != ValueBinaryOp::Mul) {
                Internal("LowerTTTileIntrinsics", "scalar operation survived canonicalisation");
              }
              Call(scalar, {Const(0), Const(FloatBits(c->value))});
              return Operand{true, -1, nullptr, false};
            }
            if (const ValueConst* c = AsConst(op.lhs)) {  // scalar - x
              if (op.op != ValueBinaryOp::Sub) Internal("LowerTTTileIntrinsics", "scalar on the left survived");
              ToDst(Eval(op.rhs));
              Call(Intrinsic::rsub_unary_tile, {Const(0), Const(FloatBits(c->value))});
              return Operand{true, -1, nullptr, false};
            }
            Operand a = Eval(op.lhs);
            if (a.in_dst) a = Spill();
            if (op.op == ValueBinaryOp::Max || op.op == ValueBinaryOp::Min) {  // both in DST: 0 and 1
              ToDst(Eval(op.rhs));
              if (a.row_broadcast) ToDst(a);  // reports the unsupported use
              Reads(a);
              Call(Intrinsic::copy_tile, {Const(a.cb), a.slot, Const(1)});
              Call(op.op == ValueBinaryOp::Max ? Intrinsic::binary_max_tile : Intrinsic::binary_min_tile,
                   {Const(0), Const(1), Const(0)});
              return Operand{true, -1, nullptr, false};
            }
            Operand b = Eval(op.rhs);
            if (b.in_dst) b = Spill();
            if (!math_.empty()) Internal("LowerTTTileIntrinsics", "DST busy at a binary tile operation");
            if (a.row_broadcast || b.row_broadcast) return RowBroadcast(op.op, a, b, v->location);
            Intrinsic intrinsic = Intrinsic::add_tiles;
            if (op.op == ValueBinaryOp::Sub) intrinsic = Intrinsic::sub_tiles;
            if (op.op == ValueBinaryOp::Mul) intrinsic = Intrinsic::mul_tiles;
            if (op.op == ValueBinaryOp::Div) Internal("LowerTTTileIntrinsics", "division survived canonicalisation");
            Reads(a);
            Reads(b);
            Call(intrinsic, {Const(a.cb), Const(b.cb), a.slot, b.slot, Const(0)});
            return Operand{true, -1, nullptr, false};
          } else {
            Internal("LowerTTTileIntrinsics", "constant or cast survived canonicalisation");
          }
        },
        v->node);
  }

  // x op v with v a row vector (in1 of the broadcast); v - x is -(x - v).
  Operand RowBroadcast(ValueBinaryOp op, Operand a, Operand b, SourceLocation where) {
    if (a.row_broadcast && b.row_broadcast) {
      FailAt(*ctx_.func, where, "unsupported: an element-wise operation between two row vectors (no block operand)");
    }
    const bool swapped = a.row_broadcast;
    if (swapped) std::swap(a, b);
    Intrinsic intrinsic = Intrinsic::add_tiles_bcast_rows;
    if (op == ValueBinaryOp::Sub) intrinsic = Intrinsic::sub_tiles_bcast_rows;
    if (op == ValueBinaryOp::Mul) intrinsic = Intrinsic::mul_tiles_bcast_rows;
    Reads(a);
    Reads(b);
    Call(intrinsic, {Const(a.cb), Const(b.cb), a.slot, b.slot, Const(0), Const(0)});
    if (swapped && op == ValueBinaryOp::Sub) Call(Intrinsic::mul_unary_tile, {Const(0), Const(FloatBits(-1.0))});
    return Operand{true, -1, nullptr, false};
  }

  void ToDst(const Operand& op) {
    if (op.row_broadcast) {
      FailAt(*ctx_.func, loc_, "unsupported: a row vector used other than in +, - or * with a block operand");
    }
    if (op.in_dst) return;
    if (!math_.empty()) Internal("LowerTTTileIntrinsics", "DST busy at copy_tile");
    Reads(op);
    Call(Intrinsic::copy_tile, {Const(op.cb), op.slot, Const(0)});
  }

  // Packs DST 0 into the scratch CB of the current depth and returns it as an operand.
  // The smallest scratch depth not holding a live page (pages being read by the open region are live).
  Operand Spill() {
    uint32_t depth = 0;
    while (live_.count(depth)) ++depth;
    live_.insert(depth);
    const int32_t cb = ctx_.scratch_cb(depth);
    depth_of_cb_[cb] = depth;
    Close(cb, /*scratch=*/true);
    return Operand{false, cb, Const(0), true};
  }

  // Ends the open DST region: pack DST 0 into `cb`; the scratch CBs it read are popped after it.
  void Close(int32_t cb, bool scratch) {
    std::vector<Stmt> pack = {MakeStmt(CallStmt{Intrinsic::pack_tile, {Const(0), Const(cb)}}, loc_)};
    Stmt region = MakeStmt(DstRegionStmt{MakeSeq(std::move(math_), loc_), MakeSeq(std::move(pack), loc_)}, loc_);
    math_.clear();
    for (int32_t read : reads_scratch_) {
      region = MakeStmt(CBRegionStmt{read, Const(1), CBAccess::Consume, region}, loc_);
      live_.erase(depth_of_cb_.at(read));
    }
    reads_scratch_.clear();
    if (scratch) region = MakeStmt(CBRegionStmt{cb, Const(1), CBAccess::Produce, region}, loc_);
    out_.push_back(region);
  }

  const EltwiseContext& ctx_;
  Index tile_;
  SourceLocation loc_;
  std::vector<Stmt> out_;
  std::vector<Stmt> math_;
  std::vector<int32_t> reads_scratch_;
  std::set<uint32_t> live_;  // scratch depths holding a page not yet read
  std::map<int32_t, uint32_t> depth_of_cb_;
};

}  // namespace

std::vector<tir::Stmt> EmitEltwiseTile(const EltwiseContext& context, const tir::Value& value, const tir::Index& tile,
                                       int32_t target_cb, tir::SourceLocation loc) {
  TileEmitter emitter(context, tile, loc);
  return emitter.Run(value, target_cb);
}

}  // namespace tilesim::tile
