// The tile DSL front end (tile::ParseDsl / ParseDslFile): the sample kernels in tests/data/tile/good parse
// to the Tile IR their text says, each construct of the subset lowers as TileLang means it, and every
// mistake is a CompileError at the file:line:col its tests/data/tile/bad file names in its first line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tilesim/compiler.h"
#include "tilesim/tile_compiler.h"

namespace tilesim::tile {
namespace {

const std::string kDataDir = std::string(TILESIM_SOURCE_DIR) + "/tests/data/tile/";

tir::PrimFunc ParseText(const std::string& text, const Bindings& bindings = {}, const std::string& function = "") {
  return ParseDsl(DslSource{"k.py", text}, bindings, function);
}

tir::PrimFunc ParseGood(const std::string& name, const Bindings& bindings = {}) {
  return ParseDslFile(kDataDir + "good/" + name, bindings);
}

// The CompileError parsing `text` raises (fails the test if it parses).
compiler::CompileError ErrorOf(const std::string& text, const Bindings& bindings = {}) {
  try {
    ParseText(text, bindings);
  } catch (const compiler::CompileError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a CompileError for:\n" << text;
  return compiler::CompileError("", "");
}

const tir::Buffer& BufferNamed(const tir::PrimFunc& func, const std::string& name) {
  for (const tir::Buffer& buffer : func.buffers) {
    if (buffer.name == name) return buffer;
  }
  throw std::runtime_error("no buffer " + name);
}

template <typename Node>
const Node& As(const tir::Stmt& stmt) {
  const Node* node = stmt ? std::get_if<Node>(&stmt->node) : nullptr;
  if (node == nullptr) throw std::runtime_error("unexpected statement kind");
  return *node;
}

const tir::KernelStmt& Kernel(const tir::PrimFunc& func) { return As<tir::KernelStmt>(func.body); }
const std::vector<tir::Stmt>& KernelBody(const tir::PrimFunc& func) { return As<tir::SeqStmt>(Kernel(func).body).stmts; }

// The first statement of kind Node in the kernel body, searching loops too.
template <typename Node>
const Node* Find(const tir::Stmt& stmt) {
  if (!stmt) return nullptr;
  if (const auto* node = std::get_if<Node>(&stmt->node)) return node;
  if (const auto* seq = std::get_if<tir::SeqStmt>(&stmt->node)) {
    for (const tir::Stmt& inner : seq->stmts) {
      if (const Node* found = Find<Node>(inner)) return found;
    }
  }
  if (const auto* loop = std::get_if<tir::ForStmt>(&stmt->node)) return Find<Node>(loop->body);
  if (const auto* parallel = std::get_if<tir::ParallelStmt>(&stmt->node)) return Find<Node>(parallel->body);
  if (const auto* kernel = std::get_if<tir::KernelStmt>(&stmt->node)) return Find<Node>(kernel->body);
  return nullptr;
}

// A small kernel around `body` (indented 8 spaces), with A, B: 128x128 float32 inputs and C the output.
std::string Wrap(const std::string& body, const std::string& preamble = "") {
  std::string text = "import tilelang.language as T\n" + preamble +
                     "@T.prim_func\n"
                     "def k(A: T.Tensor((128, 128), \"float32\"), B: T.Tensor((128, 128), \"float32\"),\n"
                     "      C: T.Tensor((128, 128), \"float32\")):\n"
                     "    with T.Kernel(4, 2) as (bx, by):\n"
                     "        S = T.alloc_shared((32, 64), \"float32\")\n"
                     "        F = T.alloc_fragment((32, 64), \"float32\")\n";
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) text += "        " + line + "\n";
  return text;
}

// ---- The sample kernels ----

TEST(TileFrontend, ModuleConstantGemmBuffersAndGrid) {
  const tir::PrimFunc func = ParseGood("gemm.py");
  EXPECT_EQ(func.name, "gemm");
  ASSERT_EQ(func.buffers.size(), 6u);
  ASSERT_EQ(func.params.size(), 3u);
  const char* names[] = {"A", "B", "C", "A_shared", "B_shared", "C_local"};
  const tir::Scope scopes[] = {tir::Scope::Global, tir::Scope::Global, tir::Scope::Global,
                               tir::Scope::Shared, tir::Scope::Shared, tir::Scope::Fragment};
  const std::vector<int64_t> shapes[] = {{1024, 1024}, {1024, 1024}, {1024, 1024}, {128, 32}, {32, 128}, {128, 128}};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(func.buffers[i].name, names[i]);
    EXPECT_EQ(func.buffers[i].scope, scopes[i]) << names[i];
    EXPECT_EQ(func.buffers[i].shape, shapes[i]) << names[i];
    EXPECT_EQ(func.buffers[i].is_output, i == 2) << names[i];
  }
  EXPECT_EQ(func.buffers[0].dtype, tir::DType::BFloat16);
  EXPECT_EQ(func.buffers[5].dtype, tir::DType::Float32);  // "float"
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{8, 8}));
  ASSERT_EQ(Kernel(func).block_vars.size(), 2u);
  EXPECT_EQ(func.vars[Kernel(func).block_vars[0].index].name, "bx");
  EXPECT_EQ(func.vars[Kernel(func).block_vars[1].index].name, "by");
  EXPECT_EQ(func.constants.at("M"), 1024);
  EXPECT_EQ(func.constants.at("block_K"), 32);
}

