// The statement half of the Metalium C++ printer: the file around the kernel (includes, entry point),
// declarations with their names, control flow, DPRINT chains and the hoisted address generators.
#include <array>
#include <string_view>

#include "compiler/backend/metalium_cpp/printer_internal.h"
#include "tilesim/compiler.h"

namespace tilesim::compiler::metalium_cpp {
namespace {

using bc::Intrinsic;

// Names a kernel variable must not take: C++ keywords and types, and the kernel API's own names (a local
// would hide them), including the macros the Metalium front end predefines.
constexpr std::string_view kReserved[] = {
    "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char", "class", "const",
    "consteval", "constexpr", "constinit", "const_cast", "continue", "decltype", "default", "delete", "do",
    "double", "dynamic_cast", "else", "enum", "explicit", "extern", "false", "float", "for", "friend", "goto",
    "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "nullptr", "operator", "or",
    "private", "protected", "public", "register", "reinterpret_cast", "return", "short", "signed", "sizeof",
    "static", "static_assert", "static_cast", "struct", "switch", "template", "this", "throw", "true", "try",
    "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "while", "xor",
    "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t", "uint64_t", "size_t", "uint",
    "std", "tt", "ckernel", "experimental", "get_arg_val", "get_common_arg_val", "get_compile_time_arg_val",
    "TensorAccessor", "TensorAccessorArgs", "InterleavedAddrGen", "InterleavedAddrGenFast", "noc_async_read_tile",
    "noc_async_write_tile", "noc_async_read_page", "noc_async_write_page", "DPRINT", "ENDL", "U32", "I32", "U64",
    "noc_index", "kernel_main", "MAIN", "NAMESPACE", "KERNEL_BUILD", "ARCH_WORMHOLE", "COMPILE_FOR_BRISC",
    "COMPILE_FOR_NCRISC", "COMPILE_FOR_TRISC", "FORCE_INLINE", "ALWI", "tt_l1_ptr", "VALID", "INVALID",
    "TILE_HEIGHT", "TILE_WIDTH", "TILE_HW", "FACE_HEIGHT", "FACE_WIDTH", "FACE_HW", "NUM_CIRCULAR_BUFFERS",
    "min", "max", "CBIndex", "DataFormat", "MathFidelity",
};

bool IsReserved(const std::string& name) {
  for (std::string_view r : kReserved) {
    if (r == name) return true;
  }
  if (bc::FindIntrinsic(name)) return true;
  // Reserved to the implementation in C++.
  return name.rfind("__", 0) == 0 || (name.size() > 1 && name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z');
}

std::string Sanitize(const std::string& raw) {
  // The builder names call results after the intrinsic; keep IR-only spellings out of the source.
  std::string name = raw;
  if (name.rfind("get_noc_addr_interleaved", 0) == 0) name.replace(0, 24, "noc_addr");
  std::string s;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    s += ok ? c : '_';
  }
  if (s.empty()) return "v";
  if (s[0] >= '0' && s[0] <= '9') s = "v" + s;
  return s;
}

std::string CppString(const std::string& text) {
  std::string s = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': s += "\\\""; break;
      case '\\': s += "\\\\"; break;
      case '\n': s += "\\n"; break;
      case '\t': s += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          const char octal[] = {'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                                static_cast<char>('0' + (c & 7)), 0};
          s += octal;
        } else {
          s += static_cast<char>(c);
        }
    }
  }
  return s + "\"";
}

const kir::CallExpr* DprintCall(const kir::Stmt& stmt) {
  const auto* eval = stmt ? std::get_if<kir::EvaluateStmt>(&stmt->node) : nullptr;
  if (eval == nullptr || !eval->call.defined()) return nullptr;
  const auto* call = std::get_if<kir::CallExpr>(&eval->call->node);
  if (call == nullptr) return nullptr;
  switch (call->intrinsic) {
    case Intrinsic::dprint_str:
    case Intrinsic::dprint_u32:
    case Intrinsic::dprint_i32:
    case Intrinsic::dprint_u64:
    case Intrinsic::dprint_endl: return call;
    default: return nullptr;
  }
}

