// KernelBuilder: appends statements to the innermost open block; loops and ifs open nested blocks
// around the callbacks that write their bodies.
#include <stdexcept>
#include <string>
#include <utility>

#include "compiler/kernel_ir/type_rules.h"
#include "tilesim/kernel_builder.h"

namespace tilesim::kir {
namespace {

// The reference a let / call / load32 / for_ hands back has no location of its own: it is used later,
// elsewhere, and then takes the location of the statement that uses it.
Expr Unlocated(const Kernel& kernel, VarId var) { return MakeVar(kernel, var); }

}  // namespace

KernelBuilder::KernelBuilder(std::string name, KernelRole role, std::string source_file) {
  kernel_.name = std::move(name);
  kernel_.role = role;
  // Locations always name file 0. Without a source file it is "<kernel name>", so that messages still
  // say which kernel a line number belongs to.
  kernel_.files.push_back(source_file.empty() ? "<" + kernel_.name + ">" : std::move(source_file));
  blocks_.emplace_back();
}

Expr KernelBuilder::select(Expr cond, Expr if_true, Expr if_false) {
  return MakeSelect(std::move(cond), std::move(if_true), std::move(if_false), location_);
}

Expr KernelBuilder::let(const std::string& name, Expr value) {
  if (!value.defined()) throw std::invalid_argument("KernelBuilder::let(\"" + name + "\"): the value is undefined");
  VarId id = Declare(name, value.type(), /*is_const=*/true);
  Append(LetStmt{id, std::move(value)});
  return Unlocated(kernel_, id);
}

VarId KernelBuilder::var(const std::string& name, Type type, Expr init) {
  if (!IsValidType(type)) throw std::invalid_argument("KernelBuilder::var(\"" + name + "\"): invalid type");
  // An uninitialised C++ local is indeterminate; here it starts at zero so that runs are reproducible.
  if (!init.defined()) init = MakeConst(0, type, location_);
  VarId id = Declare(name, type, /*is_const=*/false);
  Append(LetStmt{id, std::move(init)});
  return id;
}

void KernelBuilder::assign(VarId var, Expr value) { Append(AssignStmt{var, std::move(value)}); }

Expr KernelBuilder::load32(Expr address) {
  Expr load = MakeLoad(std::move(address), location_);
  VarId id = Declare("load32_" + std::to_string(kernel_.vars.size()), Type::U32, /*is_const=*/true);
  Append(LetStmt{id, std::move(load)});
  return Unlocated(kernel_, id);
}

void KernelBuilder::store32(Expr address, Expr value) { Append(StoreStmt{std::move(address), std::move(value)}); }

void KernelBuilder::for_(const std::string& name, Expr begin, Expr end, const std::function<void(Expr)>& body,
                         Expr step) {
  if (!begin.defined() || !end.defined()) {
    throw std::invalid_argument("KernelBuilder::for_(\"" + name + "\"): begin and end must be defined");
  }
  // `for_("i", 0, n)` declares i with the type `i < n` compares in, as `for (auto i = T(0); ...)` would.
  Type type = CommonType(begin.type(), end.type());
  VarId id = Declare(name, type, /*is_const=*/false);
  SourceLocation loc = location_;
  Stmt block = Block([&] { body(Unlocated(kernel_, id)); });
  blocks_.back().push_back(MakeStmt(ForStmt{id, std::move(begin), std::move(end), std::move(step), block}, loc));
}

void KernelBuilder::while_(Expr cond, const std::function<void()>& body) {
  SourceLocation loc = location_;
  Stmt block = Block(body);
  blocks_.back().push_back(MakeStmt(WhileStmt{std::move(cond), block}, loc));
}

void KernelBuilder::if_(Expr cond, const std::function<void()>& then_body, const std::function<void()>& else_body) {
  SourceLocation loc = location_;
  Stmt then_block = Block(then_body);
  Stmt else_block = else_body ? Block(else_body) : nullptr;
  blocks_.back().push_back(MakeStmt(IfStmt{std::move(cond), then_block, else_block}, loc));
}

void KernelBuilder::break_() { Append(BreakStmt{}); }
void KernelBuilder::continue_() { Append(ContinueStmt{}); }
void KernelBuilder::return_() { Append(ReturnStmt{}); }

void KernelBuilder::dprint(std::initializer_list<PrintPart> parts) {
  for (const PrintPart& part : parts) {
    if (part.is_text) {
      // Interned: a string printed twice is stored once.
      uint32_t index = 0;
      while (index < kernel_.strings.size() && kernel_.strings[index] != part.text) ++index;
      if (index == kernel_.strings.size()) kernel_.strings.push_back(part.text);
      call(bc::Intrinsic::dprint_str, {u32(index)});
      continue;
    }
    if (!part.value.defined()) throw std::invalid_argument("KernelBuilder::dprint: a printed value is undefined");
    switch (part.value.type()) {
      case Type::I32: call(bc::Intrinsic::dprint_i32, {part.value}); break;
      case Type::U64: call(bc::Intrinsic::dprint_u64, {part.value}); break;
      case Type::U32:
      case Type::Bool: call(bc::Intrinsic::dprint_u32, {part.value}); break;
    }
  }
  call(bc::Intrinsic::dprint_endl, {});
}

Expr KernelBuilder::call(bc::Intrinsic intrinsic, std::vector<Expr> args) {
  Expr call = MakeCall(intrinsic, std::move(args), location_);
  const bc::IntrinsicInfo& info = bc::Info(intrinsic);
  if (info.result() == bc::ValueKind::Void) {
    Append(EvaluateStmt{std::move(call)});
    return Expr();
  }
  VarId id = Declare(std::string(info.name) + "_" + std::to_string(kernel_.vars.size()), call.type(),
                     /*is_const=*/true);
  Append(LetStmt{id, std::move(call)});
  return Unlocated(kernel_, id);
}

Kernel KernelBuilder::Build() {
  if (blocks_.size() != 1) {
    throw std::logic_error(blocks_.empty() ? "KernelBuilder::Build: the kernel was already built"
                                           : "KernelBuilder::Build: called inside a loop or if body");
  }
  kernel_.body = MakeStmt(SeqStmt{std::move(blocks_.back())});
  blocks_.clear();
  return std::move(kernel_);
}

void KernelBuilder::Append(decltype(StmtNode::node) node) {
  if (blocks_.empty()) throw std::logic_error("KernelBuilder: used after Build()");
  blocks_.back().push_back(MakeStmt(std::move(node), location_));
}

Stmt KernelBuilder::Block(const std::function<void()>& body) {
  if (blocks_.empty()) throw std::logic_error("KernelBuilder: used after Build()");
  SourceLocation loc = location_;
  blocks_.emplace_back();
  // Closes the block even if `body` throws, so the builder stays consistent for the caller's handler.
  try {
    if (body) body();
  } catch (...) {
    blocks_.pop_back();
    throw;
  }
  std::vector<Stmt> stmts = std::move(blocks_.back());
  blocks_.pop_back();
  return MakeStmt(SeqStmt{std::move(stmts)}, loc);
}

VarId KernelBuilder::Declare(const std::string& name, Type type, bool is_const) {
  kernel_.vars.push_back(VarInfo{name, type, is_const});
  return VarId{static_cast<uint32_t>(kernel_.vars.size() - 1)};
}

}  // namespace tilesim::kir
