// The tile DSL reference (tile::EvaluateReference) and its inputs (tile::MakeInputs), on Tile IR built by
// hand with the node constructors, each checked against a scalar loop written here.
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tilesim/compiler.h"
#include "tilesim/data_format.h"
#include "tilesim/tile_runner.h"

namespace tilesim::tile {
namespace {

using tir::BufferId;
using tir::DType;
using tir::Index;
using tir::IndexOp;
using tir::Stmt;
using tir::Value;
using tir::VarId;

Index Const(int64_t value) { return tir::MakeIndexConst(value); }
Index Var(VarId var) { return tir::MakeIndexVar(var); }
Index Add(Index a, Index b) { return tir::MakeIndexBinary(IndexOp::Add, std::move(a), std::move(b)); }
Index Sub(Index a, Index b) { return tir::MakeIndexBinary(IndexOp::Sub, std::move(a), std::move(b)); }
Index Mul(Index a, int64_t b) { return tir::MakeIndexBinary(IndexOp::Mul, std::move(a), Const(b)); }
int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Builds a PrimFunc the way the front end would: parameters first, then on-chip buffers and variables.
struct FuncBuilder {
  tir::PrimFunc func;
  FuncBuilder() {
    func.name = "kernel";
    func.source_file = "kernel.py";
  }
  BufferId Buffer(const std::string& name, tir::Scope scope, std::vector<int64_t> shape, DType dtype,
                  bool is_output = false) {
    tir::Buffer buffer;
    buffer.name = name;
    buffer.scope = scope;
    buffer.shape = std::move(shape);
    buffer.dtype = dtype;
    buffer.is_output = is_output;
    func.buffers.push_back(buffer);
    const BufferId id{static_cast<uint32_t>(func.buffers.size() - 1)};
    if (scope == tir::Scope::Global) func.params.push_back(id);
    return id;
  }
  VarId NewVar(const std::string& name) {
    func.vars.push_back({name, {}});
    return VarId{static_cast<uint32_t>(func.vars.size() - 1)};
  }
  // with T.Kernel(grid_x, grid_y) as (bx, by): body
  void Kernel(int64_t grid_x, int64_t grid_y, VarId bx, VarId by, std::vector<Stmt> body) {
    func.body = tir::MakeStmt(tir::KernelStmt{{grid_x, grid_y}, {bx, by}, tir::MakeStmt(tir::SeqStmt{std::move(body)})});
  }
};

Stmt Alloc(BufferId id) { return tir::MakeStmt(tir::AllocStmt{id}); }
Stmt Copy(BufferId src, std::vector<Index> src_offsets, BufferId dst, std::vector<Index> dst_offsets,
          std::vector<int64_t> extents) {
  return tir::MakeStmt(tir::CopyStmt{{src, std::move(src_offsets), extents}, {dst, std::move(dst_offsets), extents}});
}
Value Load(BufferId id, std::vector<Index> indices) { return tir::MakeValueLoad(id, std::move(indices)); }
Stmt Parallel(VarId i, VarId j, int64_t rows, int64_t cols, BufferId target, Value value) {
  Stmt store = tir::MakeStmt(tir::StoreStmt{target, {Var(i), Var(j)}, std::move(value)});
  return tir::MakeStmt(tir::ParallelStmt{{i, j}, {rows, cols}, store});
}

enum class Epilogue { None, BiasRelu, Exp };
struct GemmSpec {
  int64_t m, n, k;
  int64_t block_m = 32, block_n = 32, block_k = 32;
  bool transpose_b = false;
  DType c_dtype = DType::BFloat16;
  Epilogue epilogue = Epilogue::None;
};

// The TileLang GEMM of samples/tile: C[M, N] = A[M, K] x B[K, N] (B[N, K] when transpose_b), blocked,
// with an optional element-wise epilogue on the fp32 accumulator.
tir::PrimFunc MakeGemm(const GemmSpec& s) {
  FuncBuilder b;
  const BufferId a = b.Buffer("A", tir::Scope::Global, {s.m, s.k}, DType::BFloat16);
  const BufferId bt = b.Buffer("B", tir::Scope::Global,
                               s.transpose_b ? std::vector<int64_t>{s.n, s.k} : std::vector<int64_t>{s.k, s.n},
                               DType::BFloat16);
  BufferId bias{};
  if (s.epilogue == Epilogue::BiasRelu) bias = b.Buffer("Bias", tir::Scope::Global, {s.n}, DType::BFloat16);
  const BufferId c = b.Buffer("C", tir::Scope::Global, {s.m, s.n}, s.c_dtype, /*is_output=*/true);
  const BufferId a_shared = b.Buffer("A_shared", tir::Scope::Shared, {s.block_m, s.block_k}, DType::BFloat16);
  const std::vector<int64_t> b_block =
      s.transpose_b ? std::vector<int64_t>{s.block_n, s.block_k} : std::vector<int64_t>{s.block_k, s.block_n};
  const BufferId b_shared = b.Buffer("B_shared", tir::Scope::Shared, b_block, DType::BFloat16);
  const BufferId c_local = b.Buffer("C_local", tir::Scope::Fragment, {s.block_m, s.block_n}, DType::Float32);
  const VarId bx = b.NewVar("bx"), by = b.NewVar("by"), k = b.NewVar("k"), i = b.NewVar("i"), j = b.NewVar("j");

  const Index row0 = Mul(Var(by), s.block_m), col0 = Mul(Var(bx), s.block_n), k0 = Mul(Var(k), s.block_k);
  Stmt b_copy = s.transpose_b ? Copy(bt, {col0, k0}, b_shared, {Const(0), Const(0)}, b_block)
                              : Copy(bt, {k0, col0}, b_shared, {Const(0), Const(0)}, b_block);
  Stmt k_body = tir::MakeStmt(tir::SeqStmt{{
      Copy(a, {row0, k0}, a_shared, {Const(0), Const(0)}, {s.block_m, s.block_k}),
      b_copy,
      tir::MakeStmt(tir::GemmStmt{a_shared, b_shared, c_local, false, s.transpose_b, false}),
  }});
  std::vector<Stmt> body = {
      Alloc(a_shared),
      Alloc(b_shared),
      Alloc(c_local),
      tir::MakeStmt(tir::FillStmt{c_local, 0.0}),
      tir::MakeStmt(tir::ForStmt{k, Const(CeilDiv(s.k, s.block_k)), tir::ForKind::Pipelined, 2, k_body}),
  };
  const Value acc = Load(c_local, {Var(i), Var(j)});
  if (s.epilogue == Epilogue::BiasRelu) {
    // C_local[i, j] = T.max(C_local[i, j] + Bias[bx * block_N + j], 0)
    Value sum = tir::MakeValueBinary(tir::ValueBinaryOp::Add, acc, Load(bias, {Add(col0, Var(j))}));
    body.push_back(Parallel(i, j, s.block_m, s.block_n, c_local,
                            tir::MakeValueBinary(tir::ValueBinaryOp::Max, sum, tir::MakeValueConst(0))));
  } else if (s.epilogue == Epilogue::Exp) {
    body.push_back(Parallel(i, j, s.block_m, s.block_n, c_local, tir::MakeValueUnary(tir::ValueUnaryOp::Exp, acc)));
  }
  body.push_back(Copy(c_local, {Const(0), Const(0)}, c, {row0, col0}, {s.block_m, s.block_n}));
  b.Kernel(CeilDiv(s.n, s.block_n), CeilDiv(s.m, s.block_m), bx, by, std::move(body));
  return b.func;
}

HostTensors InputsFor(const tir::PrimFunc& func, uint64_t seed) {
  TTProgram program;
  program.source = func;
  return MakeInputs(program, seed);
}

// Exact dot products of the (already bf16) inputs, and the sum of |a||b| that bounds fp32 rounding error.
struct ScalarGemm {
  std::vector<double> value, magnitude;
};
ScalarGemm ScalarMatmul(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t n, int64_t k,
                        bool transpose_b) {
  ScalarGemm out{std::vector<double>(m * n), std::vector<double>(m * n)};
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t c = 0; c < n; ++c) {
      double sum = 0, magnitude = 0;
      for (int64_t x = 0; x < k; ++x) {
        const double product = double{a[r * k + x]} * double{transpose_b ? b[c * k + x] : b[x * n + c]};
        sum += product;
        magnitude += std::abs(product);
      }
      out.value[r * n + c] = sum;
      out.magnitude[r * n + c] = magnitude;
    }
  }
  return out;
}

