// The expression half of the Metalium C++ printer: operators with C++ precedence, literals typed as the IR
// types them, and every intrinsic as the Metalium call it stands for.
#include <cstdint>
#include <limits>
#include <string>

#include "compiler/backend/metalium_cpp/printer_internal.h"
#include "tilesim/compiler.h"

namespace tilesim::compiler::metalium_cpp {
namespace {

using bc::Intrinsic;
using kir::BinaryOp;

constexpr int kPrecSelect = 2;
constexpr int kPrecUnary = 15;
constexpr int kPrecPrimary = 16;

int Precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::LogicalOr: return 3;
    case BinaryOp::LogicalAnd: return 4;
    case BinaryOp::BitOr: return 5;
    case BinaryOp::BitXor: return 6;
    case BinaryOp::BitAnd: return 7;
    case BinaryOp::Eq:
    case BinaryOp::Ne: return 8;
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge: return 9;
    case BinaryOp::Shl:
    case BinaryOp::Shr: return 11;
    case BinaryOp::Add:
    case BinaryOp::Sub: return 12;
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Mod: return 13;
  }
  return 0;
}

bool IsArithmetic(BinaryOp op) { return Precedence(op) >= 12; }
bool IsComparison(BinaryOp op) { return Precedence(op) == 8 || Precedence(op) == 9; }
bool IsLogical(BinaryOp op) { return op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr; }

int Precedence(const kir::Expr& e) {
  if (!e.defined()) return kPrecPrimary;
  if (const auto* b = std::get_if<kir::BinaryExpr>(&e->node)) return Precedence(b->op);
  if (std::holds_alternative<kir::SelectExpr>(e->node)) return kPrecSelect;
  if (std::holds_alternative<kir::UnaryExpr>(e->node) || std::holds_alternative<kir::LoadExpr>(e->node)) return kPrecUnary;
  if (const auto* c = std::get_if<kir::ConstExpr>(&e->node)) {
    if (e->type == kir::Type::I32 && static_cast<int32_t>(static_cast<uint32_t>(c->value)) < 0) return kPrecUnary;
  }
  return kPrecPrimary;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : ", ") + p;
  return s;
}

bool IsConst(const kir::Expr& e, uint64_t value) {
  if (!e.defined()) return false;
  const auto* c = std::get_if<kir::ConstExpr>(&e->node);
  return c != nullptr && c->value == value;
}

}  // namespace

std::string SourcePrinter::Literal(uint64_t value, kir::Type type) {
  switch (type) {
    case kir::Type::Bool: return value != 0 ? "true" : "false";
    case kir::Type::U32: return std::to_string(static_cast<uint32_t>(value)) + "u";
    case kir::Type::U64: return std::to_string(value) + "ull";
    case kir::Type::I32: {
      const auto v = static_cast<int32_t>(static_cast<uint32_t>(value));
      if (v == std::numeric_limits<int32_t>::min()) return "(-2147483647 - 1)";  // 2147483648 is not an int
      return std::to_string(v);
    }
  }
  return "0";
}

std::string SourcePrinter::L1Pointer(const std::string& address) {
  return "reinterpret_cast<volatile tt_l1_ptr uint32_t*>(" + address + ")";
}

std::string SourcePrinter::Operand(const kir::Expr& child, BinaryOp parent, bool is_rhs) {
  const std::string text = Expression(child);
  const int cp = Precedence(child);
  const int pp = Precedence(parent);
  bool parens;
  if (cp >= kPrecUnary) {
    parens = false;
  } else if (cp == kPrecSelect || cp < pp) {
    parens = true;
  } else if (cp == pp) {
    parens = is_rhs || IsComparison(parent);
  } else {
    const BinaryOp op = std::get<kir::BinaryExpr>(child->node).op;
    // Combinations everyone reads without parentheses; anything else gets them (GCC's -Wparentheses
    // asks for most of the others: a + b << c, a & b == c, a || b && c).
    const bool obvious = ((parent == BinaryOp::Add || parent == BinaryOp::Sub) && Precedence(op) == 13) ||
                         (IsComparison(parent) && IsArithmetic(op)) ||
                         (IsLogical(parent) && (IsComparison(op) || IsArithmetic(op)));
    parens = !obvious;
  }
  return parens ? "(" + text + ")" : text;
}

