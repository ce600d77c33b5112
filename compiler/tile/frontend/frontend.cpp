// The tile DSL front end (include/tilesim/tile_compiler.h: ParseDsl, ParseDslFile): finds the kernel —
// a module-level @T.prim_func or one inside a factory `def matmul(M, N, K, block_M=128, ...)` — binds the
// module constants, factory parameters and --NAME values, and hands the prim_func to the binder.
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/tile/frontend/binder.h"
#include "compiler/tile/frontend/parser.h"
#include "tilesim/compiler.h"

namespace tilesim::tile {

namespace frontend {

namespace {

struct Candidate {
  const Stmt* factory = nullptr;  // null for a module-level prim_func
  const Stmt* kernel = nullptr;
  std::string Describe() const { return factory ? factory->name + "." + kernel->name : kernel->name; }
};

std::string ListNames(const std::vector<Candidate>& candidates) {
  std::string text;
  for (size_t i = 0; i < candidates.size(); ++i) {
    text += i ? ", " : "";
    text += candidates[i].Describe();
  }
  return text;
}

}  // namespace

Binder::Binder(const Module& module, const Bindings& bindings) : module_(module), bindings_(bindings) {
  for (const auto& [name, value] : bindings_) binding_used_[name] = false;
}

void Binder::BindDeclarations(const Block& body) {
  for (const StmtPtr& stmt : body) {
    if (stmt->kind == Stmt::Kind::Import) {
      for (const ImportedName& imported : stmt->imports) {
        if (imported.bound_name != "*") Define(imported.bound_name, ModuleAlias{imported.module_path}, imported.location);
      }
    } else if (stmt->kind == Stmt::Kind::Assign && stmt->target->kind == Expr::Kind::Name) {
      const std::string& name = stmt->target->text;
      LazyConst constant;
      constant.expr = stmt->value.get();
      constant.location = stmt->location;
      auto binding = bindings_.find(name);
      if (binding != bindings_.end()) {
        if (stmt->value->kind == Expr::Kind::String) {
          Fail(stmt->location, "--" + name + " given but " + name + " is the string \"" + stmt->value->text + "\", not an integer");
        }
        constant.value = ConstValue{binding->second};
        binding_used_[name] = true;
      }
      Define(name, std::move(constant), stmt->location);
    } else if (stmt->kind == Stmt::Kind::FunctionDef || (stmt->kind == Stmt::Kind::Skipped && !stmt->name.empty())) {
      Define(stmt->name, FunctionName{}, stmt->location);
    }
  }
}

bool Binder::IsPrimFuncDecorator(const Expr& decorator) {
  const Expr& callee = decorator.kind == Expr::Kind::Call ? *decorator.base : decorator;  // @T.prim_func(...)
  if (LanguageMember(callee) == "prim_func") return true;
  const bool spelled = (callee.kind == Expr::Kind::Attribute || callee.kind == Expr::Kind::Name) && callee.text == "prim_func";
  if (spelled) {
    Fail(callee.location, Unparse(callee) + " does not name tilelang.language.prim_func (import tilelang.language as T)");
  }
  return false;
}

bool Binder::IsPrimFunc(const Stmt& def) {
  bool prim_func = false;
  for (const ExprPtr& decorator : def.decorators) prim_func = IsPrimFuncDecorator(*decorator) || prim_func;
  return prim_func;
}

namespace {

// The first call of the factory `name` in a module-level statement, e.g. `func = matmul(1024, 1024, 1024,
// 128, 128, 32)` or `kernel = tilelang.compile(matmul(...), out_idx=[2])`.
const Expr* FindFactoryCall(const Expr& expr, const std::string& name) {
  if (expr.kind == Expr::Kind::Call && expr.base && expr.base->kind == Expr::Kind::Name && expr.base->text == name) return &expr;
  if (expr.base) {
    if (const Expr* found = FindFactoryCall(*expr.base, name)) return found;
  }
  for (const ExprPtr& item : expr.items) {
    if (!item) continue;
    if (const Expr* found = FindFactoryCall(*item, name)) return found;
  }
  for (const Keyword& keyword : expr.keywords) {
    if (const Expr* found = FindFactoryCall(*keyword.value, name)) return found;
  }
  return nullptr;
}

}  // namespace

void Binder::BindFactoryParams(const Stmt& factory) {
  // Parameters a module-level call of the factory passes, where they are constants there: the file's own
  // choice of sizes, below --NAME and above the factory's defaults.
  std::map<std::string, ConstValue> passed;
  const Expr* call = nullptr;
  for (const StmtPtr& stmt : module_.body) {
    if ((stmt->kind == Stmt::Kind::Assign || stmt->kind == Stmt::Kind::Expr) && stmt->value) call = FindFactoryCall(*stmt->value, factory.name);
    if (call) break;
  }
  if (call) {
    const auto pass = [&](const std::string& param, const Expr& argument) {
      const size_t saved_limit = lookup_limit_;
      lookup_limit_ = 1;  // the module's names
      try {
        passed[param] = Evaluate(argument);
      } catch (const compiler::CompileError&) {
        // Not a constant at module level (e.g. args.m from argparse): the parameter needs --NAME.
      }
      lookup_limit_ = saved_limit;
    };
    for (size_t i = 0; i < call->items.size() && i < factory.params.size(); ++i) pass(factory.params[i].name, *call->items[i]);
    for (const Keyword& keyword : call->keywords) pass(keyword.name, *keyword.value);
  }
  for (const Param& param : factory.params) {
    LazyConst constant;
    constant.location = param.location;
    auto binding = bindings_.find(param.name);
    if (binding != bindings_.end()) {
      if (param.default_value && param.default_value->kind == Expr::Kind::String) {
        Fail(param.location, "--" + param.name + " given but " + param.name + " is the string \"" +
                                 param.default_value->text + "\", not an integer");
      }
      constant.value = ConstValue{binding->second};
      binding_used_[param.name] = true;
    } else if (auto argument = passed.find(param.name); argument != passed.end()) {
      constant.value = argument->second;
    } else if (param.default_value) {
      constant.expr = param.default_value.get();
    } else {
      constant.unbound_message = "parameter " + param.name + " of " + factory.name + " has no value: pass --" + param.name;
    }
    Define(param.name, std::move(constant), param.location);
  }
}

void Binder::RecordConstants() {
  for (size_t level = 0; level < scopes_.size(); ++level) {
    for (auto& [name, entry] : scopes_[level]) {
      auto* constant = std::get_if<LazyConst>(&entry);
      if (constant == nullptr) continue;
      try {
        ConstValue value = EvaluateLazy(*constant, level, name, constant->location);
        if (value.is_int()) func_.constants[name] = value.as_int();
      } catch (const compiler::CompileError&) {
        // Host-side names (torch tensors, unset factory parameters) the kernel never uses.
      }
    }
  }
}

tir::PrimFunc Binder::Run(const std::string& function) {
  PushScope();
  BindDeclarations(module_.body);
  std::vector<Candidate> candidates;
  for (const StmtPtr& stmt : module_.body) {
    switch (stmt->kind) {
      case Stmt::Kind::FunctionDef:
        if (IsPrimFunc(*stmt)) {
          candidates.push_back({nullptr, stmt.get()});
          break;
        }
        for (const StmtPtr& inner : stmt->body) {
          if (inner->kind == Stmt::Kind::FunctionDef && IsPrimFunc(*inner)) candidates.push_back({stmt.get(), inner.get()});
        }
        break;
      case Stmt::Kind::Import:
      case Stmt::Kind::Assign:
      case Stmt::Kind::Skipped:
      case Stmt::Kind::Pass:
      case Stmt::Kind::Expr: break;  // host-side expression statements cannot change the kernel's constants
      case Stmt::Kind::For: Fail(stmt->location, "unsupported at module level: for loops");
      case Stmt::Kind::With: Fail(stmt->location, "unsupported at module level: with statements");
      case Stmt::Kind::AugAssign: Fail(stmt->location, "unsupported at module level: " + stmt->text + " (assign constants once)");
      case Stmt::Kind::Return: Fail(stmt->location, "return outside a function");
    }
  }
  std::vector<Candidate> chosen;
  for (const Candidate& candidate : candidates) {
    if (function.empty() || candidate.kernel->name == function || (candidate.factory && candidate.factory->name == function)) {
      chosen.push_back(candidate);
    }
  }
  if (chosen.empty()) {
    if (function.empty()) throw compiler::CompileError(module_.file, "no @T.prim_func in the file");
    throw compiler::CompileError(module_.file, "no @T.prim_func named " + function + " (the file has: " +
                                                   (candidates.empty() ? "none" : ListNames(candidates)) + ")");
  }
  if (chosen.size() > 1) {
    throw compiler::CompileError(module_.file, std::to_string(chosen.size()) + " @T.prim_func kernels (" + ListNames(chosen) +
                                                   "): name the one to compile");
  }
  const Candidate& kernel = chosen.front();
  if (kernel.factory) {
    PushScope();
    BindFactoryParams(*kernel.factory);
    BindDeclarations(kernel.factory->body);
    for (const StmtPtr& stmt : kernel.factory->body) {
      switch (stmt->kind) {
        case Stmt::Kind::Import:
        case Stmt::Kind::Assign:
        case Stmt::Kind::FunctionDef:
        case Stmt::Kind::Skipped:
        case Stmt::Kind::Return:
        case Stmt::Kind::Pass: break;
        case Stmt::Kind::Expr:
          if (stmt->value->kind != Expr::Kind::String) Fail(stmt->location, "unsupported in a kernel factory: " + Unparse(*stmt->value));
          break;
        case Stmt::Kind::For: Fail(stmt->location, "unsupported in a kernel factory: for loops");
        case Stmt::Kind::With: Fail(stmt->location, "unsupported in a kernel factory: with statements");
        case Stmt::Kind::AugAssign: Fail(stmt->location, "unsupported in a kernel factory: " + stmt->text);
      }
    }
  }
  LowerPrimFunc(*kernel.kernel);
  for (const auto& [name, used] : binding_used_) {
    if (!used) throw compiler::CompileError(module_.file, "--" + name + " given but the kernel has no " + name);
  }
  return std::move(func_);
}

}  // namespace frontend

tir::PrimFunc ParseDsl(const DslSource& source, const Bindings& bindings, const std::string& function) {
  frontend::Module module = frontend::Parse(source.text, source.path);
  frontend::Binder binder(module, bindings);
  return binder.Run(function);
}

tir::PrimFunc ParseDslFile(const std::string& path, const Bindings& bindings, const std::string& function) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw compiler::CompileError(path, "cannot read the file");
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) throw compiler::CompileError(path, "cannot read the file");
  return ParseDsl(DslSource{path, text.str()}, bindings, function);
}

}  // namespace tilesim::tile