// fp32 accumulation is within 1e-5 of the magnitude sum; a bf16 result adds at most half a bf16 ulp
// (2^-8 of the value) and must itself be a bf16 value.
void ExpectNear(const std::vector<float>& got, const std::vector<double>& want, const std::vector<double>& magnitude,
                DType dtype) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t e = 0; e < got.size(); ++e) {
    const double rounding = dtype == DType::BFloat16 ? std::abs(want[e]) / 256 : 0.0;
    ASSERT_NEAR(got[e], want[e], 1e-5 * magnitude[e] * 1.01 + rounding + 1e-30) << "element " << e;
    if (dtype == DType::BFloat16) {
      ASSERT_EQ(got[e], RoundToBf16(got[e])) << "element " << e << " is not bf16";
    }
  }
}

void CheckGemm(const GemmSpec& spec) {
  const tir::PrimFunc func = MakeGemm(spec);
  const HostTensors inputs = InputsFor(func, 7);
  const HostTensors outputs = EvaluateReference(func, inputs);
  ASSERT_EQ(outputs.size(), 1u);
  const ScalarGemm want = ScalarMatmul(inputs.at("A"), inputs.at("B"), spec.m, spec.n, spec.k, spec.transpose_b);
  ExpectNear(outputs.at("C"), want.value, want.magnitude, spec.c_dtype);
}

