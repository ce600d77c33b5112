#include "compiler/tile/ir/verifier.h"

#include <fmt/format.h>

#include <set>

#include "compiler/tile/ir/mutator.h"

namespace tilesim::tir {

namespace {

size_t ArgCount(bc::Intrinsic intrinsic) {
  const std::string_view sig = bc::Info(intrinsic).signature;
  return sig.find('>');
}

class Verifier {
 public:
  Verifier(const PrimFunc& func, bool lowered) : func_(func), lowered_(lowered) {
    for (const Buffer& b : func.buffers) {
      if (b.cb_index >= 0) cbs_.insert(b.cb_index);
    }
  }

  void Body(const std::string& where, KernelRole role, bool has_role, const Stmt& stmt) {
    where_ = where;
    role_ = role;
    has_role_ = has_role;
    scope_.clear();
    S(stmt);
  }

  std::vector<std::string> errors;

 private:
  void Error(SourceLocation loc, const std::string& message) {
    errors.push_back(loc.line
                         ? fmt::format("{}:{}:{}: {}: {}", func_.source_file, loc.line, loc.column, where_, message)
                         : fmt::format("{}: {}", where_, message));
  }

  void Var(VarId v, SourceLocation loc) {
    if (v.index >= func_.vars.size()) return Error(loc, fmt::format("variable #{} does not exist", v.index));
    if (lowered_ && !scope_.count(v.index))
      Error(loc, fmt::format("'{}' used outside the scope binding it", func_.vars[v.index].name));
  }
  void Buf(BufferId b, SourceLocation loc) {
    if (b.index >= func_.buffers.size()) Error(loc, fmt::format("buffer #{} does not exist", b.index));
  }

  void I(const Index& index, SourceLocation loc) {
    if (!index) return Error(loc, "null index expression");
    std::visit(
        [&](const auto& op) {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, IndexVar>) {
            Var(op.var, index->location.line ? index->location : loc);
          } else if constexpr (std::is_same_v<T, IndexBinary>) {
            I(op.lhs, loc);
            I(op.rhs, loc);
          } else if constexpr (std::is_same_v<T, IndexCall>) {
            if (bc::Info(op.intrinsic).result() == bc::ValueKind::Void) {
              Error(loc, fmt::format("void intrinsic {} used as a value", bc::Info(op.intrinsic).name));
            }
            Call(op.intrinsic, op.args, loc);
          } else if constexpr (std::is_same_v<T, IndexArg>) {
            if (lowered_) Error(loc, fmt::format("named runtime arg '{}' left", op.name));
          }
        },
        index->node);
  }

  void V(const Value& value, SourceLocation loc) {
    if (!value) return Error(loc, "null value expression");
    if (const auto* l = std::get_if<ValueLoad>(&value->node)) {
      Buf(l->buffer, loc);
      for (const Index& i : l->indices) I(i, loc);
    } else if (const auto* u = std::get_if<ValueUnary>(&value->node)) {
      V(u->operand, loc);
    } else if (const auto* b = std::get_if<ValueBinary>(&value->node)) {
      V(b->lhs, loc);
      V(b->rhs, loc);
    } else if (const auto* c = std::get_if<ValueCast>(&value->node)) {
      V(c->operand, loc);
    }
  }

  void Call(bc::Intrinsic intrinsic, const std::vector<Index>& args, SourceLocation loc) {
    const auto& info = bc::Info(intrinsic);
    if (args.size() != ArgCount(intrinsic)) {
      Error(loc, fmt::format("{} takes {} arguments, given {}", info.name, ArgCount(intrinsic), args.size()));
    }
    if (has_role_ && !info.allowed_in(role_)) {
      Error(loc, fmt::format("{} may not be called by a {} kernel", info.name, ToString(role_)));
    }
    const std::string_view name = info.name;
    if (name.starts_with("cb_") && !args.empty()) {
      const auto* c = std::get_if<IndexConst>(&args[0]->node);
      if (!c || !cbs_.count(static_cast<int32_t>(c->value)))
        Error(loc, fmt::format("{} of a circular buffer the function does not have", name));
    }
    for (const Index& a : args) I(a, loc);
  }

