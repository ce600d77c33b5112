#include "compiler/tile/passes/insert_compute_init_tt.h"

#include <optional>
#include <set>

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;
using bc::Intrinsic;

// What the FPU / unpacker and the SFPU are configured for: the init call that configured them.
struct Config {
  std::optional<std::pair<Intrinsic, std::vector<int64_t>>> fpu;
  std::optional<Intrinsic> sfpu;
  bool fpu_known = true;  // false: unknown (after a loop whose body changes it, or after an if)
  bool sfpu_known = true;
  friend bool operator==(const Config&, const Config&) = default;
};

std::optional<int64_t> ConstArg(const CallStmt& call, size_t i) {
  if (i >= call.args.size()) return std::nullopt;
  const auto* c = std::get_if<IndexConst>(&call.args[i]->node);
  return c ? std::optional<int64_t>(c->value) : std::nullopt;
}

// The init call an operation needs, as (intrinsic, constant args), or nullopt if it needs none.
std::optional<std::pair<Intrinsic, std::vector<int64_t>>> FpuInitFor(const CallStmt& call) {
  auto args = [&](std::initializer_list<size_t> which) {
    std::vector<int64_t> out;
    for (size_t i : which) {
      std::optional<int64_t> v = ConstArg(call, i);
      if (!v) Internal("InsertComputeInitTT", "a circular buffer index that is not a constant");
      out.push_back(*v);
    }
    return out;
  };
  switch (call.intrinsic) {
    case Intrinsic::matmul_tiles:
      return std::make_pair(Intrinsic::mm_init_short, args({0, 1, 5}));
    case Intrinsic::add_tiles:
      return std::make_pair(Intrinsic::add_tiles_init, args({0, 1}));
    case Intrinsic::sub_tiles:
      return std::make_pair(Intrinsic::sub_tiles_init, args({0, 1}));
    case Intrinsic::mul_tiles:
      return std::make_pair(Intrinsic::mul_tiles_init, args({0, 1}));
    case Intrinsic::copy_tile:
      return std::make_pair(Intrinsic::copy_tile_to_dst_init_short, args({0}));
    case Intrinsic::transpose_wh_tile:
      return std::make_pair(Intrinsic::transpose_wh_init_short, args({0}));
    case Intrinsic::add_tiles_bcast_rows:
      return std::make_pair(Intrinsic::add_bcast_rows_init_short, args({0, 1}));
    case Intrinsic::sub_tiles_bcast_rows:
      return std::make_pair(Intrinsic::sub_bcast_rows_init_short, args({0, 1}));
    case Intrinsic::mul_tiles_bcast_rows:
      return std::make_pair(Intrinsic::mul_bcast_rows_init_short, args({0, 1}));
    default:
      return std::nullopt;
  }
}

std::optional<Intrinsic> SfpuInitFor(Intrinsic op) {
  switch (op) {
    case Intrinsic::exp_tile:
      return Intrinsic::exp_tile_init;
    case Intrinsic::relu_tile:
      return Intrinsic::relu_tile_init;
    case Intrinsic::sqrt_tile:
      return Intrinsic::sqrt_tile_init;
    case Intrinsic::recip_tile:
      return Intrinsic::recip_tile_init;
    case Intrinsic::log_tile:
      return Intrinsic::log_tile_init;
    case Intrinsic::gelu_tile:
      return Intrinsic::gelu_tile_init;
    case Intrinsic::add_unary_tile:
    case Intrinsic::sub_unary_tile:
    case Intrinsic::mul_unary_tile:
    case Intrinsic::div_unary_tile:
    case Intrinsic::rsub_unary_tile:
      return Intrinsic::binop_with_scalar_tile_init;
    case Intrinsic::binary_max_tile:
      return Intrinsic::binary_max_tile_init;
    case Intrinsic::binary_min_tile:
      return Intrinsic::binary_min_tile_init;
    default:
      return std::nullopt;
  }
}