TEST(TileFrontend, ModuleConstantGemmStatements) {
  const tir::PrimFunc func = ParseGood("gemm.py");
  const auto& body = KernelBody(func);
  ASSERT_EQ(body.size(), 6u);
  EXPECT_EQ(As<tir::AllocStmt>(body[0]).buffer.index, 3u);
  EXPECT_EQ(As<tir::AllocStmt>(body[2]).buffer.index, 5u);
  EXPECT_EQ(As<tir::FillStmt>(body[3]).buffer.index, 5u);
  EXPECT_EQ(As<tir::FillStmt>(body[3]).value, 0.0);
  const auto& loop = As<tir::ForStmt>(body[4]);
  EXPECT_EQ(loop.kind, tir::ForKind::Pipelined);
  EXPECT_EQ(loop.num_stages, 2u);
  EXPECT_EQ(tir::Print(func, loop.extent), "32");
  EXPECT_EQ(func.vars[loop.var.index].name, "k");
  const auto& loop_body = As<tir::SeqStmt>(loop.body).stmts;
  ASSERT_EQ(loop_body.size(), 3u);
  const auto& copy_a = As<tir::CopyStmt>(loop_body[0]);
  EXPECT_EQ(copy_a.src.buffer.index, 0u);
  EXPECT_EQ(tir::Print(func, copy_a.src.offsets[0]), "by * 128");
  EXPECT_EQ(tir::Print(func, copy_a.src.offsets[1]), "k * 32");
  EXPECT_EQ(copy_a.src.extents, (std::vector<int64_t>{128, 32}));  // the destination's shape
  EXPECT_EQ(copy_a.dst.extents, (std::vector<int64_t>{128, 32}));
  const auto& gemm = As<tir::GemmStmt>(loop_body[2]);
  EXPECT_EQ(gemm.a.index, 3u);
  EXPECT_EQ(gemm.b.index, 4u);
  EXPECT_EQ(gemm.c.index, 5u);
  EXPECT_FALSE(gemm.transpose_a || gemm.transpose_b || gemm.clear_accum);
  const auto& store = As<tir::CopyStmt>(body[5]);
  EXPECT_EQ(store.dst.buffer.index, 2u);
  EXPECT_EQ(tir::Print(func, store.dst.offsets[1]), "bx * 128");
}

TEST(TileFrontend, BindingOverridesModuleConstant) {
  const tir::PrimFunc func = ParseGood("gemm.py", {{"M", 512}, {"block_N", 64}});
  EXPECT_EQ(BufferNamed(func, "A").shape, (std::vector<int64_t>{512, 1024}));
  EXPECT_EQ(BufferNamed(func, "B_shared").shape, (std::vector<int64_t>{32, 64}));
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{16, 4}));  // 1024 / 64, 512 / 128
  EXPECT_EQ(func.constants.at("M"), 512);
}

TEST(TileFrontend, BindingThatNamesNothingIsAnError) {
  try {
    ParseGood("gemm.py", {{"Q", 3}});
    FAIL() << "expected an error";
  } catch (const compiler::CompileError& error) {
    EXPECT_EQ(error.where(), kDataDir + "good/gemm.py");
    EXPECT_EQ(error.message(), "--Q given but the kernel has no Q");
  }
}

