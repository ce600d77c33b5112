// The Metalium C++ printer's state, shared by its statement half (printer_stmt.cpp) and its expression half
// (printer_expr.cpp). Not a public header.
#pragma once

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/backend/metalium_cpp/accessors.h"
#include "compiler/backend/metalium_cpp/metalium_printer.h"

namespace tilesim::compiler::metalium_cpp {

class SourcePrinter {
 public:
  SourcePrinter(const kir::Kernel& kernel, const PrintOptions& options);
  std::string Print();

  // ---- Expressions (printer_expr.cpp) ----
  // The expression as C++, parenthesised inside only where C++ needs it or GCC's -Wparentheses asks.
  std::string Expression(const kir::Expr& expr);
  // The text of a call, or an empty string for intrinsics printed as statements elsewhere (DPRINT).
  std::string Call(const kir::CallExpr& call, const kir::ExprNode* node);
  // A literal of the given IR type, spelled so that the front end gives it that type back.
  static std::string Literal(uint64_t value, kir::Type type);
  static std::string L1Pointer(const std::string& address);
  std::string AccessorName(uint32_t decl) const;

 private:
  // ---- Statements (printer_stmt.cpp) ----
  void Line(const std::string& text);
  void Block(const kir::Stmt& stmt);  // the statements of a block, one level deeper, with its own scope
  void Statements(const std::vector<kir::Stmt>& stmts);
  void Statement(const kir::Stmt& stmt);
  void Dprint(const std::vector<kir::Stmt>& stmts, size_t& i);
  void DeclareAccessors(const std::vector<uint32_t>& decls);
  std::string Declare(kir::VarId var);  // picks the printed name in the current scope
  std::string Unique(const std::string& wanted);
  std::string VarName(kir::VarId var) const;
  void PushScope() { scopes_.emplace_back(); }
  void PopScope() { scopes_.pop_back(); }
  std::string Operand(const kir::Expr& child, kir::BinaryOp parent, bool is_rhs);
  std::string InterleavedAddress(const kir::CallExpr& call, const kir::ExprNode* node);
  std::string PageTransfer(const kir::CallExpr& call);

  std::string Includes() const;
  void NoteHeader(bc::Intrinsic intrinsic);

  const kir::Kernel& kernel_;
  PrintOptions options_;
  bool compute_;
  AccessorPlan accessors_;
  std::vector<std::string> accessor_names_;  // per AccessorDecl, once declared
  std::vector<std::string> var_names_;       // per VarId, once declared
  std::vector<std::set<std::string>> scopes_;
  std::set<std::string> headers_;
  bool uses_dprint_ = false;
  std::ostringstream out_;
  int indent_ = 0;
};

}  // namespace tilesim::compiler::metalium_cpp