std::string SourcePrinter::Expression(const kir::Expr& expr) {
  if (!expr.defined()) throw InternalError("metalium_cpp: a null expression in kernel '" + kernel_.name + "'");
  const kir::ExprNode& node = *expr;
  return std::visit(
      [&](const auto& n) -> std::string {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, kir::ConstExpr>) {
          return Literal(n.value, node.type);
        } else if constexpr (std::is_same_v<T, kir::VarExpr>) {
          return VarName(n.var);
        } else if constexpr (std::is_same_v<T, kir::CompileTimeArgExpr>) {
          return "get_compile_time_arg_val(" + std::to_string(n.index) + ")";
        } else if constexpr (std::is_same_v<T, kir::UnaryExpr>) {
          const std::string operand = Expression(n.operand);
          const bool parens = Precedence(n.operand) < kPrecPrimary;
          return std::string(kir::ToString(n.op)) + (parens ? "(" + operand + ")" : operand);
        } else if constexpr (std::is_same_v<T, kir::BinaryExpr>) {
          return Operand(n.lhs, n.op, false) + " " + std::string(kir::ToString(n.op)) + " " + Operand(n.rhs, n.op, true);
        } else if constexpr (std::is_same_v<T, kir::SelectExpr>) {
          auto part = [&](const kir::Expr& e) {
            const std::string text = Expression(e);
            return Precedence(e) <= kPrecSelect ? "(" + text + ")" : text;
          };
          return part(n.cond) + " ? " + part(n.if_true) + " : " + part(n.if_false);
        } else if constexpr (std::is_same_v<T, kir::CastExpr>) {
          return "static_cast<" + std::string(kir::ToString(node.type)) + ">(" + Expression(n.operand) + ")";
        } else if constexpr (std::is_same_v<T, kir::LoadExpr>) {
          return std::string("*") + L1Pointer(Expression(n.address));
        } else {
          std::string text = Call(n, &node);
          if (text.empty()) {
            throw CompileError(DescribeLocation(kernel_, node.location),
                               std::string("'").append(bc::Info(n.intrinsic).name).append("' cannot be used as a value"));
          }
          return text;
        }
      },
      node.node);
}

std::string SourcePrinter::InterleavedAddress(const kir::CallExpr& call, const kir::ExprNode* node) {
  auto it = accessors_.decl_of_call.find(node);
  if (it == accessors_.decl_of_call.end()) {
    throw InternalError("metalium_cpp: get_noc_addr_interleaved without an accessor in kernel '" + kernel_.name + "'");
  }
  const std::string name = AccessorName(it->second);
  const std::string page = Expression(call.args[0]);
  const bool no_offset = IsConst(call.args[4], 0);
  if (accessors_.decls[it->second].kind == AccessorDecl::Kind::TensorAccessor) {
    return name + ".get_noc_addr(" + page + (no_offset ? "" : ", " + Expression(call.args[4])) + ")";
  }
  return "get_noc_addr(" + page + ", " + name + (no_offset ? "" : ", " + Expression(call.args[4])) + ")";
}

// noc_async_read(get_noc_addr_interleaved(page, ..., 0), l1, page_size) and the write the other way: one
// whole page, which Metalium spells noc_async_read_tile(page, accessor, l1) (noc_async_read_page for an
// InterleavedAddrGen). Empty when the call is not of that shape.
std::string SourcePrinter::PageTransfer(const kir::CallExpr& call) {
  const bool read = call.intrinsic == Intrinsic::noc_async_read;
  const kir::Expr& remote = read ? call.args[0] : call.args[1];
  const kir::Expr& l1 = read ? call.args[1] : call.args[0];
  if (!remote.defined()) return "";
  const auto* address = std::get_if<kir::CallExpr>(&remote->node);
  if (address == nullptr || address->intrinsic != Intrinsic::get_noc_addr_interleaved || address->args.size() != 5 ||
      !IsConst(address->args[4], 0) || address->args[4]->type != kir::Type::U32 ||
      !SameExpr(call.args[2], address->args[2])) {
    return "";
  }
  auto it = accessors_.decl_of_call.find(remote.get());
  if (it == accessors_.decl_of_call.end()) return "";
  const bool tensor_accessor = accessors_.decls[it->second].kind == AccessorDecl::Kind::TensorAccessor;
  const std::string name = std::string(read ? "noc_async_read_" : "noc_async_write_") + (tensor_accessor ? "tile" : "page");
  return name + "(" + Expression(address->args[0]) + ", " + AccessorName(it->second) + ", " + Expression(l1) + ")";
}

