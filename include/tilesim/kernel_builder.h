// KernelBuilder: write Kernel IR from C++, the way the kernel would read in Metalium.
//
//   KernelBuilder k("reader_unary", KernelRole::DataMovement0);
//   Expr src_addr = k.let("src_addr", k.get_arg_val(0));
//   Expr n_tiles = k.let("n_tiles", k.get_arg_val(1));
//   k.for_("i", 0, n_tiles, [&](Expr i) {
//     k.cb_reserve_back(0, 1);
//     Expr l1 = k.get_write_ptr(0);
//     k.noc_async_read(k.get_noc_addr_interleaved(i, src_addr, 2048, 1, 0), l1, 2048);
//     k.noc_async_read_barrier();
//     k.cb_push_back(0, 1);
//   });
//   kir::Kernel kernel = k.Build();
//
// Every intrinsic of intrinsics.def is a member of the same name. One returning a value binds it to a
// fresh variable at the point of the call and returns that variable, so it is evaluated once, in program
// order, exactly like the C++ call it stands for; one returning nothing appends a statement.
//
// A plain integer literal is a uint32_t constant (Expr(int)), so `x < 0` on an int32_t x compares as
// unsigned, as `x < 0u` would in C++: write `x < KernelBuilder::i32(0)` for a signed comparison.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tilesim/kernel_ir.h"

namespace tilesim::kir {

class KernelBuilder {
 public:
  KernelBuilder(std::string name, KernelRole role, std::string source_file = "");

  // Values.
  static Expr u32(uint32_t value) { return MakeConst(value, Type::U32); }
  static Expr i32(int32_t value) { return MakeConst(static_cast<uint32_t>(value), Type::I32); }
  static Expr u64(uint64_t value) { return MakeConst(value, Type::U64); }
  static Expr compile_time_arg(uint32_t index) { return MakeCompileTimeArg(index); }
  Expr cast(Type type, Expr value) { return MakeCast(type, std::move(value), location_); }
  Expr select(Expr cond, Expr if_true, Expr if_false);

  // Statements appended to the current block.
  // The references let / load32 / calls / for_ hand back carry no location: where they are used, they
  // take the location of the statement using them.
  Expr let(const std::string& name, Expr value);                       // const local; returns its reference
  VarId var(const std::string& name, Type type, Expr init);            // mutable local; an undefined init is 0
  Expr ref(VarId var) const { return MakeVar(kernel_, var, location_); }
  void assign(VarId var, Expr value);
  Expr load32(Expr address);                                           // bound to a fresh variable, like calls
  void store32(Expr address, Expr value);
  void for_(const std::string& name, Expr begin, Expr end, const std::function<void(Expr)>& body, Expr step = 1u);
  void while_(Expr cond, const std::function<void()>& body);
  void if_(Expr cond, const std::function<void()>& then_body, const std::function<void()>& else_body = {});
  void break_();
  void continue_();
  void return_();

  // DPRINT << parts... << ENDL(): strings are printed as text, expressions by their type.
  struct PrintPart {
    PrintPart(const char* text) : text(text), is_text(true) {}  // NOLINT
    PrintPart(std::string text) : text(std::move(text)), is_text(true) {}  // NOLINT
    PrintPart(Expr value) : value(std::move(value)) {}  // NOLINT
    PrintPart(int value) : value(value) {}  // NOLINT
    std::string text;
    Expr value;
    bool is_text = false;
  };
  void dprint(std::initializer_list<PrintPart> parts);  // ends with ENDL()

  // A raw intrinsic call: as the generated members below (an undefined Expr for a void intrinsic).
  Expr call(bc::Intrinsic intrinsic, std::vector<Expr> args);

  // Source location attached to the nodes built from now on (line 0 = none).
  void at(uint32_t line, uint32_t column = 0) { location_.line = line; location_.column = column; }

  // Finishes the kernel. The builder must not be used afterwards.
  Kernel Build();

  // One member per intrinsic: k.cb_wait_front(cb, n), Expr p = k.get_read_ptr(cb), ...
#define TILESIM_INTRINSIC(name, roles, sig, doc)                                               \
  template <typename... Args>                                                                  \
  auto name(Args&&... args) {                                                                  \
    if constexpr (bc::Info(bc::Intrinsic::name).result() == bc::ValueKind::Void) {             \
      call(bc::Intrinsic::name, {Expr(std::forward<Args>(args))...});                          \
    } else {                                                                                   \
      return call(bc::Intrinsic::name, {Expr(std::forward<Args>(args))...});                   \
    }                                                                                          \
  }
#include "tilesim/bytecode/intrinsics.def"
#undef TILESIM_INTRINSIC

 private:
  void Append(decltype(StmtNode::node) node);
  Stmt Block(const std::function<void()>& body);
  VarId Declare(const std::string& name, Type type, bool is_const);

  Kernel kernel_;
  std::vector<std::vector<Stmt>> blocks_;  // open blocks, innermost last
  SourceLocation location_;
};

}  // namespace tilesim::kir