TEST(TileReference, Gemm64WithBlocks32MatchesScalarLoop) {
  CheckGemm({.m = 64, .n = 64, .k = 64, .c_dtype = DType::Float32});
}

TEST(TileReference, GemmBf16OutputIsRoundedScalarLoop) {
  CheckGemm({.m = 64, .n = 64, .k = 64, .c_dtype = DType::BFloat16});
}

TEST(TileReference, GemmTransposeBMatchesScalarLoop) {
  CheckGemm({.m = 64, .n = 96, .k = 64, .transpose_b = true, .c_dtype = DType::Float32});
}

TEST(TileReference, NonTileAlignedGemm100ReadsZerosOutOfBounds) {
  CheckGemm({.m = 100, .n = 100, .k = 100, .c_dtype = DType::BFloat16});
}

TEST(TileReference, GemmWithRectangularBlocksMatchesScalarLoop) {
  CheckGemm({.m = 96, .n = 64, .k = 80, .block_m = 64, .block_n = 32, .block_k = 16, .c_dtype = DType::Float32});
}

TEST(TileReference, BiasReluEpilogueMatchesScalarLoop) {
  const GemmSpec spec{.m = 64, .n = 80, .k = 64, .epilogue = Epilogue::BiasRelu};
  const tir::PrimFunc func = MakeGemm(spec);
  const HostTensors inputs = InputsFor(func, 11);
  const HostTensors outputs = EvaluateReference(func, inputs);
  const std::vector<float>& c = outputs.at("C");
  ScalarGemm want = ScalarMatmul(inputs.at("A"), inputs.at("B"), spec.m, spec.n, spec.k, false);
  size_t clamped = 0;
  for (int64_t r = 0; r < spec.m; ++r) {
    for (int64_t col = 0; col < spec.n; ++col) {
      double& v = want.value[r * spec.n + col];
      v += inputs.at("Bias")[col];
      want.magnitude[r * spec.n + col] += std::abs(inputs.at("Bias")[col]);
      if (v < 0) ++clamped;
      v = std::max(v, 0.0);
    }
  }
  EXPECT_GT(clamped, 1000u);  // the ReLU is exercised
  ExpectNear(c, want.value, want.magnitude, DType::BFloat16);
}

