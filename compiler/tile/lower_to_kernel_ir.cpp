#include "compiler/tile/lower_to_kernel_ir.h"

#include <fmt/format.h>

#include <map>

#include "compiler/tile/passes/pass_util.h"
#include "tilesim/kernel_builder.h"

namespace tilesim::tile {

namespace {

using namespace tir;

class KernelIRLowering {
 public:
  KernelIRLowering(const PrimFunc& func, const DeviceKernel& kernel)
      : func_(func), k_(kernel.name, kernel.role, func.source_file) {}

  kir::Kernel Run(const Stmt& body) {
    S(body);
    return k_.Build();
  }

 private:
  void At(SourceLocation loc) {
    if (loc.line != 0) k_.at(loc.line, loc.column);
  }

  kir::Expr E(const Index& index) {
    return std::visit(
        [&](const auto& op) -> kir::Expr {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, IndexConst>) {
            if (op.value < 0 || op.value > 0xffffffffll) {
              Internal("LowerToKernelIR", fmt::format("constant {} does not fit uint32_t", op.value));
            }
            return kir::KernelBuilder::u32(static_cast<uint32_t>(op.value));
          } else if constexpr (std::is_same_v<T, IndexVar>) {
            auto it = vars_.find(op.var.index);
            if (it == vars_.end()) Internal("LowerToKernelIR", "variable used outside its scope");
            return it->second;
          } else if constexpr (std::is_same_v<T, IndexBinary>) {
            kir::Expr a = E(op.lhs), b = E(op.rhs);
            switch (op.op) {
              case IndexOp::Add:
                return a + b;
              case IndexOp::Sub:
                return a - b;
              case IndexOp::Mul:
                return a * b;
              case IndexOp::FloorDiv:
                return a / b;
              case IndexOp::FloorMod:
                return a % b;
              case IndexOp::Min:
                return k_.select(a < b, a, b);
              case IndexOp::Max:
                return k_.select(a < b, b, a);
              case IndexOp::BitAnd:
                return a & b;
              case IndexOp::Lt:
                return a < b;
              case IndexOp::Ne:
                return a != b;
            }
            Internal("LowerToKernelIR", "unknown index operation");
          } else if constexpr (std::is_same_v<T, IndexCall>) {
            std::vector<kir::Expr> args;
            for (const Index& a : op.args) args.push_back(E(a));
            At(index->location);
            return k_.call(op.intrinsic, std::move(args));
          } else if constexpr (std::is_same_v<T, IndexCompileTimeArg>) {
            return kir::KernelBuilder::compile_time_arg(op.index);
          } else {
            Internal("LowerToKernelIR", "named runtime arg left (FinalizePersistentSignatureTT must run first)");
          }
        },
        index->node);
  }

  kir::Expr Cond(const Index& index) {
    kir::Expr e = E(index);
    return e.type() == kir::Type::Bool ? e : e != kir::Expr(0u);
  }

  std::string Name(VarId v) const { return func_.vars.at(v.index).name; }

  void S(const Stmt& stmt) {
    if (!stmt) return;
    At(stmt->location);
    std::visit(
        [&](const auto& op) {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, SeqStmt>) {
            for (const Stmt& s : op.stmts) S(s);
          } else if constexpr (std::is_same_v<T, LetStmt>) {
            // A call bound by a let is evaluated right there: keep the let's name for it.
            kir::Expr value;
            if (const auto* call = std::get_if<IndexCall>(&op.value->node)) {
              std::vector<kir::Expr> args;
              for (const Index& a : call->args) args.push_back(E(a));
              At(stmt->location);
              value = kir::MakeCall(call->intrinsic, std::move(args));
            } else {
              value = E(op.value);
            }
            vars_[op.var.index] = k_.let(Name(op.var), value);
            S(op.body);
            vars_.erase(op.var.index);
          } else if constexpr (std::is_same_v<T, ForStmt>) {
            k_.for_(Name(op.var), 0u, E(op.extent), [&](kir::Expr var) {
              vars_[op.var.index] = var;
              S(op.body);
              vars_.erase(op.var.index);
            });
          } else if constexpr (std::is_same_v<T, IfStmt>) {
            kir::Expr cond = Cond(op.cond);
            if (op.else_body) {
              k_.if_(
                  cond, [&] { S(op.then_body); }, [&] { S(op.else_body); });
            } else {
              k_.if_(cond, [&] { S(op.then_body); });
            }
          } else if constexpr (std::is_same_v<T, CallStmt>) {
            std::vector<kir::Expr> args;
            for (const Index& a : op.args) args.push_back(E(a));
            At(stmt->location);
            k_.call(op.intrinsic, std::move(args));
          } else {
            Internal("LowerToKernelIR", "a tile-level statement reached Kernel IR (VerifyTTIR must run first)");
          }
        },
        stmt->node);
  }

  const PrimFunc& func_;
  kir::KernelBuilder k_;
  std::map<uint32_t, kir::Expr> vars_;
};

}  // namespace

kir::Kernel LowerToKernelIR(const tir::PrimFunc& func, const tir::DeviceKernel& kernel) {
  KernelIRLowering lowering(func, kernel);
  return lowering.Run(kernel.body);
}

}  // namespace tilesim::tile
