// Lowering: the AST of a kernel to Kernel IR. Not a public header; the pieces live in lower_*.cpp and
// builtins_*.cpp.
//
// Model. Scalars (bool, 8/16/32-bit integers, uint64_t) live in kir variables; 8- and 16-bit ones are kept
// promoted (an int32_t register holding the zero- or sign-extended value), so reading them is exactly C++'s
// integral promotion and writing them truncates. A pointer is a uint32_t variable holding an L1 address and
// the type it points to; *p, p[i] and p->... become 32-bit loads and stores (narrower element types by
// read-modify-write of the containing word). The kernel API's objects (TensorAccessorArgs, TensorAccessor,
// the InterleavedAddrGen family, Device 2.0 CircularBuffer / Noc) exist only at compile time: an Object
// holds the IR expressions of its fields. Arrays and structs are sets of variables (scalar replacement);
// an array element chosen at run time is a select chain on read and an if chain on write. Helper functions
// are inlined at every call, templates instantiated there.
//
// A `const` / `constexpr` variable whose value is a pure expression (constants and compile-time args) is
// not a variable at all: the expression is substituted at each use, so constant folding and the
// "needs a compile-time value" checks see through it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiler/frontends/metalium/ast.h"
#include "tilesim/kernel_ir.h"
#include "tilesim/metalium.h"

namespace tilesim::metalium {

// The C type of a scalar. Narrow types are held promoted (see above).
enum class CType : uint8_t { Void, Bool, I8, U8, I16, U16, I32, U32, U64 };
kir::Type KirType(CType type);
CType CTypeOf(kir::Type type);
std::string CTypeName(CType type);
uint32_t SizeOf(CType type);

enum class ObjectKind : uint8_t {
  AccessorArgs,    // TensorAccessorArgs<CTA, CRTA>
  AddrGen,         // TensorAccessor, InterleavedAddrGen(Fast), InterleavedPow2AddrGen(Fast)
  CircularBuffer,  // Device 2.0 experimental::CircularBuffer
  Noc,             // Device 2.0 experimental::Noc
  CbInterface,     // get_local_cb_interface(cb)
  DataFormat,      // get_dataformat(cb): a circular buffer's format, which kernels here cannot inspect
};

// A kernel API object: compile-time only, its fields are IR expressions fixed when it was made.
struct Object {
  ObjectKind kind;
  std::string type_name;  // as the kernel spells it, for messages
  // AccessorArgs
  uint32_t cta_offset = 0;
  uint32_t num_compile_time_args = 0;
  kir::Expr crta_offset;  // U32
  kir::Expr config;       // U32: the ArgsConfig word
  kir::Expr page_size;    // U32: also AddrGen
  bool runtime_page_size = false;
  // AddrGen
  kir::Expr base;     // U32 bank base address
  kir::Expr is_dram;  // U32 0 / 1
  // CircularBuffer, CbInterface, DataFormat
  kir::Expr cb;  // U32
};
using ObjectPtr = std::shared_ptr<const Object>;

struct Entity;
using EntityPtr = std::shared_ptr<Entity>;

// A resolved type.
struct Type {
  enum class Kind : uint8_t { Void, Scalar, Pointer, Object, Struct, Auto } kind = Kind::Scalar;
  CType scalar = CType::U32;  // Scalar: the type; Pointer: what it points to
  ObjectKind object = ObjectKind::AddrGen;
  std::string object_name;    // Object: the spelling (InterleavedAddrGenFast...)
  std::vector<ast::TemplateArg> object_template_args;
  const ast::StructDecl* struct_decl = nullptr;
  std::string Describe() const;
};

// An rvalue.
struct Value {
  enum class Kind : uint8_t { Void, Scalar, Pointer, Object, Aggregate, String } kind = Kind::Void;
  kir::Expr expr;           // Scalar: the value (of type KirType(ctype)); Pointer: the address (U32)
  CType ctype = CType::U32; // Scalar: its C type; Pointer: the pointee's
  ObjectPtr object;
  EntityPtr aggregate;      // an array or struct
  std::string text;         // String: a literal's value
  bool is_char_literal = false;  // DPRINT prints a character literal as a character

