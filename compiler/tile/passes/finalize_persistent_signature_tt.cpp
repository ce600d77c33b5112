#include "compiler/tile/passes/finalize_persistent_signature_tt.h"

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;

class NamedArgs : public StmtMutator {
 public:
  explicit NamedArgs(PrimFunc& func) : func_(func) {}
  Index MutateIndex(const Index& index) override {
    return RewriteIndex(index, [&](const Index& node) -> Index {
      const auto* arg = std::get_if<IndexArg>(&node->node);
      if (!arg) return node;
      auto it = vars_.find(arg->name);
      if (it == vars_.end()) {
        names_.push_back(arg->name);
        it = vars_.emplace(arg->name, NewVar(func_, arg->name)).first;
      }
      return MakeIndexVar(it->second, node->location);
    });
  }
  const std::vector<std::string>& names() const { return names_; }
  VarId var(const std::string& name) const { return vars_.at(name); }

 private:
  PrimFunc& func_;
  std::vector<std::string> names_;
  std::map<std::string, VarId> vars_;
};

}  // namespace

tir::PrimFunc FinalizePersistentSignatureTT(tir::PrimFunc func, const CompileOptions&) {
  for (size_t k = 0; k < func.kernels.size(); ++k) {
    NamedArgs args(func);
    Stmt body = args.Mutate(func.kernels[k].body);
    const std::vector<std::string>& names = args.names();
    for (size_t i = names.size(); i-- > 0;) {
      body =
          MakeStmt(LetStmt{args.var(names[i]),
                           MakeIndexCall(bc::Intrinsic::get_arg_val, {MakeIndexConst(static_cast<int64_t>(i))}), body});
    }
    func.kernels[k].body = body;
    func.kernels[k].runtime_arg_names = names;
  }
  return func;
}

}  // namespace tilesim::tile