TEST(TileReference, ExpEpilogueMatchesScalarLoop) {
  const GemmSpec spec{.m = 64, .n = 64, .k = 32, .c_dtype = DType::Float32, .epilogue = Epilogue::Exp};
  const tir::PrimFunc func = MakeGemm(spec);
  const HostTensors inputs = InputsFor(func, 5);
  const HostTensors outputs = EvaluateReference(func, inputs);
  const std::vector<float>& c = outputs.at("C");
  const ScalarGemm dot = ScalarMatmul(inputs.at("A"), inputs.at("B"), spec.m, spec.n, spec.k, false);
  for (size_t e = 0; e < c.size(); ++e) {
    const double want = std::exp(dot.value[e]);
    // d exp(x) = exp(x) dx: the fp32 error of the dot product, relative, plus float exp's own rounding.
    ASSERT_NEAR(c[e], want, want * (1e-5 * dot.magnitude[e] + 1e-6)) << "element " << e;
  }
}

// C = A + B through shared buffers and an element-wise store, 100x70 in 32x32 blocks. A is fp32 and its
// bf16 shared copy rounds it; the fp32 sum is rounded again into the bf16 fragment and copied out.
TEST(TileReference, ElementwiseAddRoundsOnCopyAndStore) {
  const int64_t rows = 100, cols = 70, block = 32;
  FuncBuilder b;
  const BufferId a = b.Buffer("A", tir::Scope::Global, {rows, cols}, DType::Float32);
  const BufferId bb = b.Buffer("B", tir::Scope::Global, {rows, cols}, DType::BFloat16);
  const BufferId c = b.Buffer("C", tir::Scope::Global, {rows, cols}, DType::Float32, true);
  const BufferId a_s = b.Buffer("A_shared", tir::Scope::Shared, {block, block}, DType::BFloat16);
  const BufferId b_s = b.Buffer("B_shared", tir::Scope::Shared, {block, block}, DType::BFloat16);
  const BufferId c_l = b.Buffer("C_local", tir::Scope::Fragment, {block, block}, DType::BFloat16);
  const VarId bx = b.NewVar("bx"), by = b.NewVar("by"), i = b.NewVar("i"), j = b.NewVar("j");
  const Index r0 = Mul(Var(by), block), c0 = Mul(Var(bx), block), zero = Const(0);
  Value sum = tir::MakeValueBinary(tir::ValueBinaryOp::Add, Load(a_s, {Var(i), Var(j)}), Load(b_s, {Var(i), Var(j)}));
  b.Kernel(CeilDiv(cols, block), CeilDiv(rows, block), bx, by,
           {Alloc(a_s), Alloc(b_s), Alloc(c_l), Copy(a, {r0, c0}, a_s, {zero, zero}, {block, block}),
            Copy(bb, {r0, c0}, b_s, {zero, zero}, {block, block}), Parallel(i, j, block, block, c_l, sum),
            Copy(c_l, {zero, zero}, c, {r0, c0}, {block, block})});
  const HostTensors inputs = InputsFor(b.func, 3);
  const HostTensors outputs = EvaluateReference(b.func, inputs);
  const std::vector<float>& got = outputs.at("C");
  ASSERT_EQ(got.size(), static_cast<size_t>(rows * cols));
  size_t a_rounded = 0;
  for (size_t e = 0; e < got.size(); ++e) {
    const float a_value = inputs.at("A")[e];
    if (RoundToBf16(a_value) != a_value) ++a_rounded;
    ASSERT_EQ(got[e], RoundToBf16(RoundToBf16(a_value) + inputs.at("B")[e])) << "element " << e;
  }
  EXPECT_GT(a_rounded, got.size() / 2);  // the fp32 input really needed rounding
}