// The variable's name with the usual address suffix taken off: "a_addr" -> "a".
std::string AccessorStem(const std::string& base_name) {
  for (std::string_view suffix : {"_base_address", "_base_addr", "_address", "_addr", "_base"}) {
    if (base_name.size() > suffix.size() && base_name.ends_with(suffix)) {
      return base_name.substr(0, base_name.size() - suffix.size());
    }
  }
  return base_name + "_accessor";
}

}  // namespace

SourcePrinter::SourcePrinter(const kir::Kernel& kernel, const PrintOptions& options)
    : kernel_(kernel), options_(options), compute_(kernel.role == KernelRole::Compute) {}

std::string SourcePrinter::Print() {
  accessors_ = PlanAccessors(kernel_);
  accessor_names_.assign(accessors_.decls.size(), "");
  var_names_.assign(kernel_.vars.size(), "");
  const bool legacy_compute = compute_ && options_.dialect == Dialect::Legacy;
  indent_ = 1;
  PushScope();
  DeclareAccessors(accessors_.at_top);
  if (kernel_.body != nullptr) {
    if (const auto* seq = std::get_if<kir::SeqStmt>(&kernel_.body->node)) {
      Statements(seq->stmts);
    } else {
      Statement(kernel_.body);
    }
  }
  PopScope();

  std::string file;
  if (!options_.header_comment.empty()) {
    std::istringstream lines(options_.header_comment);
    for (std::string line; std::getline(lines, line);) file += line.empty() ? "//\n" : "// " + line + "\n";
    file += "\n";
  }
  file += Includes() + "\n";
  if (legacy_compute) {
    file += "namespace NAMESPACE {\nvoid MAIN {\n" + out_.str() + "}\n}  // namespace NAMESPACE\n";
  } else {
    file += "void kernel_main() {\n" + out_.str() + "}\n";
  }
  return file;
}

std::string SourcePrinter::Includes() const {
  const bool legacy = options_.dialect == Dialect::Legacy;
  std::string s = "#include <cstdint>\n\n";
  if (!compute_) {
    s += legacy ? "#include \"dataflow_api.h\"\n" : "#include \"api/dataflow/dataflow_api.h\"\n";
  } else {
    std::set<std::string> headers = headers_;
    headers.insert("common.h");
    for (const std::string& h : headers) {
      if (h == "compute_kernel_api.h") {
        s += legacy ? "#include \"compute_kernel_api.h\"\n" : "#include \"api/compute/compute_kernel_api.h\"\n";
      } else {
        s += std::string("#include \"") + (legacy ? "compute_kernel_api/" : "api/compute/") + h + "\"\n";
      }
    }
  }
  if (uses_dprint_) s += legacy ? "#include \"debug/dprint.h\"\n" : "#include \"api/debug/dprint.h\"\n";
  return s;
}