TEST(TileFrontend, BindingOverridesPrimFuncLocalConstant) {
  const tir::PrimFunc func = ParseText(
      "import tilelang.language as T\n"
      "@T.prim_func\n"
      "def k(A: T.Tensor((64, 64), \"float32\")):\n"
      "    block = 32\n"
      "    with T.Kernel(64 // block) as bx:\n"
      "        pass\n",
      {{"block", 16}});
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{4}));
  EXPECT_EQ(func.constants.at("block"), 16);
}

TEST(TileFrontend, FactoryFormBindsParametersFromBindingsAndDefaults) {
  const tir::PrimFunc func = ParseGood("gemm_factory.py", {{"M", 256}, {"N", 512}, {"K", 128}});
  EXPECT_EQ(func.name, "main");
  EXPECT_EQ(BufferNamed(func, "A").shape, (std::vector<int64_t>{256, 128}));
  EXPECT_EQ(BufferNamed(func, "C").dtype, tir::DType::BFloat16);               // dtype="bfloat16"
  EXPECT_EQ(BufferNamed(func, "C_local").dtype, tir::DType::Float32);          // accum_dtype="float"
  EXPECT_EQ(BufferNamed(func, "A_shared").shape, (std::vector<int64_t>{64, 32}));  // block_M=64 default
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{8, 4}));
  const auto* loop = Find<tir::ForStmt>(func.body);
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->num_stages, 3u);
  EXPECT_EQ(tir::Print(func, loop->extent), "4");  // num_k_blocks = ceildiv(128, 32)
  EXPECT_EQ(func.constants.at("num_k_blocks"), 4);
  EXPECT_EQ(func.constants.at("block_N"), 64);
}

TEST(TileFrontend, FactorySliceCopyHasTheSliceExtents) {
  const tir::PrimFunc func = ParseGood("gemm_factory.py", {{"M", 256}, {"N", 512}, {"K", 128}, {"block_M", 128}});
  const auto* copy = Find<tir::CopyStmt>(func.body);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->src.extents, (std::vector<int64_t>{128, 32}));  // (by + 1) * 128 - by * 128
  EXPECT_EQ(tir::Print(func, copy->src.offsets[0]), "by * 128");
  EXPECT_EQ(tir::Print(func, copy->src.offsets[1]), "ko * 32");
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{8, 2}));
}

// A factory without defaults, called at module level as TileLang scripts do.
const std::string kFactoryCalledAtModuleLevel =
    "import tilelang\n"
    "import tilelang.language as T\n"
    "def matmul(M, N, K, block_M, block_N, block_K, dtype=\"bfloat16\"):\n"
    "    @T.prim_func\n"
    "    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):\n"
    "        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):\n"
    "            A_shared = T.alloc_shared((block_M, block_K), dtype)\n"
    "    return main\n"
    "size = 256\n"
    "kernel = tilelang.compile(matmul(size, 2 * size, args.k, block_N=64, block_M=32, block_K=32), out_idx=[2])\n";

TEST(TileFrontend, ModuleLevelFactoryCallBindsTheParametersItPassesAsConstants) {
  const tir::PrimFunc func = ParseText(kFactoryCalledAtModuleLevel, {{"K", 128}, {"block_M", 64}});
  EXPECT_EQ(BufferNamed(func, "A").shape, (std::vector<int64_t>{256, 128}));   // M = size, K from --K
  EXPECT_EQ(BufferNamed(func, "B").shape, (std::vector<int64_t>{128, 512}));   // N = 2 * size
  EXPECT_EQ(BufferNamed(func, "A_shared").shape, (std::vector<int64_t>{64, 32}));  // --block_M beats the call's 32
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{8, 4}));                  // 512 / 64, 256 / 64
}

TEST(TileFrontend, ModuleLevelFactoryCallArgumentThatIsNoConstantStillNeedsTheFlag) {
  const compiler::CompileError error = ErrorOf(kFactoryCalledAtModuleLevel);  // args.k is host code
  EXPECT_NE(error.message().find("parameter K of matmul has no value: pass --K"), std::string::npos) << error.message();
}

TEST(TileFrontend, FactoryParameterWithoutValueSaysToPassIt) {
  try {
    ParseGood("gemm_factory.py", {{"N", 512}, {"K", 128}});
    FAIL() << "expected an error";
  } catch (const compiler::CompileError& error) {
    EXPECT_EQ(error.where(), kDataDir + "good/gemm_factory.py:7:12");
    EXPECT_EQ(error.message(), "parameter M of matmul has no value: pass --M");
  }
}

