// kir::VerifyKernel: one test per invariant, plus several problems reported together.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tilesim/compiler.h"
#include "tilesim/kernel_builder.h"

namespace tilesim::kir {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

VarId VarOf(const Expr& ref) { return std::get<VarExpr>(ref->node).var; }

// A kernel with one variable `x` (uint32_t) and the given top-level statements.
Kernel KernelWith(std::vector<Stmt> stmts, KernelRole role = KernelRole::DataMovement0) {
  // Built in one go: GCC 12 mis-warns (-Wrestrict) on assigning a short literal to kernel.name.
  return Kernel{.name = "k",
                .role = role,
                .vars = {{"x", Type::U32, false}},
                .body = MakeStmt(SeqStmt{std::move(stmts)}),
                .strings = {},
                .files = {"k.cpp"}};
}

Expr X(const Kernel& kernel) { return MakeVar(kernel, VarId{0}); }

TEST(KernelVerifier, AcceptsAWellFormedKernel) {
  KernelBuilder k("good", KernelRole::DataMovement0, "good.cpp");
  Expr n = k.let("n", k.get_arg_val(0));
  VarId total = k.var("total", Type::U64, uint64_t{0});
  k.for_("i", 0, n, [&](Expr i) {
    k.if_(i == 3u, [&] { k.continue_(); });
    k.assign(total, k.ref(total) + k.load32(i * 4u));
    k.while_(true, [&] { k.break_(); });
  });
  k.store32(0u, k.cast(Type::U32, k.ref(total)));
  k.dprint({"total ", k.ref(total)});
  EXPECT_THAT(VerifyKernel(k.Build()), IsEmpty());
}

TEST(KernelVerifier, ReportsUseBeforeDeclaration) {
  Kernel kernel = KernelWith({});
  kernel.body = MakeStmt(SeqStmt{{MakeStmt(StoreStmt{Expr(0u), X(kernel)}, {0, 2, 3}),
                                  MakeStmt(LetStmt{VarId{0}, Expr(1u)}, {0, 3, 1})}});
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k.cpp:2:3: variable 'x' used before its declaration"));
}

TEST(KernelVerifier, ReportsUseOutsideTheDeclaringScope) {
  KernelBuilder k("scopes", KernelRole::DataMovement0, "s.cpp");
  Expr inner;
  k.at(2);
  k.if_(true, [&] { inner = k.let("inner", 5u); });
  k.at(4);
  k.store32(0u, inner);
  EXPECT_THAT(VerifyKernel(k.Build()), ElementsAre("s.cpp:4: variable 'inner' used outside its scope"));
}

TEST(KernelVerifier, ReportsAVariableDeclaredAgainInScope) {
  Kernel kernel = KernelWith({});
  kernel.body = MakeStmt(SeqStmt{{MakeStmt(LetStmt{VarId{0}, Expr(1u)}), MakeStmt(LetStmt{VarId{0}, Expr(2u)})}});
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k: variable 'x' declared again while still in scope"));
}

TEST(KernelVerifier, ReportsAssignmentToAConstVariable) {
  KernelBuilder k("consts", KernelRole::DataMovement0);
  Expr c = k.let("c", 1u);
  k.assign(VarOf(c), 2u);
  EXPECT_THAT(VerifyKernel(k.Build()), ElementsAre("consts: assignment to const variable 'c'"));
}

TEST(KernelVerifier, ReportsAssignmentToAForLoopVariable) {
  KernelBuilder k("loops", KernelRole::DataMovement0);
  k.for_("i", 0, 10, [&](Expr i) { k.assign(VarOf(i), i + 2u); });
  EXPECT_THAT(VerifyKernel(k.Build()),
              ElementsAre("loops: assignment to 'i', the variable of an enclosing for loop"));
}

TEST(KernelVerifier, ReportsAVoidCallUsedAsAValue) {
  Kernel kernel = KernelWith({});
  Expr push = MakeCall(bc::Intrinsic::cb_push_back, {Expr(0u), Expr(1u)});
  kernel.body = MakeStmt(SeqStmt{{MakeStmt(StoreStmt{Expr(0u), push + Expr(1u)})}});
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k: void intrinsic cb_push_back() used as a value"));
}

TEST(KernelVerifier, AcceptsBoolWhereAnIntegerIsExpected) {
  Kernel kernel = KernelWith({});
  kernel.body = MakeStmt(SeqStmt{{MakeStmt(StoreStmt{Expr(0u), Expr(true) + Expr(true)}),
                                  MakeStmt(EvaluateStmt{MakeCall(bc::Intrinsic::cb_push_back, {Expr(true), Expr(1u)})})}});
  EXPECT_THAT(VerifyKernel(kernel), IsEmpty());
}

TEST(KernelVerifier, ReportsAWrongArgumentCount) {
  KernelBuilder k("args", KernelRole::DataMovement0);
  k.cb_push_back(0);
  k.get_arg_val(0, 1);
  EXPECT_THAT(VerifyKernel(k.Build()), ElementsAre("args: cb_push_back() takes 2 argument(s), 1 given",
                                                   "args: get_arg_val() takes 1 argument(s), 2 given"));
}

TEST(KernelVerifier, ReportsAnIntrinsicTheRoleMayNotCall) {
  KernelBuilder k("math", KernelRole::Compute, "math.cpp");
  k.at(7, 3);
  k.get_write_ptr(16);
  KernelBuilder r("reader", KernelRole::DataMovement0, "reader.cpp");
  r.at(2, 1);
  r.tile_regs_acquire();
  EXPECT_THAT(VerifyKernel(k.Build()), ElementsAre("math.cpp:7:3: get_write_ptr() is not available to compute kernels"));
  EXPECT_THAT(VerifyKernel(r.Build()),
              ElementsAre("reader.cpp:2:1: tile_regs_acquire() is not available to reader kernels"));
}

TEST(KernelVerifier, ReportsBreakAndContinueOutsideALoop) {
  KernelBuilder k("jumps", KernelRole::DataMovement0);
  k.if_(true, [&] { k.break_(); });
  k.continue_();
  EXPECT_THAT(VerifyKernel(k.Build()), ElementsAre("jumps: break outside a loop", "jumps: continue outside a loop"));
}

TEST(KernelVerifier, ReportsNon32BitLoadAndStoreAddresses) {
  KernelBuilder k("wide", KernelRole::DataMovement0);
  k.store32(KernelBuilder::u64(16), 1u);
  k.load32(KernelBuilder::u64(32));
  k.store32(Expr(true), 1u);
  k.store32(KernelBuilder::i32(8), 1u);  // int32_t is 32-bit: fine
  EXPECT_THAT(VerifyKernel(k.Build()), ElementsAre("wide: store32 address must be 32-bit, not uint64_t",
                                                   "wide: load32 address must be 32-bit, not uint64_t",
                                                   "wide: store32 address must be 32-bit, not bool"));
}

TEST(KernelVerifier, ReportsCompileTimeArgsOnlyWhenAskedTo) {
  KernelBuilder k("cta", KernelRole::DataMovement0);
  k.store32(0u, KernelBuilder::compile_time_arg(1));
  Kernel kernel = k.Build();
  EXPECT_THAT(VerifyKernel(kernel), IsEmpty());
  EXPECT_THAT(VerifyKernel(kernel, {.compile_time_args_resolved = true}),
              ElementsAre("cta: get_compile_time_arg_val(1) was not substituted"));
}

TEST(KernelVerifier, ReportsNullNodes) {
  Kernel kernel = KernelWith({nullptr});
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k: null statement in a block"));
  kernel.body = MakeStmt(SeqStmt{{MakeStmt(StoreStmt{Expr(0u), Expr()}, {0, 5, 1})}});
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k.cpp:5:1: null expression for the value of store32"));
  kernel.body = MakeStmt(WhileStmt{Expr(true), nullptr});
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k: null statement in the body of a while loop"));
  kernel.body = nullptr;
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k: the kernel has no body"));
}

TEST(KernelVerifier, ReportsATypeAnnotationThatDisagreesWithTheOperands) {
  Kernel kernel = KernelWith({});
  // u32 + u32 annotated as uint64_t, as a careless pass might build it.
  Expr sum(std::make_shared<const ExprNode>(ExprNode{Type::U64, {}, BinaryExpr{BinaryOp::Add, Expr(1u), Expr(2u)}}));
  kernel.body = MakeStmt(SeqStmt{{MakeStmt(StoreStmt{Expr(0u), sum})}});
  EXPECT_THAT(VerifyKernel(kernel),
              ElementsAre("k: operator + is typed uint64_t but its operands make it uint32_t"));
}

TEST(KernelVerifier, ReportsAnEvaluateStatementWithoutACall) {
  Kernel kernel = KernelWith({});
  kernel.body = MakeStmt(SeqStmt{{MakeStmt(EvaluateStmt{Expr(1u) + Expr(2u)})}});
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k: an evaluate statement must call an intrinsic; it holds 1 + 2"));
}

TEST(KernelVerifier, ReportsALocationNamingAMissingFile) {
  Kernel kernel = KernelWith({});
  kernel.body = MakeStmt(SeqStmt{{MakeStmt(ReturnStmt{}, {3, 10, 2})}});
  EXPECT_THAT(VerifyKernel(kernel), ElementsAre("k: source location 10:2 names file 3, but the kernel has 1 file(s)"));
}

TEST(KernelVerifier, ReportsEveryProblemAtOnceWithItsLocation) {
  KernelBuilder k("many", KernelRole::Compute, "many.cpp");
  k.at(1, 1);
  Expr c = k.let("c", 1u);
  k.at(2, 5);
  k.assign(VarOf(c), 2u);
  k.at(3, 5);
  k.noc_async_read_barrier();
  k.at(4, 5);
  k.break_();
  k.at(5, 5);
  k.store32(KernelBuilder::u64(0), KernelBuilder::compile_time_arg(0));
  EXPECT_THAT(VerifyKernel(k.Build(), {.compile_time_args_resolved = true}),
              ElementsAre("many.cpp:2:5: assignment to const variable 'c'",
                          "many.cpp:3:5: noc_async_read_barrier() is not available to compute kernels",
                          "many.cpp:4:5: break outside a loop",
                          "many.cpp:5:5: get_compile_time_arg_val(0) was not substituted",
                          "many.cpp:5:5: store32 address must be 32-bit, not uint64_t"));
}

}  // namespace
}  // namespace tilesim::kir