  static Value Scalar(kir::Expr expr, CType ctype);
  static Value Scalar(kir::Expr expr);  // C type from the IR type
  static Value Pointer(kir::Expr address, CType pointee);
  static Value Of(ObjectPtr object);
  std::string Describe() const;  // "uint32_t", "a pointer to uint16_t", "TensorAccessor"...
};

// What a name stands for.
struct Entity {
  enum class Kind : uint8_t { Var, Constant, Memory, Array, Struct, TypeName, Functions } kind = Kind::Var;
  std::string name;
  SourcePos pos;
  // Var: a kir variable holding a scalar of `ctype`, or (is_pointer) an address pointing to `ctype`
  kir::VarId var;
  CType ctype = CType::U32;
  bool is_pointer = false;
  bool is_const = false;
  // Constant: a value substituted at each use. Memory: value.expr is the address of a `ctype` in L1
  // (a reference bound to *p).
  Value value;
  // Array: the elements; Struct: the fields, in declaration order
  std::vector<EntityPtr> elements;
  std::vector<std::string> field_names;
  const ast::StructDecl* struct_decl = nullptr;
  Type element_type;  // Array
  // TypeName: an alias or a template type parameter
  Type type;
  // Functions: an overload set
  std::vector<const ast::FunctionDecl*> functions;
};

// An assignable place.
struct LValue {
  enum class Kind : uint8_t { Entity, Memory, Dynamic } kind = Kind::Entity;
  EntityPtr entity;                    // Entity: a Var (or an aggregate, for whole-object assignment)
  kir::Expr address;                   // Memory: L1 address of a `ctype`
  CType ctype = CType::U32;
  std::vector<EntityPtr> candidates;   // Dynamic: array elements, one chosen by `index` at run time
  kir::Expr index;
  SourcePos pos;
  std::string name;  // for messages
};

// The call being lowered, with its arguments lowered on demand (ignored arguments are never evaluated,
// so tt-metal's extra parameters such as a NoC index or a vector mode may be any expression).
class Lowerer;
struct BuiltinCall {
  Lowerer* lowerer = nullptr;
  std::string name;                             // unqualified
  SourcePos pos;
  const std::vector<ast::TemplateArg>* template_args = nullptr;
  std::vector<const ast::Expr*> args;
  std::optional<Value> receiver;                // obj.method(...): the object
  std::vector<std::optional<Value>> cache;

  size_t count() const { return args.size(); }
  const Value& Arg(size_t i);
  kir::Expr U32(size_t i);           // argument i converted to uint32_t
  kir::Expr U64(size_t i);           // argument i converted to uint64_t
  kir::Expr U32Or(size_t i, uint32_t default_value);
  void RequireArgs(size_t min, size_t max) const;
  std::optional<uint64_t> TemplateValue(size_t i);  // a value template argument, if given (must be constant)
};

using BuiltinHandler = std::function<Value(BuiltinCall&)>;

class Lowerer {
 public:
  Lowerer(Diagnostics& diag, const FrontEndOptions& options, std::optional<std::span<const uint32_t>> compile_time_args);
  kir::Kernel Run(const ast::TranslationUnit& unit);

  // ---- Shared with the builtins ----
  Diagnostics& diag() { return diag_; }
  KernelRole role() const { return options_.role; }
  const kir::Kernel& kernel() const { return kernel_; }
  kir::SourceLocation Loc(const SourcePos& pos) const;
  [[noreturn]] void Error(const SourcePos& pos, const std::string& message) const { diag_.Error(pos, message); }

  void Emit(kir::Stmt stmt);
  void EmitCall(bc::Intrinsic intrinsic, std::vector<kir::Expr> args, const SourcePos& pos);  // a void intrinsic
  kir::Expr Call(bc::Intrinsic intrinsic, std::vector<kir::Expr> args, const SourcePos& pos);  // a value intrinsic
  void CheckRole(bc::Intrinsic intrinsic, const std::string& spelled, const SourcePos& pos) const;
  kir::VarId NewVar(const std::string& name, kir::Type type, bool is_const);
  // Declares a variable initialised with `init` in the current block; returns a reference to it.
  kir::Expr Let(const std::string& name, kir::Expr init, const SourcePos& pos, bool is_const = true);
  // `expr` itself if it is pure (constants, compile-time args), else a const variable holding it.
  kir::Expr Snapshot(const std::string& name, kir::Expr expr, const SourcePos& pos);
  kir::Expr Const(uint64_t value, kir::Type type, const SourcePos& pos) const;
  kir::Expr Fold(kir::Expr expr) const;  // a constant node if the expression folds