TEST(TileFrontend, BindingOfAStringParameterIsAnError) {
  try {
    ParseGood("gemm_factory.py", {{"M", 64}, {"N", 64}, {"K", 64}, {"dtype", 1}});
    FAIL() << "expected an error";
  } catch (const compiler::CompileError& error) {
    EXPECT_EQ(error.where(), kDataDir + "good/gemm_factory.py:7:57");
    EXPECT_EQ(error.message(), "--dtype given but dtype is the string \"bfloat16\", not an integer");
  }
}

TEST(TileFrontend, TransposedBGemm) {
  const tir::PrimFunc func = ParseGood("gemm_transpose_b.py");
  const auto* gemm = Find<tir::GemmStmt>(func.body);
  ASSERT_NE(gemm, nullptr);
  EXPECT_TRUE(gemm->transpose_b);
  EXPECT_FALSE(gemm->transpose_a);
  EXPECT_EQ(BufferNamed(func, "B").shape, (std::vector<int64_t>{192, 128}));
  EXPECT_EQ(BufferNamed(func, "C").dtype, tir::DType::Float32);
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{3, 4}));
}

TEST(TileFrontend, BiasReluEpilogue) {
  const tir::PrimFunc func = ParseGood("gemm_bias_relu.py");
  EXPECT_EQ(BufferNamed(func, "Bias").shape, (std::vector<int64_t>{512}));
  EXPECT_FALSE(BufferNamed(func, "Bias").is_output);
  const auto* parallel = Find<tir::ParallelStmt>(func.body);
  ASSERT_NE(parallel, nullptr);
  EXPECT_EQ(parallel->extents, (std::vector<int64_t>{64, 64}));
  const auto& stores = As<tir::SeqStmt>(parallel->body).stmts;
  ASSERT_EQ(stores.size(), 1u);
  const auto& store = As<tir::StoreStmt>(stores[0]);
  EXPECT_EQ(func.buffers[store.buffer.index].name, "C_local");
  EXPECT_EQ(tir::Print(func, store.value), "T.max(C_local[i, j] + Bias[bx * 64 + j], 0.0)");
}

TEST(TileFrontend, ElementwiseAddViaCopiesAndParallel) {
  const tir::PrimFunc func = ParseGood("eltwise_add.py");
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{8, 8}));
  const auto& body = KernelBody(func);
  ASSERT_EQ(body.size(), 7u);
  const auto& slice_copy = As<tir::CopyStmt>(body[4]);
  EXPECT_EQ(slice_copy.src.extents, (std::vector<int64_t>{32, 64}));
  EXPECT_EQ(tir::Print(func, slice_copy.src.offsets[1]), "bx * 64");
  const auto& store = As<tir::StoreStmt>(As<tir::SeqStmt>(As<tir::ParallelStmt>(body[5]).body).stmts[0]);
  EXPECT_EQ(tir::Print(func, store.value), "A_shared[i, j] + B_shared[i, j]");
  EXPECT_TRUE(BufferNamed(func, "C").is_output);
  EXPECT_FALSE(BufferNamed(func, "A").is_output);
}

TEST(TileFrontend, ParallelStoreIntoATensorGoesThroughATileCopiedOutAfterTheLoop) {
  const tir::PrimFunc func = ParseText(Wrap(
      "row = by * 32\n"
      "for i, j in T.Parallel(32, 64):\n"
      "    y = row + i\n"
      "    x = bx * 64 + j\n"
      "    C[y, x] = A[y, x] * 2.0\n"));
  const auto& body = KernelBody(func);
  const auto& staged = As<tir::SeqStmt>(body.back()).stmts;
  ASSERT_EQ(staged.size(), 3u);  // alloc the tile, the loop, copy the tile out
  const tir::Buffer& tile = BufferNamed(func, "C_tile");
  EXPECT_EQ(tile.scope, tir::Scope::Fragment);
  EXPECT_EQ(tile.shape, (std::vector<int64_t>{32, 64}));
  const auto& store = As<tir::StoreStmt>(As<tir::SeqStmt>(As<tir::ParallelStmt>(staged[1]).body).stmts[0]);
  EXPECT_EQ(func.buffers[store.buffer.index].name, "C_tile");
  EXPECT_EQ(tir::Print(func, store.value), "A[by * 32 + i, bx * 64 + j] * 2.0");
  const auto& copy = As<tir::CopyStmt>(staged[2]);
  EXPECT_EQ(func.buffers[copy.dst.buffer.index].name, "C");
  EXPECT_EQ(tir::Print(func, copy.dst.offsets[0]), "by * 32");
  EXPECT_EQ(tir::Print(func, copy.dst.offsets[1]), "bx * 64");
  EXPECT_EQ(copy.dst.extents, (std::vector<int64_t>{32, 64}));
  EXPECT_TRUE(BufferNamed(func, "C").is_output);
}