std::string SourcePrinter::Call(const kir::CallExpr& call, const kir::ExprNode* node) {
  const bc::IntrinsicInfo& info = bc::Info(call.intrinsic);
  NoteHeader(call.intrinsic);
  if (call.args.size() != info.num_args()) {
    throw CompileError(DescribeLocation(kernel_, node->location),
                       "'" + std::string(info.name) + "' takes " + std::to_string(info.num_args()) + " arguments, " +
                           std::to_string(call.args.size()) + " given");
  }
  std::vector<std::string> args;
  auto arg = [&](size_t i) { return Expression(call.args[i]); };
  auto plain = [&](const std::string& name) {
    for (size_t i = 0; i < call.args.size(); ++i) args.push_back(arg(i));
    return name + "(" + Join(args) + ")";
  };
  switch (call.intrinsic) {
    case Intrinsic::get_arg_val: return "get_arg_val<uint32_t>(" + arg(0) + ")";
    case Intrinsic::get_common_arg_val: return "get_common_arg_val<uint32_t>(" + arg(0) + ")";
    case Intrinsic::my_x: return "my_x[" + arg(0) + "]";
    case Intrinsic::my_y: return "my_y[" + arg(0) + "]";
    case Intrinsic::get_noc_addr_interleaved: return InterleavedAddress(call, node);
    case Intrinsic::get_noc_addr_from_bank_id: {
      if (!call.args[2].defined() || !std::holds_alternative<kir::ConstExpr>(call.args[2]->node)) {
        throw CompileError(DescribeLocation(kernel_, node->location),
                           "the Metalium C++ back end needs get_noc_addr_from_bank_id's DRAM flag to be a constant "
                           "(it is the template argument get_noc_addr_from_bank_id<DRAM>)");
      }
      const bool dram = std::get<kir::ConstExpr>(call.args[2]->node).value != 0;
      return std::string("get_noc_addr_from_bank_id<") + (dram ? "true" : "false") + ">(" + arg(0) + ", " + arg(1) + ")";
    }
    case Intrinsic::noc_async_read:
    case Intrinsic::noc_async_write:
      if (std::string page = PageTransfer(call); !page.empty()) return page;
      return plain(std::string(info.name));
    case Intrinsic::noc_semaphore_set:
    case Intrinsic::noc_semaphore_wait:
    case Intrinsic::noc_semaphore_wait_min:
      return std::string(info.name) + "(" + L1Pointer(arg(0)) + ", " + arg(1) + ")";
    case Intrinsic::pack_tile_out_of_order: return "pack_tile<true>(" + arg(0) + ", " + arg(1) + ", " + arg(2) + ")";
    case Intrinsic::add_tiles_bcast_rows:
    case Intrinsic::sub_tiles_bcast_rows:
    case Intrinsic::mul_tiles_bcast_rows: {
      // bcast_row_idx is a later, defaulted parameter (0): left out when 0, so releases without it compile.
      const auto* row = call.args[5].defined() ? std::get_if<kir::ConstExpr>(&call.args[5]->node) : nullptr;
      if (row == nullptr || row->value != 0) return plain(std::string(info.name));
      for (size_t i = 0; i < 5; ++i) args.push_back(arg(i));
      return std::string(info.name) + "(" + Join(args) + ")";
    }
    case Intrinsic::dprint_str:
    case Intrinsic::dprint_u32:
    case Intrinsic::dprint_i32:
    case Intrinsic::dprint_u64:
    case Intrinsic::dprint_endl: return "";  // statements: SourcePrinter::Dprint
    default: return plain(std::string(info.name));  // intrinsics.def names them as Metalium does
  }
}

}  // namespace tilesim::compiler::metalium_cpp
