// Tile IR printer (tir::Print): Python-like, stable text for --print-after-all and golden tests.
//
// Each node family (index, value, statement) is printed by one visitor struct with one operator() per
// node kind, so a new kind is one more overload (the compiler rejects a visitor that misses one).
#include <charconv>
#include <sstream>

#include "tilesim/tile_ir.h"

namespace tilesim::tir {

namespace {

// Shortest text that reads back as the same double, Python-style ("0.0", "1.5", "1e-05").
std::string FormatDouble(double value) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value);
  std::string spelled(text, result.ptr);
  if (spelled.find_first_of(".eEn") == std::string::npos) spelled += ".0";  // n: nan / inf
  return spelled;
}

std::string BufferName(const PrimFunc& func, BufferId id) {
  return id.index < func.buffers.size() ? func.buffers[id.index].name : "<buffer " + std::to_string(id.index) + ">";
}

std::string VarName(const PrimFunc& func, VarId id) {
  return id.index < func.vars.size() ? func.vars[id.index].name : "<var " + std::to_string(id.index) + ">";
}

std::string ShapeTuple(const std::vector<int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    text += i ? ", " : "";
    text += std::to_string(shape[i]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

// Binding strength, for parentheses, as in Python: comparisons < & < + - < * // %; min / max (printed as
// calls) bind tightest.
constexpr int kCallPrecedence = 4;
int Precedence(IndexOp op) {
  switch (op) {
    case IndexOp::Lt:
    case IndexOp::Ne: return 0;
    case IndexOp::BitAnd: return 1;
    case IndexOp::Add:
    case IndexOp::Sub: return 2;
    case IndexOp::Mul:
    case IndexOp::FloorDiv:
    case IndexOp::FloorMod: return 3;
    case IndexOp::Min:
    case IndexOp::Max: return kCallPrecedence;
  }
  return 0;
}
int Precedence(ValueBinaryOp op) {
  return op == ValueBinaryOp::Add || op == ValueBinaryOp::Sub ? 2
         : op == ValueBinaryOp::Max || op == ValueBinaryOp::Min ? kCallPrecedence : 3;
}

struct IndexPrinter {
  const PrimFunc& func;

  std::string Print(const Index& index) const {
    if (!index) return "<null>";
    return std::visit(*this, index->node);
  }
  // An operand of a binary operator: parenthesized when it binds looser, or as loosely on the right
  // (a - (b - c), a // (b * c)).
  std::string Operand(const Index& index, int parent, bool right) const {
    const auto* binary = index ? std::get_if<IndexBinary>(&index->node) : nullptr;
    if (binary && Precedence(binary->op) < kCallPrecedence) {
      const int own = Precedence(binary->op);
      // Comparisons chain in Python (a < b < c), so one inside another is always parenthesized.
      if (own < parent || (own == parent && (right || own == 0))) return "(" + Print(index) + ")";
    }
    return Print(index);
  }

  std::string operator()(const IndexConst& node) const { return std::to_string(node.value); }
  std::string operator()(const IndexVar& node) const { return VarName(func, node.var); }
  std::string operator()(const IndexBinary& node) const {
    if (node.op == IndexOp::Min || node.op == IndexOp::Max) {
      return std::string(ToString(node.op)) + "(" + Print(node.lhs) + ", " + Print(node.rhs) + ")";
    }
    const int own = Precedence(node.op);
    return Operand(node.lhs, own, false) + " " + std::string(ToString(node.op)) + " " + Operand(node.rhs, own, true);
  }
  std::string operator()(const IndexCall& node) const {
    std::string text = std::string(bc::Info(node.intrinsic).name) + "(";
    for (size_t i = 0; i < node.args.size(); ++i) {
    text += i ? ", " : "";
    text += Print(node.args[i]);
  }
    return text + ")";
  }
  std::string operator()(const IndexArg& node) const { return "arg(\"" + node.name + "\")"; }
  std::string operator()(const IndexCompileTimeArg& node) const {
    return "get_compile_time_arg_val(" + std::to_string(node.index) + ")";
  }
};

std::string IndexList(const PrimFunc& func, const std::vector<Index>& indices) {
  std::string text;
  for (size_t i = 0; i < indices.size(); ++i) {
    text += i ? ", " : "";
    text += IndexPrinter{func}.Print(indices[i]);
  }
  return text;
}

struct ValuePrinter {
  const PrimFunc& func;

  std::string Print(const Value& value) const {
    if (!value) return "<null>";
    return std::visit(*this, value->node);
  }
  std::string Operand(const Value& value, int parent, bool right) const {
    const auto* binary = value ? std::get_if<ValueBinary>(&value->node) : nullptr;
    if (binary && Precedence(binary->op) < kCallPrecedence) {
      const int own = Precedence(binary->op);
      if (own < parent || (right && own == parent)) return "(" + Print(value) + ")";
    }
    return Print(value);
  }

  std::string operator()(const ValueConst& node) const { return FormatDouble(node.value); }
  std::string operator()(const ValueLoad& node) const {
    return BufferName(func, node.buffer) + "[" + IndexList(func, node.indices) + "]";
  }
  std::string operator()(const ValueUnary& node) const {
    if (node.op == ValueUnaryOp::Neg) {
      const bool atom = node.operand && (std::holds_alternative<ValueLoad>(node.operand->node) ||
                                         std::holds_alternative<ValueConst>(node.operand->node));
      return atom ? "-" + Print(node.operand) : "-(" + Print(node.operand) + ")";
    }
    return std::string(ToString(node.op)) + "(" + Print(node.operand) + ")";
  }
  std::string operator()(const ValueBinary& node) const {
    if (node.op == ValueBinaryOp::Max || node.op == ValueBinaryOp::Min) {
      return std::string(ToString(node.op)) + "(" + Print(node.lhs) + ", " + Print(node.rhs) + ")";
    }
    const int own = Precedence(node.op);
    return Operand(node.lhs, own, false) + " " + std::string(ToString(node.op)) + " " + Operand(node.rhs, own, true);
  }
  std::string operator()(const ValueCast& node) const {
    return "T.cast(" + Print(node.operand) + ", \"" + std::string(ToString(node.dtype)) + "\")";
  }
};

// `A[by * 128:+128, k * 32:+32]`: offset and extent per dimension; a whole on-chip buffer prints bare.
std::string Region(const PrimFunc& func, const BufferRegion& region) {
  const std::string name = BufferName(func, region.buffer);
  if (region.buffer.index < func.buffers.size()) {
    const Buffer& buffer = func.buffers[region.buffer.index];
    bool whole = buffer.scope != Scope::Global && region.extents == buffer.shape && region.offsets.size() == buffer.shape.size();
    for (const Index& offset : region.offsets) {
      const auto* value = offset ? std::get_if<IndexConst>(&offset->node) : nullptr;
      whole = whole && value && value->value == 0;
    }
    if (whole) return name;
  }
  std::string text = name + "[";
  const size_t rank = std::max(region.offsets.size(), region.extents.size());
  for (size_t d = 0; d < rank; ++d) {
    text += d ? ", " : "";
    text += d < region.offsets.size() ? IndexPrinter{func}.Print(region.offsets[d]) : "?";
    text += ":+" + (d < region.extents.size() ? std::to_string(region.extents[d]) : std::string("?"));
  }
  return text + "]";
}

struct StmtPrinter {
  const PrimFunc& func;
  std::ostringstream& out;
  int depth;

  void Print(const Stmt& stmt, int at_depth) const {
    if (!stmt) {
      StmtPrinter{func, out, at_depth}.Line("pass  # empty");
      return;
    }
    std::visit(StmtPrinter{func, out, at_depth}, stmt->node);
  }
  void Line(const std::string& text) const { out << std::string(2 * depth, ' ') << text << '\n'; }
  std::string Index(const tir::Index& index) const { return IndexPrinter{func}.Print(index); }

  void operator()(const KernelStmt& node) const {
    std::string grid, vars;
    for (size_t i = 0; i < node.grid.size(); ++i) {
    grid += i ? ", " : "";
    grid += std::to_string(node.grid[i]);
  }
    for (size_t i = 0; i < node.block_vars.size(); ++i) {
    vars += i ? ", " : "";
    vars += VarName(func, node.block_vars[i]);
  }
    Line("with T.Kernel(" + grid + ") as (" + vars + "):");
    Print(node.body, depth + 1);
  }
  void operator()(const AllocStmt& node) const {
    std::string call = "T.alloc_?";
    std::string shape = "?";
    std::string dtype = "?";
    if (node.buffer.index < func.buffers.size()) {
      const Buffer& buffer = func.buffers[node.buffer.index];
      call = buffer.scope == Scope::Shared ? "T.alloc_shared" : buffer.scope == Scope::Fragment ? "T.alloc_fragment" : "T.alloc_global";
      shape = ShapeTuple(buffer.shape);
      dtype = ToString(buffer.dtype);
    }
    Line(BufferName(func, node.buffer) + " = " + call + "(" + shape + ", \"" + dtype + "\")");
  }
  void operator()(const CopyStmt& node) const { Line("T.copy(" + Region(func, node.src) + ", " + Region(func, node.dst) + ")"); }
  void operator()(const GemmStmt& node) const {
    std::string text = "T.gemm(" + BufferName(func, node.a) + ", " + BufferName(func, node.b) + ", " + BufferName(func, node.c);
    if (node.transpose_a) text += ", transpose_A=True";
    if (node.transpose_b) text += ", transpose_B=True";
    if (node.clear_accum) text += ", clear_accum=True";
    Line(text + ")");
  }
  void operator()(const FillStmt& node) const {
    if (node.value == 0) Line("T.clear(" + BufferName(func, node.buffer) + ")");
    else Line("T.fill(" + BufferName(func, node.buffer) + ", " + FormatDouble(node.value) + ")");
  }
  void operator()(const ForStmt& node) const {
    std::string range;
    switch (node.kind) {
      case ForKind::Serial: range = "T.serial(" + Index(node.extent) + ")"; break;
      case ForKind::Pipelined: range = "T.Pipelined(" + Index(node.extent) + ", num_stages=" + std::to_string(node.num_stages) + ")"; break;
      case ForKind::Unrolled: range = "T.unroll(" + Index(node.extent) + ")"; break;
    }
    Line("for " + VarName(func, node.var) + " in " + range + ":");
    Print(node.body, depth + 1);
  }
  void operator()(const ParallelStmt& node) const {
    std::string vars, extents;
    for (size_t i = 0; i < node.vars.size(); ++i) {
    vars += i ? ", " : "";
    vars += VarName(func, node.vars[i]);
  }
    for (size_t i = 0; i < node.extents.size(); ++i) {
    extents += i ? ", " : "";
    extents += std::to_string(node.extents[i]);
  }
    Line("for " + vars + " in T.Parallel(" + extents + "):");
    Print(node.body, depth + 1);
  }
  void operator()(const StoreStmt& node) const {
    Line(BufferName(func, node.buffer) + "[" + IndexList(func, node.indices) + "] = " + ValuePrinter{func}.Print(node.value));
  }
  void operator()(const SeqStmt& node) const {
    if (node.stmts.empty()) Line("pass");
    for (const Stmt& stmt : node.stmts) Print(stmt, depth);
  }
  void operator()(const CBRegionStmt& node) const {
    const char* access = node.access == CBAccess::Produce ? "cb_produce" : "cb_consume";
    Line(std::string("with ") + access + "(cb=" + std::to_string(node.cb) + ", pages=" + Index(node.pages) + "):");
    Print(node.body, depth + 1);
  }
  void operator()(const TileReadStmt& node) const {
    Line("read_tile(" + BufferName(func, node.tensor) + ", (" + Index(node.tile_row) + ", " + Index(node.tile_col) +
         "), cb=" + std::to_string(node.cb) + ", slot=" + Index(node.slot) + ")");
  }
  void operator()(const TileWriteStmt& node) const {
    Line("write_tile(" + BufferName(func, node.tensor) + ", (" + Index(node.tile_row) + ", " + Index(node.tile_col) +
         "), cb=" + std::to_string(node.cb) + ", slot=" + Index(node.slot) + ")");
  }
  void operator()(const McastRegionStmt& node) const {
    const char* axis = node.axis == McastAxis::Row ? "row" : "col";
    Line("with mcast(cb=" + std::to_string(node.cb) + ", pages=" + Index(node.pages) + ", axis=\"" + axis + "\"):");
    Print(node.sender_body, depth + 1);
  }
  void operator()(const DstRegionStmt& node) const {
    Line("with dst_region():");
    StmtPrinter{func, out, depth + 1}.Line("# math");
    Print(node.math, depth + 1);
    StmtPrinter{func, out, depth + 1}.Line("# pack");
    Print(node.pack, depth + 1);
  }
  void operator()(const IfStmt& node) const {
    Line("if " + Index(node.cond) + ":");
    Print(node.then_body, depth + 1);
    if (node.else_body) {
      Line("else:");
      Print(node.else_body, depth + 1);
    }
  }
  void operator()(const LetStmt& node) const {
    Line(VarName(func, node.var) + " = " + Index(node.value));
    Print(node.body, depth);
  }
  void operator()(const CallStmt& node) const {
    Line(std::string(bc::Info(node.intrinsic).name) + "(" + IndexList(func, node.args) + ")");
  }
};

std::string LayoutText(const TTLayout& layout) {
  std::string text = layout.tiled ? "tiled" : "row_major";
  if (layout.dram_interleaved) text += " dram_interleaved";
  text += " tiles=" + std::to_string(layout.tile_rows) + "x" + std::to_string(layout.tile_cols);
  text += " page_size=" + std::to_string(layout.page_size);
  return text;
}

std::string Quote(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

std::string Print(const PrimFunc& func, const Index& index) { return IndexPrinter{func}.Print(index); }
std::string Print(const PrimFunc& func, const Value& value) { return ValuePrinter{func}.Print(value); }

std::string Print(const PrimFunc& func) {
  std::ostringstream out;
  out << "# tile IR of " << (func.name.empty() ? "<unnamed>" : func.name);
  if (!func.source_file.empty()) out << " from " << func.source_file;
  out << '\n';
  if (!func.constants.empty()) {
    out << "# constants:";
    for (const auto& [name, value] : func.constants) out << ' ' << name << '=' << value;
    out << '\n';
  }
  for (const auto& [name, value] : func.attrs) out << "# attr " << name << " = " << Quote(value) << '\n';
  for (size_t i = 0; i < func.buffers.size(); ++i) {
    const Buffer& buffer = func.buffers[i];
    out << "# buffer " << buffer.name << ": " << ToString(buffer.scope) << ' ' << ShapeTuple(buffer.shape) << ' '
        << ToString(buffer.dtype);
    if (buffer.is_output) out << " output";
    if (buffer.layout) out << " layout(" << LayoutText(*buffer.layout) << ')';
    if (buffer.cb_index >= 0) out << " cb=" << buffer.cb_index << " cb_num_pages=" << buffer.cb_num_pages;
    if (buffer.accessor_index >= 0) out << " accessor=" << buffer.accessor_index;
    out << '\n';
  }
  if (func.partition) {
    const TTPartition& p = *func.partition;
    out << "# partition: " << (p.mode == TTPartition::Mode::Contiguous ? "contiguous" : "blocks_2d") << " grid=" << p.grid_x
        << 'x' << p.grid_y << " cores=" << p.cores_x << 'x' << p.cores_y << " num_cores=" << p.num_cores
        << " blocks_per_core=" << p.blocks_per_core_x << 'x' << p.blocks_per_core_y;
    for (const auto& [buffer, axis] : p.multicast) {
      out << " mcast(" << BufferName(func, BufferId{buffer}) << ")=" << (axis == McastAxis::Row ? "row" : "col");
    }
    out << '\n';
  }
  out << "@T.prim_func\ndef " << func.name << '(';
  for (size_t i = 0; i < func.params.size(); ++i) {
    const BufferId id = func.params[i];
    out << (i ? ", " : "") << BufferName(func, id);
    if (id.index < func.buffers.size()) {
      const Buffer& buffer = func.buffers[id.index];
      out << ": T.Tensor(" << ShapeTuple(buffer.shape) << ", \"" << ToString(buffer.dtype) << "\")";
    }
  }
  out << "):\n";
  if (func.body) StmtPrinter{func, out, 1}.Print(func.body, 1);
  else if (func.kernels.empty()) out << "  pass  # no body\n";
  for (const DeviceKernel& kernel : func.kernels) {
    out << "  # kernel " << kernel.name << " (" << ToString(kernel.role) << ")\n";
    out << "  # runtime_args:";
    for (size_t i = 0; i < kernel.runtime_arg_names.size(); ++i) out << ' ' << i << '=' << kernel.runtime_arg_names[i];
    out << "\n  # compile_time_args:";
    for (uint32_t arg : kernel.compile_time_args) out << ' ' << arg;
    out << "\n  def " << kernel.name << "():\n";
    StmtPrinter{func, out, 2}.Print(kernel.body, 2);
  }
  return out.str();
}

}  // namespace tilesim::tir