TEST(TileFrontend, ParallelStoreIntoATensorAtAnotherShapeStaysAsWritten) {
  // C[j, i] does not cover a region the loop's way: no tile; the tile engine reports it later.
  const tir::PrimFunc func = ParseText(Wrap(
      "for i, j in T.Parallel(32, 64):\n"
      "    C[j, i] = A[i, j]\n"));
  const auto* store = Find<tir::StoreStmt>(func.body);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(func.buffers[store->buffer.index].name, "C");
  EXPECT_EQ(Find<tir::CopyStmt>(func.body), nullptr);
}

TEST(TileFrontend, GemmOperandInAFragmentBecomesASharedBufferButTheAccumulatorStaysAFragment) {
  const tir::PrimFunc func = ParseText(Wrap(
      "A_local = T.alloc_fragment((32, 64), \"float32\")\n"
      "B_s = T.alloc_shared((64, 64), \"float32\")\n"
      "T.copy(A[by * 32, 0], A_local)\n"
      "T.copy(B[0, bx * 64], B_s)\n"
      "T.clear(F)\n"
      "T.gemm(A_local, B_s, F)\n"));
  EXPECT_EQ(BufferNamed(func, "A_local").scope, tir::Scope::Shared);
  EXPECT_EQ(BufferNamed(func, "F").scope, tir::Scope::Fragment);
  const compiler::CompileError error = ErrorOf(Wrap(
      "G = T.alloc_shared((64, 64), \"float32\")\n"
      "T.clear(F)\n"
      "T.gemm(S, G, F)\n"
      "T.gemm(F, G, S)\n"));
  EXPECT_NE(error.message().find("T.gemm accumulates into S, a shared buffer"), std::string::npos) << error.message();
}

TEST(TileFrontend, ExpEpilogueWithFloatConstantAndClearAccum) {
  const tir::PrimFunc func = ParseGood("gemm_exp.py");
  const auto* gemm = Find<tir::GemmStmt>(func.body);
  ASSERT_NE(gemm, nullptr);
  EXPECT_TRUE(gemm->clear_accum);
  const auto* store = Find<tir::StoreStmt>(func.body);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(tir::Print(func, store->value), "T.exp(C_local[i, j] * 0.125)");
  EXPECT_EQ(func.constants.count("scale"), 0u);  // not an integer
}

// ---- Constructs ----

TEST(TileFrontend, CastsInBothSpellings) {
  const tir::PrimFunc func = ParseText(Wrap(
      "for i, j in T.Parallel(32, 64):\n"
      "    F[i, j] = T.cast(S[i, j], \"bfloat16\") + T.Cast(\"float32\", S[i, j]) + S[i, j].astype(T.float32)\n"));
  const auto* store = Find<tir::StoreStmt>(func.body);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(tir::Print(func, store->value),
            "T.cast(S[i, j], \"bfloat16\") + T.cast(S[i, j], \"float32\") + T.cast(S[i, j], \"float32\")");
}

TEST(TileFrontend, AugmentedAssignmentLoadsAndStores) {
  const tir::PrimFunc func = ParseText(Wrap("for i, j in T.Parallel(32, 64):\n    F[i, j] -= S[i, j] / 2\n"));
  const auto* store = Find<tir::StoreStmt>(func.body);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(tir::Print(func, store->value), "F[i, j] - S[i, j] / 2.0");
}

TEST(TileFrontend, UnaryAndMathFunctions) {
  const tir::PrimFunc func = ParseText(Wrap(
      "for i, j in T.Parallel(32, 64):\n"
      "    v = -S[i, j]\n"
      "    F[i, j] = T.min(T.sqrt(v * v), max(v, 1e-5))\n"));
  const auto* store = Find<tir::StoreStmt>(func.body);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(tir::Print(func, store->value), "T.min(T.sqrt(-S[i, j] * -S[i, j]), T.max(-S[i, j], 1e-05))");
}