void SourcePrinter::NoteHeader(Intrinsic intrinsic) {
  if (!compute_) return;
  switch (intrinsic) {
    case Intrinsic::mm_init:
    case Intrinsic::mm_init_short:
    case Intrinsic::matmul_tiles: headers_.insert("matmul.h"); break;
    case Intrinsic::binary_op_init_common:
    case Intrinsic::add_tiles_init:
    case Intrinsic::sub_tiles_init:
    case Intrinsic::mul_tiles_init:
    case Intrinsic::add_tiles:
    case Intrinsic::sub_tiles:
    case Intrinsic::mul_tiles: headers_.insert("eltwise_binary.h"); break;
    case Intrinsic::copy_tile:
    case Intrinsic::copy_tile_init:
    case Intrinsic::copy_tile_to_dst_init_short: headers_.insert("tile_move_copy.h"); break;
    case Intrinsic::unary_op_init_common:
    case Intrinsic::init_sfpu: headers_.insert("eltwise_unary/eltwise_unary.h"); break;
    case Intrinsic::exp_tile_init:
    case Intrinsic::exp_tile: headers_.insert("eltwise_unary/exp.h"); break;
    case Intrinsic::relu_tile_init:
    case Intrinsic::relu_tile: headers_.insert("eltwise_unary/relu.h"); break;
    case Intrinsic::recip_tile_init:
    case Intrinsic::recip_tile: headers_.insert("eltwise_unary/recip.h"); break;
    case Intrinsic::sqrt_tile_init:
    case Intrinsic::sqrt_tile: headers_.insert("eltwise_unary/sqrt.h"); break;
    case Intrinsic::log_tile_init:
    case Intrinsic::log_tile:
    case Intrinsic::gelu_tile_init:
    case Intrinsic::gelu_tile: headers_.insert("compute_kernel_api.h"); break;
    case Intrinsic::transpose_wh_init:
    case Intrinsic::transpose_wh_init_short:
    case Intrinsic::transpose_wh_tile: headers_.insert("transpose_wh.h"); break;
    case Intrinsic::binop_with_scalar_tile_init:
    case Intrinsic::add_unary_tile:
    case Intrinsic::sub_unary_tile:
    case Intrinsic::mul_unary_tile:
    case Intrinsic::div_unary_tile:
    case Intrinsic::rsub_unary_tile: headers_.insert("eltwise_unary/binop_with_scalar.h"); break;
    case Intrinsic::binary_max_tile_init:
    case Intrinsic::binary_max_tile:
    case Intrinsic::binary_min_tile_init:
    case Intrinsic::binary_min_tile: headers_.insert("binary_max_min.h"); break;
    case Intrinsic::add_bcast_rows_init_short:
    case Intrinsic::sub_bcast_rows_init_short:
    case Intrinsic::mul_bcast_rows_init_short:
    case Intrinsic::add_bcast_cols_init_short:
    case Intrinsic::sub_bcast_cols_init_short:
    case Intrinsic::mul_bcast_cols_init_short:
    case Intrinsic::add_bcast_scalar_init_short:
    case Intrinsic::sub_tiles_bcast_scalar_init_short:
    case Intrinsic::mul_tiles_bcast_scalar_init_short:
    case Intrinsic::add_tiles_bcast_rows:
    case Intrinsic::sub_tiles_bcast_rows:
    case Intrinsic::mul_tiles_bcast_rows:
    case Intrinsic::add_tiles_bcast_cols:
    case Intrinsic::sub_tiles_bcast_cols:
    case Intrinsic::mul_tiles_bcast_cols:
    case Intrinsic::add_tiles_bcast_scalar:
    case Intrinsic::sub_tiles_bcast_scalar:
    case Intrinsic::mul_tiles_bcast_scalar: headers_.insert("bcast.h"); break;
    default: break;  // common.h: CBs, DST, pack, arguments
  }
}

void SourcePrinter::Line(const std::string& text) {
  out_ << std::string(static_cast<size_t>(indent_) * 4, ' ') << text << "\n";
}

std::string SourcePrinter::Unique(const std::string& wanted) {
  const std::string base = Sanitize(wanted);
  auto visible = [&](const std::string& name) {
    for (const std::set<std::string>& scope : scopes_) {
      if (scope.count(name) != 0) return true;
    }
    return false;
  };
  std::string name = base;
  for (int i = 2; IsReserved(name) || visible(name); ++i) name = base + "_" + std::to_string(i);
  scopes_.back().insert(name);
  return name;
}

std::string SourcePrinter::Declare(kir::VarId var) {
  if (var.index >= var_names_.size()) {
    throw InternalError("metalium_cpp: kernel '" + kernel_.name + "' declares unknown variable " + std::to_string(var.index));
  }
  var_names_[var.index] = Unique(kernel_.vars[var.index].name);
  return var_names_[var.index];
}

std::string SourcePrinter::VarName(kir::VarId var) const {
  if (var.index >= var_names_.size() || var_names_[var.index].empty()) {
    throw InternalError("metalium_cpp: kernel '" + kernel_.name + "' uses variable " + std::to_string(var.index) +
                        " outside its declaration");
  }
  return var_names_[var.index];
}

std::string SourcePrinter::AccessorName(uint32_t decl) const {
  if (decl >= accessor_names_.size() || accessor_names_[decl].empty()) {
    throw InternalError("metalium_cpp: kernel '" + kernel_.name + "' uses an address generator before its declaration");
  }
  return accessor_names_[decl];
}