// S = In[-1:3, 3:7] (rows -1 and columns 5, 6 are outside In: they read 0); S += 100 element-wise; then
// S goes to Out[1:5, -2:2], whose row 4 and columns -2, -1 are outside Out: those are not written.
TEST(TileReference, CopyReadsZerosAndDropsWritesOutsideGlobalTensors) {
  FuncBuilder b;
  const BufferId in = b.Buffer("In", tir::Scope::Global, {3, 5}, DType::Float32);
  const BufferId out = b.Buffer("Out", tir::Scope::Global, {4, 4}, DType::Float32, true);
  const BufferId s = b.Buffer("S", tir::Scope::Shared, {4, 4}, DType::Float32);
  const VarId bx = b.NewVar("bx"), by = b.NewVar("by"), i = b.NewVar("i"), j = b.NewVar("j");
  const Value plus_100 = tir::MakeValueBinary(tir::ValueBinaryOp::Add, Load(s, {Var(i), Var(j)}), tir::MakeValueConst(100));
  b.Kernel(1, 1, bx, by,
           {Alloc(s), Copy(in, {Const(-1), Const(3)}, s, {Const(0), Const(0)}, {4, 4}), Parallel(i, j, 4, 4, s, plus_100),
            Copy(s, {Const(0), Const(0)}, out, {Const(1), Const(-2)}, {4, 4})});
  HostTensors inputs{{"In", {}}};
  for (int v = 1; v <= 15; ++v) inputs["In"].push_back(static_cast<float>(v));
  const HostTensors outputs = EvaluateReference(b.func, inputs);
  std::vector<float> want(16, 0.0f);  // Out starts as zeros
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      const int out_r = 1 + r, out_c = -2 + c, in_r = -1 + r, in_c = 3 + c;
      if (out_r < 0 || out_r >= 4 || out_c < 0 || out_c >= 4) continue;
      const bool inside = in_r >= 0 && in_r < 3 && in_c >= 0 && in_c < 5;
      want[out_r * 4 + out_c] = (inside ? inputs["In"][in_r * 5 + in_c] : 0.0f) + 100;
    }
  }
  EXPECT_EQ(outputs.at("Out"), want);
}

// A column of a matrix into a rank-1 buffer and back out as a row: T.copy of equally long vectors.
TEST(TileReference, CopyMovesAColumnIntoARank1Buffer) {
  FuncBuilder b;
  const BufferId in = b.Buffer("In", tir::Scope::Global, {4, 3}, DType::Float32);
  const BufferId out = b.Buffer("Out", tir::Scope::Global, {1, 4}, DType::BFloat16, true);
  const BufferId v = b.Buffer("V", tir::Scope::Shared, {4}, DType::Float32);
  const VarId bx = b.NewVar("bx"), by = b.NewVar("by");
  b.Kernel(1, 1, bx, by,
           {Alloc(v),
            tir::MakeStmt(tir::CopyStmt{{in, {Const(0), Const(2)}, {4, 1}}, {v, {Const(0)}, {4}}}),
            tir::MakeStmt(tir::CopyStmt{{v, {Const(0)}, {4}}, {out, {Const(0), Const(0)}, {1, 4}}})});
  const HostTensors inputs{{"In", {0, 0, 1.001f, 0, 0, 2.002f, 0, 0, 3.003f, 0, 0, 4.004f}}};
  const HostTensors outputs = EvaluateReference(b.func, inputs);
  const std::vector<float> want = {RoundToBf16(1.001f), RoundToBf16(2.002f), RoundToBf16(3.003f),
                                   RoundToBf16(4.004f)};
  EXPECT_EQ(outputs.at("Out"), want);
}