class InitInserter {
 public:
  Stmt Run(const Stmt& stmt, Config& state) {
    if (!stmt) return stmt;
    const SourceLocation loc = stmt->location;
    return std::visit(
        [&](const auto& op) -> Stmt {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, CallStmt>) {
            std::vector<Stmt> seq;
            if (auto init = FpuInitFor(op); init && (!state.fpu_known || state.fpu != init)) {
              std::vector<Index> args;
              for (int64_t v : init->second) args.push_back(MakeIndexConst(v, loc));
              seq.push_back(MakeStmt(CallStmt{init->first, std::move(args)}, loc));
              state.fpu = init;
              state.fpu_known = true;
            }
            if (auto init = SfpuInitFor(op.intrinsic); init && (!state.sfpu_known || state.sfpu != init)) {
              seq.push_back(MakeStmt(CallStmt{*init, {}}, loc));
              state.sfpu = init;
              state.sfpu_known = true;
            }
            seq.push_back(stmt);
            return MakeSeq(std::move(seq), loc);
          } else if constexpr (std::is_same_v<T, SeqStmt>) {
            std::vector<Stmt> out;
            for (const Stmt& s : op.stmts) out.push_back(Run(s, state));
            return MakeSeq(std::move(out), loc);
          } else if constexpr (std::is_same_v<T, ForStmt>) {
            // A loop needing one configuration throughout is configured once, before it.
            std::set<std::pair<Intrinsic, std::vector<int64_t>>> fpu_needs;
            std::set<Intrinsic> sfpu_needs;
            ForEachStmt(op.body, [&](const Stmt& s) {
              if (const auto* call = std::get_if<CallStmt>(&s->node)) {
                if (auto init = FpuInitFor(*call)) fpu_needs.insert(*init);
                if (auto init = SfpuInitFor(call->intrinsic)) sfpu_needs.insert(*init);
              }
            });
            if (fpu_needs.size() <= 1 && sfpu_needs.size() <= 1) {
              std::vector<Stmt> seq;
              if (!fpu_needs.empty() && (!state.fpu_known || state.fpu != *fpu_needs.begin())) {
                std::vector<Index> args;
                for (int64_t v : fpu_needs.begin()->second) args.push_back(MakeIndexConst(v, loc));
                seq.push_back(MakeStmt(CallStmt{fpu_needs.begin()->first, std::move(args)}, loc));
                state.fpu = *fpu_needs.begin();
                state.fpu_known = true;
              }
              if (!sfpu_needs.empty() && (!state.sfpu_known || state.sfpu != *sfpu_needs.begin())) {
                seq.push_back(MakeStmt(CallStmt{*sfpu_needs.begin(), {}}, loc));
                state.sfpu = *sfpu_needs.begin();
                state.sfpu_known = true;
              }
              ForStmt copy = op;
              copy.body = Run(op.body, state);
              seq.push_back(MakeStmt(std::move(copy), loc));
              return MakeSeq(std::move(seq), loc);
            }
            Config entry = state;
            Config first = entry;
            Stmt body = Run(op.body, first);
            if (!(first == entry)) {  // the next iteration starts where this one ended: configure again
              Config unknown = entry;
              unknown.fpu_known = unknown.fpu_known && first.fpu == entry.fpu;
              unknown.sfpu_known = unknown.sfpu_known && first.sfpu == entry.sfpu;
              body = Run(op.body, unknown);
              state = unknown;
            } else {
              state = first;
            }
            ForStmt copy = op;
            copy.body = body;
            return MakeStmt(std::move(copy), loc);
          } else if constexpr (std::is_same_v<T, IfStmt>) {
            Config then_state = state, else_state = state;
            Stmt then_body = Run(op.then_body, then_state);
            Stmt else_body = Run(op.else_body, else_state);
            if (!(then_state == else_state)) {
              state = then_state;
              state.fpu_known = then_state.fpu_known && else_state.fpu_known && then_state.fpu == else_state.fpu;
              state.sfpu_known = then_state.sfpu_known && else_state.sfpu_known && then_state.sfpu == else_state.sfpu;
            } else {
              state = then_state;
            }
            return MakeStmt(IfStmt{op.cond, then_body, else_body}, loc);
          } else if constexpr (std::is_same_v<T, LetStmt>) {
            return MakeStmt(LetStmt{op.var, op.value, Run(op.body, state)}, loc);
          } else if constexpr (std::is_same_v<T, DstRegionStmt>) {
            Stmt math = Run(op.math, state);
            Stmt pack = Run(op.pack, state);
            return MakeStmt(DstRegionStmt{math, pack}, loc);
          } else if constexpr (std::is_same_v<T, CBRegionStmt>) {
            CBRegionStmt copy = op;
            copy.body = Run(op.body, state);
            return MakeStmt(std::move(copy), loc);
          } else {
            return stmt;
          }
        },
        stmt->node);
  }
};

// The first call of `intrinsic` in program order, if any.
const CallStmt* FirstCall(const Stmt& body, std::initializer_list<Intrinsic> intrinsics) {
  const CallStmt* found = nullptr;
  ForEachStmt(body, [&](const Stmt& s) {
    const auto* call = std::get_if<CallStmt>(&s->node);
    if (found || !call) return;
    for (Intrinsic i : intrinsics) {
      if (call->intrinsic == i) found = call;
    }
  });
  return found;
}

}  // namespace

tir::PrimFunc InsertComputeInitTT(tir::PrimFunc func, const CompileOptions&) {
  for (DeviceKernel& kernel : func.kernels) {
    if (kernel.role != KernelRole::Compute) continue;
    // The kernel-wide hardware set-up, from the first operation and the first circular buffer packed into.
    const CallStmt* pack = FirstCall(kernel.body, {Intrinsic::pack_tile});
    const int64_t out_cb = pack ? ConstArg(*pack, 1).value_or(16) : 16;
    std::vector<Stmt> prologue;
    Config state;
    if (const CallStmt* mm = FirstCall(kernel.body, {Intrinsic::matmul_tiles})) {
      const auto init = FpuInitFor(*mm);
      prologue.push_back(MakeStmt(CallStmt{Intrinsic::mm_init,
                                           {MakeIndexConst(init->second[0]), MakeIndexConst(init->second[1]),
                                            MakeIndexConst(out_cb), MakeIndexConst(init->second[2])}}));
      state.fpu = init;
    } else if (const CallStmt* op = FirstCall(kernel.body, {Intrinsic::add_tiles, Intrinsic::sub_tiles,
                                                            Intrinsic::mul_tiles, Intrinsic::copy_tile})) {
      const int64_t a = ConstArg(*op, 0).value_or(0);
      const int64_t b = op->intrinsic == Intrinsic::copy_tile ? a : ConstArg(*op, 1).value_or(1);
      prologue.push_back(MakeStmt(
          CallStmt{Intrinsic::binary_op_init_common, {MakeIndexConst(a), MakeIndexConst(b), MakeIndexConst(out_cb)}}));
    }
    InitInserter inserter;
    Stmt body = inserter.Run(kernel.body, state);
    prologue.push_back(body);
    kernel.body = MakeSeq(std::move(prologue));
  }
  return func;
}

}  // namespace tilesim::tile