void SourcePrinter::DeclareAccessors(const std::vector<uint32_t>& decls) {
  for (uint32_t index : decls) {
    const AccessorDecl& d = accessors_.decls[index];
    const std::string base = Expression(d.base);
    const auto* var = std::get_if<kir::VarExpr>(&d.base->node);
    const std::string stem = var != nullptr ? AccessorStem(VarName(var->var)) : "buffer";
    if (d.kind == AccessorDecl::Kind::TensorAccessor) {
      const std::string args = Unique(stem + "_args");
      Line("constexpr auto " + args + " = TensorAccessorArgs<" + std::to_string(d.args_offset) + ">();");
      accessor_names_[index] = Unique(stem);
      Line("const auto " + accessor_names_[index] + " = TensorAccessor(" + args + ", " + base + ");");
    } else {
      std::string flag;
      if (const auto* c = std::get_if<kir::ConstExpr>(&d.is_dram->node)) {
        flag = c->value != 0 ? "true" : "false";
      } else {
        flag = d.is_dram->type == kir::Type::Bool ? "(" + Expression(d.is_dram) + ")"
                                                   : "static_cast<bool>(" + Expression(d.is_dram) + ")";
      }
      const std::string page_size = Expression(d.page_size);
      accessor_names_[index] = Unique(stem);
      Line("const InterleavedAddrGen<" + flag + "> " + accessor_names_[index] + " = {.bank_base_address = " + base +
           ", .page_size = " + page_size + "};");
    }
  }
}

void SourcePrinter::Block(const kir::Stmt& stmt) {
  ++indent_;
  PushScope();
  if (stmt != nullptr) {
    if (const auto* seq = std::get_if<kir::SeqStmt>(&stmt->node)) {
      Statements(seq->stmts);
    } else {
      Statement(stmt);
    }
  }
  PopScope();
  --indent_;
}

void SourcePrinter::Statements(const std::vector<kir::Stmt>& stmts) {
  for (size_t i = 0; i < stmts.size();) {
    if (DprintCall(stmts[i]) != nullptr) {
      Dprint(stmts, i);
    } else {
      Statement(stmts[i++]);
    }
  }
}

// A run of dprint_* calls up to and including dprint_endl: one `DPRINT << ... << ENDL();`.
void SourcePrinter::Dprint(const std::vector<kir::Stmt>& stmts, size_t& i) {
  uses_dprint_ = true;
  std::string line = "DPRINT";
  auto value = [&](const kir::Expr& e) {
    const std::string text = Expression(e);
    const bool operator_ = e.defined() && (std::holds_alternative<kir::BinaryExpr>(e->node) ||
                                           std::holds_alternative<kir::SelectExpr>(e->node));
    return operator_ ? "(" + text + ")" : text;  // DPRINT << (a & b): << binds tighter
  };
  while (i < stmts.size()) {
    const kir::CallExpr* call = DprintCall(stmts[i]);
    if (call == nullptr) break;
    const kir::StmtNode& node = *stmts[i];
    ++i;
    if (call->intrinsic == Intrinsic::dprint_endl) {
      line += " << ENDL()";
      break;
    }
    if (call->args.size() != 1 || !call->args[0].defined()) {
      throw CompileError(DescribeLocation(kernel_, node.location), "a DPRINT call needs one argument");
    }
    const kir::Expr& arg = call->args[0];
    switch (call->intrinsic) {
      case Intrinsic::dprint_str: {
        const auto* c = std::get_if<kir::ConstExpr>(&arg->node);
        if (c == nullptr || c->value >= kernel_.strings.size()) {
          throw CompileError(DescribeLocation(kernel_, node.location),
                             "dprint_str needs the index of one of the kernel's strings as a constant");
        }
        line += " << " + CppString(kernel_.strings[c->value]);
        break;
      }
      case Intrinsic::dprint_u32:
        line += " << " + (arg->type == kir::Type::U32 || arg->type == kir::Type::Bool ? value(arg)
                                                                                    : "U32(" + Expression(arg) + ")");
        break;
      case Intrinsic::dprint_u64:
        line += " << " + (arg->type == kir::Type::U64 ? value(arg) : "U64(" + Expression(arg) + ")");
        break;
      default: {  // dprint_i32 of the value's bits
        const auto* cast = std::get_if<kir::CastExpr>(&arg->node);
        if (arg->type == kir::Type::I32) {
          line += " << " + value(arg);
        } else if (cast != nullptr && cast->operand.defined() && cast->operand->type == kir::Type::I32) {
          line += " << " + value(cast->operand);
        } else {
          line += " << I32(" + Expression(arg) + ")";
        }
      }
    }
  }
  Line(line + ";");
}