TEST(TileFrontend, SerialUnrollAndRangeLoops) {
  const tir::PrimFunc func = ParseText(Wrap(
      "for a in T.serial(3):\n"
      "    for b in T.unroll(2):\n"
      "        for c in range(2, 11, 3):\n"
      "            T.copy(A[c, a * 64 + b], S)\n"));
  const auto& outer = As<tir::ForStmt>(KernelBody(func)[2]);
  EXPECT_EQ(outer.kind, tir::ForKind::Serial);
  EXPECT_EQ(tir::Print(func, outer.extent), "3");
  const auto& middle = As<tir::ForStmt>(As<tir::SeqStmt>(outer.body).stmts[0]);
  EXPECT_EQ(middle.kind, tir::ForKind::Unrolled);
  const auto& inner = As<tir::ForStmt>(As<tir::SeqStmt>(middle.body).stmts[0]);
  EXPECT_EQ(tir::Print(func, inner.extent), "3");  // 2, 5, 8: ceil((11 - 2) / 3)
  const auto& copy = As<tir::CopyStmt>(As<tir::SeqStmt>(inner.body).stmts[0]);
  EXPECT_EQ(tir::Print(func, copy.src.offsets[0]), "2 + c * 3");
  EXPECT_EQ(tir::Print(func, copy.src.offsets[1]), "a * 64 + b");
}

TEST(TileFrontend, IndexExpressionsFoldWithPythonSemantics) {
  const tir::PrimFunc func = ParseText(Wrap("row = by * 32\nT.copy(A[row + Q // 2 + Q % 3, T.ceildiv(bx, 2)], S)\n",
                                            "Q = -7\n"));
  const auto* copy = Find<tir::CopyStmt>(func.body);
  ASSERT_NE(copy, nullptr);
  // -7 // 2 == -4 and -7 % 3 == 2 (floor semantics); row is an alias of by * 32.
  EXPECT_EQ(tir::Print(func, copy->src.offsets[0]), "by * 32 + -4 + 2");
  EXPECT_EQ(tir::Print(func, copy->src.offsets[1]), "(bx + 1) // 2");
}

TEST(TileFrontend, MinMaxOfIndices) {
  const tir::PrimFunc func = ParseText(Wrap("T.copy(A[min(by * 32, 96), T.max(bx, 1)], S)\n"));
  const auto* copy = Find<tir::CopyStmt>(func.body);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(tir::Print(func, copy->src.offsets[0]), "min(by * 32, 96)");
  EXPECT_EQ(tir::Print(func, copy->src.offsets[1]), "max(bx, 1)");
}

TEST(TileFrontend, GpuHintsAreIgnored) {
  const tir::PrimFunc func = ParseText(Wrap(
      "T.use_swizzle(panel_size=10, enable=True)\n"
      "T.annotate_layout({S: T.Layout((32, 64), lambda i, j: (i, j))})\n"
      "T.no_set_max_nreg()\n"));
  EXPECT_EQ(KernelBody(func).size(), 2u);  // just the two allocations
}

TEST(TileFrontend, FillLocalAllocAndOneDimensionalGrid) {
  const tir::PrimFunc func = ParseText(
      "import tilelang.language as T\n"
      "@T.prim_func\n"
      "def k(A: T.Tensor((64,), \"float32\")):\n"
      "    \"\"\"A docstring.\"\"\"\n"
      "    with T.Kernel(2) as bx:\n"
      "        L = T.alloc_local((32,), \"float32\")  # a comment\n"
      "        T.fill(L, 1.5)\n"
      "        T.copy(L, A[bx * 32])\n");
  EXPECT_EQ(Kernel(func).grid, (std::vector<int64_t>{2}));
  EXPECT_EQ(BufferNamed(func, "L").scope, tir::Scope::Fragment);
  EXPECT_EQ(As<tir::FillStmt>(KernelBody(func)[1]).value, 1.5);
  EXPECT_EQ(As<tir::CopyStmt>(KernelBody(func)[2]).dst.extents, (std::vector<int64_t>{32}));
}