  kir::Expr ToU32(const Value& value, const SourcePos& pos) const;
  kir::Expr ToU64(const Value& value, const SourcePos& pos) const;
  kir::Expr ToBool(const Value& value, const SourcePos& pos) const;
  kir::Expr Convert(const Value& value, CType to, const SourcePos& pos) const;  // C++ integral conversion
  uint64_t RequireConstant(const kir::Expr& expr, const std::string& what, const SourcePos& pos) const;
  std::optional<uint64_t> ConstantValue(const kir::Expr& expr) const;
  kir::Expr CompileTimeArg(uint32_t index, const SourcePos& pos) const;
  bool has_compile_time_args() const { return compile_time_args_.has_value(); }
  std::optional<uint32_t> KnownCompileTimeArg(uint32_t index) const;

  Value LowerExpr(const ast::Expr& expr);
  // DPRINT output (dprint.cpp): text (a '\n' ends the line) and a value printed by its type.
  void PrintText(const std::string& text, const SourcePos& pos);
  void PrintValue(const Value& value, const SourcePos& pos);
  Type ResolveType(const ast::TypeRef& type);
  uint32_t AddString(const std::string& text);
  // "name.field" while the object being declared as `name` is built (else "field"): names its variables.
  std::string FieldName(const std::string& field) const { return name_hint_.empty() ? field : name_hint_ + "." + field; }
  // The transpose flag matmul_init / mm_init recorded, which the 5-argument matmul_tiles uses: a kernel-wide
  // variable made on first use.
  kir::VarId MatmulTransposeVar();

 private:
  friend struct BuiltinCall;

  // ---- Blocks and scopes (lower_decl.cpp) ----
  void PushBlock() { blocks_.emplace_back(); }
  kir::Stmt PopBlock(const SourcePos& pos);
  void PushScope() { scopes_.emplace_back(); }
  void PopScope() { scopes_.pop_back(); }
  void Declare(const std::string& name, EntityPtr entity, const SourcePos& pos);
  EntityPtr Lookup(const ast::QualifiedName& name) const;
  EntityPtr LookupKey(const std::string& key) const;

  // ---- Declarations (lower_decl.cpp) ----
  void RegisterTopLevel(const ast::TranslationUnit& unit);
  void LowerGlobal(const ast::VarDecl& decl);
  void LowerVarDecl(const ast::VarDecl& decl, bool is_global);
  EntityPtr MakeStorage(const std::string& name, const Type& type, const SourcePos& pos, bool is_const);
  void InitializeFrom(const EntityPtr& entity, const Type& type, const ast::Expr* init, const SourcePos& pos);
  void InitializeAggregate(const EntityPtr& entity, const ast::Expr& list);
  void CopyAggregate(const EntityPtr& to, const EntityPtr& from, const SourcePos& pos);
  EntityPtr BindValue(const std::string& name, const Type& type, const Value& value, bool is_const,
                      const SourcePos& pos);
  Value ConstructObject(const Type& type, const ast::Expr* init, const std::vector<const ast::Expr*>& args,
                        const SourcePos& pos);
  Type DeduceAuto(const Value& value) const;
  void LowerStaticAssert(const ast::Stmt& stmt);

  // ---- Statements (lower_stmt.cpp) ----
  void LowerStmt(const ast::Stmt& stmt);
  kir::Stmt LowerBody(const ast::Stmt& stmt);  // a new block and scope
  void LowerFor(const ast::Stmt& stmt);
  void LowerWhile(const ast::Stmt& stmt);
  void LowerDoWhile(const ast::Stmt& stmt);
  void LowerSwitch(const ast::Stmt& stmt);
  void LowerReturn(const ast::Stmt& stmt);
  void LowerBreakContinue(const ast::Stmt& stmt);
  void EmitContinue(const SourcePos& pos);
  struct Lowered {
    std::vector<kir::Stmt> stmts;
    Value value;
  };
  Lowered LowerDetached(const ast::Expr& expr);  // lowers into a scratch block