// Out[0, i] = In[0, (i - 3) % 8] + 10 * In[0, (i - 4) // 2]: Python's floor semantics on negative
// operands (C++ truncation would give other elements, and negative columns that read 0).
TEST(TileReference, IndexArithmeticFloorsLikePython) {
  FuncBuilder b;
  const BufferId in = b.Buffer("In", tir::Scope::Global, {1, 8}, DType::Float32);
  const BufferId out = b.Buffer("Out", tir::Scope::Global, {1, 8}, DType::Float32, true);
  const VarId bx = b.NewVar("bx"), by = b.NewVar("by"), r = b.NewVar("r"), i = b.NewVar("i");
  const Index mod = tir::MakeIndexBinary(IndexOp::FloorMod, Sub(Var(i), Const(3)), Const(8));
  const Index div = tir::MakeIndexBinary(IndexOp::FloorDiv, Sub(Var(i), Const(4)), Const(2));
  Value value = tir::MakeValueBinary(
      tir::ValueBinaryOp::Add, Load(in, {Const(0), mod}),
      tir::MakeValueBinary(tir::ValueBinaryOp::Mul, tir::MakeValueConst(10), Load(in, {Const(0), div})));
  Stmt store = tir::MakeStmt(tir::StoreStmt{out, {Var(r), Var(i)}, value});
  b.Kernel(1, 1, bx, by, {tir::MakeStmt(tir::ParallelStmt{{r, i}, {1, 8}, store})});
  const HostTensors inputs{{"In", {1, 2, 3, 4, 5, 6, 7, 8}}};
  const HostTensors outputs = EvaluateReference(b.func, inputs);
  const std::vector<float>& got = outputs.at("Out");
  for (int64_t x = 0; x < 8; ++x) {
    const int64_t m = ((x - 3) % 8 + 8) % 8;
    const int64_t d = x - 4 >= 0 ? (x - 4) / 2 : -((4 - x + 1) / 2);  // floor((x - 4) / 2)
    const float far = d >= 0 ? inputs.at("In")[d] : 0.0f;              // column -1, -2: outside, reads 0
    EXPECT_EQ(got[x], inputs.at("In")[m] + 10 * far) << "i = " << x;
  }
}

TEST(TileReference, ClearAccumOverwritesTheAccumulator) {
  FuncBuilder b;
  const BufferId a = b.Buffer("A", tir::Scope::Global, {2, 3}, DType::Float32);
  const BufferId bm = b.Buffer("B", tir::Scope::Global, {3, 2}, DType::Float32);
  const BufferId c = b.Buffer("C", tir::Scope::Global, {2, 2}, DType::Float32, true);
  const BufferId a_s = b.Buffer("A_s", tir::Scope::Shared, {2, 3}, DType::Float32);
  const BufferId b_s = b.Buffer("B_s", tir::Scope::Shared, {3, 2}, DType::Float32);
  const BufferId c_l = b.Buffer("C_l", tir::Scope::Fragment, {2, 2}, DType::Float32);
  const VarId bx = b.NewVar("bx"), by = b.NewVar("by");
  const Index zero = Const(0);
  b.Kernel(1, 1, bx, by,
           {Alloc(a_s), Alloc(b_s), Alloc(c_l), tir::MakeStmt(tir::FillStmt{c_l, 5.0}),
            Copy(a, {zero, zero}, a_s, {zero, zero}, {2, 3}), Copy(bm, {zero, zero}, b_s, {zero, zero}, {3, 2}),
            tir::MakeStmt(tir::GemmStmt{a_s, b_s, c_l, false, false, /*clear_accum=*/true}),
            Copy(c_l, {zero, zero}, c, {zero, zero}, {2, 2})});
  const HostTensors inputs{{"A", {1, 2, 3, 4, 5, 6}}, {"B", {1, 0, 0, 1, 1, 1}}};
  // [1 2 3; 4 5 6] x [1 0; 0 1; 1 1] = [4 5; 10 11], not 5 more.
  EXPECT_EQ(EvaluateReference(b.func, inputs).at("C"), (std::vector<float>{4, 5, 10, 11}));
}

TEST(TileReference, MissingInputIsNamed) {
  const tir::PrimFunc func = MakeGemm({.m = 32, .n = 32, .k = 32});
  HostTensors inputs = InputsFor(func, 1);
  inputs.erase("B");
  try {
    EvaluateReference(func, inputs);
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("missing input tensor 'B'"), std::string::npos) << error.what();
  }
}

TEST(TileReference, WrongInputSizeIsNamed) {
  const tir::PrimFunc func = MakeGemm({.m = 32, .n = 32, .k = 64});
  HostTensors inputs = InputsFor(func, 1);
  inputs["A"].resize(100);
  try {
    EvaluateReference(func, inputs);
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'A' has 100 values, expected 2048"), std::string::npos) << error.what();
  }
}

TEST(TileReference, UnknownInputIsRejected) {
  const tir::PrimFunc func = MakeGemm({.m = 32, .n = 32, .k = 32});
  HostTensors inputs = InputsFor(func, 1);
  inputs["Bais"] = {1.0f};
  EXPECT_THROW(EvaluateReference(func, inputs), std::invalid_argument);
}