TEST(TileFrontend, LineContinuationsAndSpelledOutModule) {
  const tir::PrimFunc func = ParseText(
      "import tilelang\n"
      "M = 32 + \\\n"
      "    32\n"
      "@tilelang.language.prim_func\n"
      "def k(A: tilelang.language.Tensor(\n"
      "        (M,\n"
      "         M), \"float32\")):\n"
      "    with tilelang.language.Kernel(1) as bx:\n"
      "        pass\n");
  EXPECT_EQ(func.buffers[0].shape, (std::vector<int64_t>{64, 64}));
}

TEST(TileFrontend, SecondKernelChosenByName) {
  const std::string text =
      "import tilelang.language as T\n"
      "@T.prim_func\n"
      "def first(A: T.Tensor((32, 32), \"float32\")):\n"
      "    with T.Kernel(1) as bx:\n"
      "        pass\n"
      "@T.prim_func\n"
      "def second(A: T.Tensor((64, 32), \"float32\")):\n"
      "    with T.Kernel(1) as bx:\n"
      "        pass\n";
  EXPECT_EQ(ParseText(text, {}, "second").buffers[0].shape[0], 64);
  try {
    ParseText(text);
    FAIL() << "expected an error";
  } catch (const compiler::CompileError& error) {
    EXPECT_EQ(error.where(), "k.py");
    EXPECT_EQ(error.message(), "2 @T.prim_func kernels (first, second): name the one to compile");
  }
}

// ---- Errors without a bad-kernel file ----

TEST(TileFrontend, FileWithoutKernelNamesTheFile) {
  const compiler::CompileError error = ErrorOf("import tilelang.language as T\nM = 3\n");
  EXPECT_EQ(error.where(), "k.py");
  EXPECT_EQ(error.message(), "no @T.prim_func in the file");
}

TEST(TileFrontend, UnreadableFileIsAnError) {
  EXPECT_THROW(ParseDslFile(kDataDir + "no_such_kernel.py", {}), compiler::CompileError);
}

TEST(TileFrontend, SelfReferentialConstantIsAnErrorNotAHang) {
  const compiler::CompileError error = ErrorOf(Wrap("T.copy(A[Q, 0], S)\n", "Q = R + 1\nR = Q * 2\n"));
  EXPECT_NE(error.message().find("is defined in terms of itself"), std::string::npos) << error.what();
}

TEST(TileFrontend, DeepNestingIsAnErrorNotAStackOverflow) {
  const std::string deep = "M = " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n";
  const compiler::CompileError error = ErrorOf(deep);
  EXPECT_EQ(error.message(), "expression nested too deeply");
}

TEST(TileFrontend, IntegerLiteralOverflowIsAnError) {
  const compiler::CompileError error = ErrorOf("M = 99999999999999999999\n");
  EXPECT_EQ(error.where(), "k.py:1:5");
}

TEST(TileFrontend, UnexpectedCharacterIsAnError) {
  const compiler::CompileError error = ErrorOf("M = 3 $ 4\n");
  EXPECT_EQ(error.where(), "k.py:1:7");
  EXPECT_EQ(error.message(), "unexpected character '$'");
}

// ---- tests/data/tile/bad: each file's first line is `# expect: LINE:COL: message` ----

class BadKernel : public ::testing::TestWithParam<std::string> {};

TEST_P(BadKernel, FailsAtTheExpectedPlace) {
  const std::string path = kDataDir + "bad/" + GetParam();
  std::ifstream file(path);
  std::string header;
  ASSERT_TRUE(std::getline(file, header)) << path;
  const std::string prefix = "# expect: ";
  ASSERT_EQ(header.rfind(prefix, 0), 0u) << path;
  const std::string expectation = header.substr(prefix.size());
  const size_t second_colon = expectation.find(':', expectation.find(':') + 1);
  const std::string where = path + ":" + expectation.substr(0, second_colon);
  const std::string message = expectation.substr(second_colon + 2);
  try {
    ParseDslFile(path, {});
    FAIL() << path << " parsed without error";
  } catch (const compiler::CompileError& error) {
    EXPECT_EQ(error.where(), where) << error.what();
    EXPECT_NE(error.message().find(message), std::string::npos) << "message: " << error.message() << "\nexpected: " << message;
  }
}

std::vector<std::string> BadKernelFiles() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kDataDir + "bad")) {
    if (entry.path().extension() == ".py") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(TileFrontend, BadKernel, ::testing::ValuesIn(BadKernelFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(0, info.param.size() - 3);
                         });

}  // namespace
}  // namespace tilesim::tile