  // ---- Expressions (lower_expr.cpp) ----
  Value LowerName(const ast::Expr& expr);
  Value LowerUnary(const ast::Expr& expr);
  Value LowerBinary(const ast::Expr& expr);
  Value Arithmetic(const std::string& op, const Value& lhs, const Value& rhs, const SourcePos& pos);
  Value LowerAssign(const ast::Expr& expr);
  Value LowerConditional(const ast::Expr& expr);
  Value LowerCast(const ast::Expr& expr);
  Value CastTo(const Type& type, const Value& value, const std::string& kind, const SourcePos& pos);
  Value LowerMember(const ast::Expr& expr);
  Value LowerSubscript(const ast::Expr& expr);
  Value LowerSizeOf(const ast::Expr& expr);
  Value LowerLiteral(const ast::Expr& expr);
  LValue LowerLValue(const ast::Expr& expr);
  Value Load(const LValue& lvalue);
  void Store(const LValue& lvalue, const Value& value, const SourcePos& pos);
  Value ReadEntity(const EntityPtr& entity, const SourcePos& pos);
  void MaterializeIfNeeded(Value& value, size_t mark, const SourcePos& pos);
  bool IsDprintChain(const ast::Expr& expr) const;
  void LowerDprint(const ast::Expr& expr);  // dprint.cpp

  // ---- Calls (lower_call.cpp) ----
  Value LowerCall(const ast::Expr& expr);
  Value CallFunction(const std::vector<const ast::FunctionDecl*>& overloads, const ast::Expr& call,
                     const std::vector<ast::TemplateArg>* template_args);
  Value CallBuiltin(const std::string& name, const ast::Expr& call, const std::vector<ast::TemplateArg>* targs,
                    std::optional<Value> receiver);

  struct FunctionFrame {
    const ast::FunctionDecl* decl = nullptr;
    bool is_entry = false;
    size_t scope_base = 0;           // names below this scope (except globals) are invisible
    Type return_type;
    std::optional<kir::VarId> result;
    EntityPtr result_aggregate;
    std::optional<Value> result_value;  // an object returned by a single trailing return
    std::optional<kir::VarId> returned;  // set when a return exits through loops
    bool wrapped = false;            // the body runs inside while (true) { ...; break; }
    const ast::Stmt* trailing_return = nullptr;
    size_t result_block = 0;         // where a deduced result variable is inserted
    size_t result_index = 0;
  };
  struct ControlFrame {
    enum class Kind : uint8_t { Loop, Switch } kind = Kind::Loop;
    std::optional<kir::VarId> continue_flag;  // Switch: a continue inside goes to the enclosing loop
    bool return_inside = false;
  };
  ControlFrame EmitLoop(Lowered cond, Lowered step, const ast::Stmt& body, const SourcePos& pos);
  void EmitReturnCheck(const ControlFrame& frame, const SourcePos& pos);
  void StoreResult(FunctionFrame& frame, const ast::Expr& value, const SourcePos& pos);

  Diagnostics& diag_;
  FrontEndOptions options_;
  std::optional<std::vector<uint32_t>> compile_time_args_;
  kir::Kernel kernel_;
  std::vector<std::vector<kir::Stmt>> blocks_;
  std::vector<std::map<std::string, EntityPtr>> scopes_;  // scopes_[0]: globals
  std::deque<FunctionFrame> functions_;  // deques: references stay valid while inner calls push frames
  std::deque<ControlFrame> controls_;
  std::vector<size_t> control_base_;  // controls_.size() when each function frame started
  std::map<const ast::VarDecl*, EntityPtr> statics_;
  std::vector<kir::Stmt> prologue_;  // declarations made on first use (statics, the matmul transpose flag)
  std::map<std::string, uint32_t> strings_;
  std::optional<kir::VarId> matmul_transpose_var_;
  std::string name_hint_;
  int call_depth_ = 0;
  int expr_depth_ = 0;
};

// Whether an expression reads nothing that may change (only constants and compile-time args).
bool IsPureExpr(const kir::Expr& expr);

// The builtin function table (builtins_*.cpp): the handler for `name`, or null.
const BuiltinHandler* FindBuiltin(const std::string& name);
// Builtin named constants (tt::CBIndex::c_16, DataFormat::Float16_b, VALID, noc_index...): the key is the
// name without namespaces ("CBIndex::c_16", "noc_index").
std::optional<Value> FindBuiltinConstant(const std::string& key, KernelRole role);
// Builtin type names: scalar typedefs and object types; nullopt if `name` is not one.
std::optional<Type> FindBuiltinType(const std::string& name, const SourcePos& pos, const Diagnostics& diag);

}  // namespace tilesim::metalium
