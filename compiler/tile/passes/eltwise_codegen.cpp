#include "compiler/tile/passes/eltwise_codegen.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;
using bc::Intrinsic;

bool IsZero(const Value& v) {
  const auto* c = std::get_if<ValueConst>(&v->node);
  return c && c->value == 0.0;
}

// Rewrites max / min / division / casts into what the tile engine has (see the header).
Value Canonicalize(const PrimFunc& func, const Value& v) {
  const SourceLocation loc = v->location;
  if (const auto* cast = std::get_if<ValueCast>(&v->node)) return Canonicalize(func, cast->operand);
  if (const auto* un = std::get_if<ValueUnary>(&v->node)) {
    if (un->op == ValueUnaryOp::Neg) {
      FailAt(func, loc, "unsupported: unary minus in T.Parallel (write it as a subtraction of two buffers)");
    }
    return MakeValueUnary(un->op, Canonicalize(func, un->operand), loc);
  }
  if (const auto* bin = std::get_if<ValueBinary>(&v->node)) {
    const Value a = bin->lhs, b = bin->rhs;
    auto relu = [&](Value x) { return MakeValueUnary(ValueUnaryOp::Relu, std::move(x), loc); };
    auto op = [&](ValueBinaryOp o, Value x, Value y) { return MakeValueBinary(o, std::move(x), std::move(y), loc); };
    switch (bin->op) {
      case ValueBinaryOp::Max:
        if (IsZero(b)) return relu(Canonicalize(func, a));
        if (IsZero(a)) return relu(Canonicalize(func, b));
        return Canonicalize(func, op(ValueBinaryOp::Add, relu(op(ValueBinaryOp::Sub, a, b)), b));
      case ValueBinaryOp::Min:
        if (IsZero(b) || IsZero(a)) {
          const Value x = Canonicalize(func, IsZero(b) ? a : b);
          return op(ValueBinaryOp::Sub, x, relu(x));
        }
        return Canonicalize(func, op(ValueBinaryOp::Sub, a, relu(op(ValueBinaryOp::Sub, a, b))));
      case ValueBinaryOp::Div:
        return op(ValueBinaryOp::Mul, Canonicalize(func, a),
                  MakeValueUnary(ValueUnaryOp::Recip, Canonicalize(func, b), loc));
      default:
        return op(bin->op, Canonicalize(func, a), Canonicalize(func, b));
    }
  }
  if (std::holds_alternative<ValueConst>(v->node)) {
    FailAt(func, loc,
           "unsupported: a scalar constant in T.Parallel (only T.max(x, 0) / T.min(x, 0) take a constant); "
           "put the constant in a tensor");
  }
  return v;
}

class TileEmitter {
 public:
  TileEmitter(const EltwiseContext& context, Index tile, SourceLocation loc)
      : ctx_(context), tile_(std::move(tile)), loc_(loc) {}

  std::vector<Stmt> Run(const Value& value, int32_t target_cb) {
    const Value canonical = Canonicalize(*ctx_.func, value);
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
            Operand a = Eval(op.lhs);
            if (a.in_dst) a = Spill();
            Operand b = Eval(op.rhs);
            if (b.in_dst) b = Spill();
            if (!math_.empty()) Internal("LowerTTTileIntrinsics", "DST busy at a binary tile operation");
            Intrinsic intrinsic = Intrinsic::add_tiles;
            if (op.op == ValueBinaryOp::Sub) intrinsic = Intrinsic::sub_tiles;
            if (op.op == ValueBinaryOp::Mul) intrinsic = Intrinsic::mul_tiles;
            if (op.op != ValueBinaryOp::Add && op.op != ValueBinaryOp::Sub && op.op != ValueBinaryOp::Mul) {
              Internal("LowerTTTileIntrinsics", "binary operation survived canonicalisation");
            }
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

  void ToDst(const Operand& op) {
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