  void Bind(VarId v, const std::function<void()>& inner) {
    const bool fresh = scope_.insert(v.index).second;
    inner();
    if (fresh) scope_.erase(v.index);
  }

  void S(const Stmt& stmt) {
    if (!stmt) return;
    const SourceLocation loc = stmt->location;
    std::visit(
        [&](const auto& op) {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, SeqStmt>) {
            for (const Stmt& s : op.stmts) {
              if (!s) Error(loc, "null statement in a sequence");
              S(s);
            }
          } else if constexpr (std::is_same_v<T, ForStmt>) {
            I(op.extent, loc);
            Bind(op.var, [&] { S(op.body); });
          } else if constexpr (std::is_same_v<T, LetStmt>) {
            I(op.value, loc);
            Bind(op.var, [&] { S(op.body); });
          } else if constexpr (std::is_same_v<T, IfStmt>) {
            I(op.cond, loc);
            S(op.then_body);
            S(op.else_body);
          } else if constexpr (std::is_same_v<T, CallStmt>) {
            if (bc::Info(op.intrinsic).result() != bc::ValueKind::Void) {
              Error(loc, fmt::format("{} returns a value but is called as a statement", bc::Info(op.intrinsic).name));
            }
            Call(op.intrinsic, op.args, loc);
          } else if (lowered_) {
            Error(loc, "a tile-level statement is left in a lowered kernel");
          } else if constexpr (std::is_same_v<T, KernelStmt>) {
            for (VarId v : op.block_vars) scope_.insert(v.index);
            S(op.body);
          } else if constexpr (std::is_same_v<T, CopyStmt>) {
            Buf(op.src.buffer, loc);
            Buf(op.dst.buffer, loc);
            for (const Index& i : op.src.offsets) I(i, loc);
            for (const Index& i : op.dst.offsets) I(i, loc);
          } else if constexpr (std::is_same_v<T, GemmStmt>) {
            Buf(op.a, loc);
            Buf(op.b, loc);
            Buf(op.c, loc);
          } else if constexpr (std::is_same_v<T, AllocStmt> || std::is_same_v<T, FillStmt>) {
            Buf(op.buffer, loc);
          } else if constexpr (std::is_same_v<T, ParallelStmt>) {
            S(op.body);
          } else if constexpr (std::is_same_v<T, StoreStmt>) {
            Buf(op.buffer, loc);
            for (const Index& i : op.indices) I(i, loc);
            V(op.value, loc);
          } else if constexpr (std::is_same_v<T, CBRegionStmt>) {
            I(op.pages, loc);
            S(op.body);
          } else if constexpr (std::is_same_v<T, TileReadStmt>) {
            Buf(op.tensor, loc);
            I(op.tile_row, loc);
            I(op.tile_col, loc);
            I(op.slot, loc);
          } else if constexpr (std::is_same_v<T, TileWriteStmt>) {
            Buf(op.tensor, loc);
            I(op.tile_row, loc);
            I(op.tile_col, loc);
            I(op.slot, loc);
          } else if constexpr (std::is_same_v<T, McastRegionStmt>) {
            I(op.pages, loc);
            S(op.sender_body);
          } else if constexpr (std::is_same_v<T, DstRegionStmt>) {
            S(op.math);
            S(op.pack);
          }
        },
        stmt->node);
  }

  const PrimFunc& func_;
  bool lowered_;
  std::set<int32_t> cbs_;
  std::set<uint32_t> scope_;
  std::string where_;
  KernelRole role_ = KernelRole::DataMovement0;
  bool has_role_ = false;
};

}  // namespace

std::vector<std::string> VerifyTileIR(const PrimFunc& func, bool lowered) {
  Verifier v(func, lowered);
  if (func.body) v.Body(func.name, KernelRole::DataMovement0, false, func.body);
  for (const DeviceKernel& k : func.kernels) v.Body(func.name + "/" + k.name, k.role, true, k.body);
  return std::move(v.errors);
}

}  // namespace tilesim::tir
