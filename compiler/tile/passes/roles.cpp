#include "compiler/tile/passes/roles.h"

#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

uint8_t RolesOf(const tir::Stmt& stmt) {
  if (!stmt) return 0;
  return std::visit(
      [&](const auto& op) -> uint8_t {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, tir::TileReadStmt> || std::is_same_v<T, tir::McastRegionStmt>) {
          return kReader;
        } else if constexpr (std::is_same_v<T, tir::TileWriteStmt>) {
          return kWriter;
        } else if constexpr (std::is_same_v<T, tir::DstRegionStmt>) {
          return static_cast<uint8_t>(kCompute | RolesOf(op.math) | RolesOf(op.pack));
        } else if constexpr (std::is_same_v<T, tir::CallStmt>) {
          return bc::Info(op.intrinsic).roles == kRoleMaskCompute ? kCompute : 0;
        } else if constexpr (std::is_same_v<T, tir::SeqStmt>) {
          uint8_t roles = 0;
          for (const tir::Stmt& s : op.stmts) roles |= RolesOf(s);
          return roles;
        } else if constexpr (std::is_same_v<T, tir::IfStmt>) {
          return static_cast<uint8_t>(RolesOf(op.then_body) | RolesOf(op.else_body));
        } else if constexpr (requires { op.body; }) {
          return RolesOf(op.body);
        } else {
          return 0;
        }
      },
      stmt->node);
}

}  // namespace tilesim::tile
