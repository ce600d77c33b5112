#include "compiler/tile/passes/split_device_kernel.h"

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"
#include "compiler/tile/passes/roles.h"

namespace tilesim::tile {

namespace {

using namespace tir;

// `stmt` keeping only the work of `role` (null when nothing is left).
Stmt Keep(const Stmt& stmt, uint8_t role) {
  if (!stmt || (RolesOf(stmt) & role) == 0) return nullptr;
  const SourceLocation loc = stmt->location;
  return std::visit(
      [&](const auto& op) -> Stmt {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, SeqStmt>) {
          std::vector<Stmt> kept;
          for (const Stmt& s : op.stmts) kept.push_back(Keep(s, role));
          return MakeSeq(std::move(kept), loc);
        } else if constexpr (std::is_same_v<T, ForStmt>) {
          ForStmt copy = op;
          copy.body = Keep(op.body, role);
          return MakeStmt(std::move(copy), loc);
        } else if constexpr (std::is_same_v<T, LetStmt>) {
          return MakeStmt(LetStmt{op.var, op.value, Keep(op.body, role)}, loc);
        } else if constexpr (std::is_same_v<T, IfStmt>) {
          return MakeStmt(IfStmt{op.cond, Keep(op.then_body, role), Keep(op.else_body, role)}, loc);
        } else if constexpr (std::is_same_v<T, DstRegionStmt>) {
          if (role == kCompute) return MakeStmt(DstRegionStmt{Keep(op.math, role), Keep(op.pack, role)}, loc);
          return MakeSeq({Keep(op.math, role), Keep(op.pack, role)}, loc);
        } else if constexpr (std::is_same_v<T, CBRegionStmt>) {
          if (RolesOf(op.body) != role) Internal("SplitDeviceKernel", "a CB region holding work of several kernels");
          return stmt;
        } else {
          return stmt;
        }
      },
      stmt->node);
}

}  // namespace

tir::PrimFunc SplitDeviceKernel(tir::PrimFunc func, const CompileOptions&) {
  const struct {
    const char* name;
    KernelRole role;
    uint8_t bits;
  } kernels[] = {
      {kReaderName, KernelRole::DataMovement0, kReader},
      {kComputeName, KernelRole::Compute, kCompute},
      {kWriterName, KernelRole::DataMovement1, kWriter},
  };
  for (const auto& k : kernels) {
    DeviceKernel kernel;
    kernel.name = k.name;
    kernel.role = k.role;
    kernel.body = Keep(func.body, k.bits);
    if (!kernel.body) kernel.body = MakeSeq({});
    func.kernels.push_back(std::move(kernel));
  }
  func.body = nullptr;
  return func;
}

}  // namespace tilesim::tile