void SourcePrinter::Statement(const kir::Stmt& stmt) {
  if (stmt == nullptr) throw InternalError("metalium_cpp: a null statement in kernel '" + kernel_.name + "'");
  if (auto it = accessors_.before.find(stmt.get()); it != accessors_.before.end()) DeclareAccessors(it->second);
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, kir::LetStmt>) {
          const std::string value = Expression(n.value);
          const kir::VarInfo& info = kernel_.vars.at(n.var.index);
          const std::string qualifier = !info.is_const ? "" : IsCompileTimeExpr(n.value) ? "constexpr " : "const ";
          const std::string name = Declare(n.var);
          Line(qualifier + std::string(kir::ToString(info.type)) + " " + name + " = " + value + ";");
          if (auto it = accessors_.after.find(stmt.get()); it != accessors_.after.end()) DeclareAccessors(it->second);
        } else if constexpr (std::is_same_v<T, kir::AssignStmt>) {
          Line(VarName(n.var) + " = " + Expression(n.value) + ";");
        } else if constexpr (std::is_same_v<T, kir::StoreStmt>) {
          Line("*" + L1Pointer(Expression(n.address)) + " = " + Expression(n.value) + ";");
        } else if constexpr (std::is_same_v<T, kir::EvaluateStmt>) {
          const auto* call = n.call.defined() ? std::get_if<kir::CallExpr>(&n.call->node) : nullptr;
          if (call == nullptr) throw InternalError("metalium_cpp: an evaluate statement without a call");
          Line(Call(*call, n.call.get()) + ";");
        } else if constexpr (std::is_same_v<T, kir::SeqStmt>) {
          Line("{");
          Block(stmt);
          Line("}");
        } else if constexpr (std::is_same_v<T, kir::ForStmt>) {
          const std::string begin = Expression(n.begin);
          PushScope();  // the loop variable's
          const std::string var = Declare(n.var);
          const kir::VarInfo& info = kernel_.vars.at(n.var.index);
          const bool unit_step = n.step.defined() && std::holds_alternative<kir::ConstExpr>(n.step->node) &&
                                 std::get<kir::ConstExpr>(n.step->node).value == 1;
          const std::string step = unit_step ? "++" + var : var + " += " + Expression(n.step);
          Line("for (" + std::string(kir::ToString(info.type)) + " " + var + " = " + begin + "; " + var + " < " +
               Expression(n.end) + "; " + step + ") {");
          ++indent_;
          if (auto it = accessors_.loop_top.find(stmt.get()); it != accessors_.loop_top.end()) DeclareAccessors(it->second);
          --indent_;
          Block(n.body);
          PopScope();
          Line("}");
        } else if constexpr (std::is_same_v<T, kir::WhileStmt>) {
          Line("while (" + Expression(n.cond) + ") {");
          Block(n.body);
          Line("}");
        } else if constexpr (std::is_same_v<T, kir::IfStmt>) {
          Line("if (" + Expression(n.cond) + ") {");
          Block(n.then_body);
          if (n.else_body != nullptr) {
            Line("} else {");
            Block(n.else_body);
          }
          Line("}");
        } else if constexpr (std::is_same_v<T, kir::BreakStmt>) {
          Line("break;");
        } else if constexpr (std::is_same_v<T, kir::ContinueStmt>) {
          Line("continue;");
        } else {
          Line("return;");
        }
      },
      stmt->node);
}

std::string PrintKernelSource(const kir::Kernel& kernel, const PrintOptions& options) {
  return SourcePrinter(kernel, options).Print();
}

}  // namespace tilesim::compiler::metalium_cpp