TEST(TileReference, LoweredStatementsAreAnInternalError) {
  FuncBuilder b;
  b.Buffer("C", tir::Scope::Global, {1, 1}, DType::Float32, true);
  const VarId v = b.NewVar("v");
  b.func.body = tir::MakeStmt(tir::LetStmt{v, Const(1), tir::MakeStmt(tir::SeqStmt{})});
  EXPECT_THROW(EvaluateReference(b.func, {}), compiler::InternalError);
}

TEST(TileReference, LoadOutsideOnChipBufferIsAnInternalErrorWithLocation) {
  FuncBuilder b;
  const BufferId out = b.Buffer("Out", tir::Scope::Global, {4, 4}, DType::Float32, true);
  const BufferId frag = b.Buffer("F", tir::Scope::Fragment, {4, 4}, DType::Float32);
  const VarId bx = b.NewVar("bx"), by = b.NewVar("by"), i = b.NewVar("i"), j = b.NewVar("j");
  Value load = tir::MakeValueLoad(frag, {Add(Var(i), Const(1)), Var(j)}, {12, 7});
  b.Kernel(1, 1, bx, by, {Alloc(frag), Parallel(i, j, 4, 4, out, load)});
  try {
    EvaluateReference(b.func, {});
    FAIL() << "no error";
  } catch (const compiler::InternalError& error) {
    EXPECT_NE(std::string(error.what()).find("kernel.py:12:7"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("F[4, 0]"), std::string::npos) << error.what();
  }
}

TEST(TileReference, IndexDivisionByZeroIsACompileError) {
  FuncBuilder b;
  const BufferId in = b.Buffer("In", tir::Scope::Global, {1, 4}, DType::Float32);
  const BufferId out = b.Buffer("Out", tir::Scope::Global, {1, 4}, DType::Float32, true);
  const VarId bx = b.NewVar("bx"), by = b.NewVar("by"), i = b.NewVar("i"), j = b.NewVar("j");
  const Index by_zero = tir::MakeIndexBinary(IndexOp::FloorDiv, Var(j), Var(bx), {3, 9});
  b.Kernel(1, 1, bx, by, {Parallel(i, j, 1, 4, out, Load(in, {Var(i), by_zero}))});
  EXPECT_THROW(EvaluateReference(b.func, {{"In", {1, 2, 3, 4}}}), compiler::CompileError);
}

TEST(TileInputs, DeterministicBf16RoundedAndWithoutOutputs) {
  const tir::PrimFunc func = MakeGemm({.m = 64, .n = 32, .k = 96, .epilogue = Epilogue::BiasRelu});
  const HostTensors first = InputsFor(func, 42);
  EXPECT_EQ(first, InputsFor(func, 42));
  EXPECT_NE(first.at("A"), InputsFor(func, 43).at("A"));
  ASSERT_EQ(first.size(), 3u);  // A, B, Bias; not C
  EXPECT_EQ(first.at("A").size(), 64u * 96u);
  EXPECT_EQ(first.at("B").size(), 96u * 32u);
  EXPECT_EQ(first.at("Bias").size(), 32u);
  for (const auto& [name, values] : first) {
    for (const float v : values) {
      ASSERT_GE(v, -1.0f) << name;
      ASSERT_LE(v, 1.0f) << name;
      ASSERT_EQ(v, RoundToBf16(v)) << name;
    }
  }
  // Tensors of the same length draw different values.
  EXPECT_NE(std::vector<float>(first.at("A").begin(), first.at("A").begin() + 32), first.at("Bias"));
}

TEST(TileInputs, Float32TensorsKeepFullPrecision) {
  FuncBuilder b;
  b.Buffer("X", tir::Scope::Global, {16, 16}, DType::Float32);
  const HostTensors inputs = InputsFor(b.func, 9);
  size_t not_bf16 = 0;
  for (const float v : inputs.at("X")) not_bf16 += RoundToBf16(v) != v ? 1 : 0;
  EXPECT_GT(not_bf16, 200u);
}

}  // namespace
}  // namespace tilesim::tile
