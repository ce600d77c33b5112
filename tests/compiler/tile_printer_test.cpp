// tir::Print: the golden text of a parsed kernel, and each node kind (index, value, statement, the facts
// the passes attach) printed as the IR's comments in include/tilesim/tile_ir.h describe it.
#include <gtest/gtest.h>

#include "tilesim/bytecode/intrinsics.h"
#include "tilesim/tile_compiler.h"

namespace tilesim::tir {
namespace {

// A function with two tensors, one shared buffer and three variables, for hand-built statements.
PrimFunc SmallFunc() {
  PrimFunc func;
  func.name = "f";
  Buffer a;
  a.name = "A";
  a.shape = {64, 64};
  Buffer s;
  s.name = "S";
  s.scope = Scope::Shared;
  s.shape = {32, 32};
  func.buffers = {a, s};
  func.params = {BufferId{0}};
  func.vars = {{"x", {}}, {"y", {}}, {"z", {}}};
  return func;
}

Index C(int64_t value) { return MakeIndexConst(value); }
Index V(uint32_t var) { return MakeIndexVar(VarId{var}); }
Index Bin(IndexOp op, Index lhs, Index rhs) { return MakeIndexBinary(op, std::move(lhs), std::move(rhs)); }

// The body lines of Print(func) (after the `def` line) with `stmt` as the body.
std::string BodyText(PrimFunc func, Stmt stmt) {
  func.body = std::move(stmt);
  const std::string text = Print(func);
  return text.substr(text.find("):\n") + 3);
}

TEST(TilePrinter, GoldenKernel) {
  const PrimFunc func = tile::ParseDsl(tile::DslSource{"small.py",
                                                       "import tilelang.language as T\n"
                                                       "N = 64\n"
                                                       "@T.prim_func\n"
                                                       "def scale(A: T.Tensor((N, N), \"bfloat16\"), B: T.Tensor((N, N), \"float\")):\n"
                                                       "    with T.Kernel(N // 32, 2) as (bx, by):\n"
                                                       "        S = T.alloc_shared((32, 32), \"bfloat16\")\n"
                                                       "        F = T.alloc_fragment((32, 32), \"float\")\n"
                                                       "        for k in T.Pipelined(N // 32, num_stages=2):\n"
                                                       "            T.copy(A[by * 32, k * 32], S)\n"
                                                       "        for i, j in T.Parallel(32, 32):\n"
                                                       "            F[i, j] = -(S[i, j] - 1) * 0.5\n"
                                                       "        T.copy(F, B[by * 32, bx * 32])\n"},
                                       {});
  EXPECT_EQ(Print(func),
            "# tile IR of scale from small.py\n"
            "# constants: N=64\n"
            "# buffer A: global (64, 64) bfloat16\n"
            "# buffer B: global (64, 64) float32 output\n"
            "# buffer S: shared (32, 32) bfloat16\n"
            "# buffer F: fragment (32, 32) float32\n"
            "@T.prim_func\n"
            "def scale(A: T.Tensor((64, 64), \"bfloat16\"), B: T.Tensor((64, 64), \"float32\")):\n"
            "  with T.Kernel(2, 2) as (bx, by):\n"
            "    S = T.alloc_shared((32, 32), \"bfloat16\")\n"
            "    F = T.alloc_fragment((32, 32), \"float32\")\n"
            "    for k in T.Pipelined(2, num_stages=2):\n"
            "      T.copy(A[by * 32:+32, k * 32:+32], S)\n"
            "    for i, j in T.Parallel(32, 32):\n"
            "      F[i, j] = -(S[i, j] - 1.0) * 0.5\n"
            "    T.copy(F, B[by * 32:+32, bx * 32:+32])\n");
}

TEST(TilePrinter, IndexParenthesesFollowPrecedence) {
  const PrimFunc func = SmallFunc();
  EXPECT_EQ(Print(func, Bin(IndexOp::Mul, Bin(IndexOp::Add, V(0), C(1)), V(1))), "(x + 1) * y");
  EXPECT_EQ(Print(func, Bin(IndexOp::Sub, V(0), Bin(IndexOp::Sub, V(1), V(2)))), "x - (y - z)");
  EXPECT_EQ(Print(func, Bin(IndexOp::Sub, Bin(IndexOp::Sub, V(0), V(1)), V(2))), "x - y - z");
  EXPECT_EQ(Print(func, Bin(IndexOp::FloorDiv, V(0), Bin(IndexOp::Mul, V(1), C(32)))), "x // (y * 32)");
  EXPECT_EQ(Print(func, Bin(IndexOp::Add, V(0), Bin(IndexOp::FloorMod, V(1), C(4)))), "x + y % 4");
  EXPECT_EQ(Print(func, Bin(IndexOp::Min, Bin(IndexOp::Add, V(0), C(1)), C(7))), "min(x + 1, 7)");
}

TEST(TilePrinter, ComparisonsAndBitAnd) {
  const PrimFunc func = SmallFunc();
  EXPECT_EQ(Print(func, Bin(IndexOp::Lt, Bin(IndexOp::Add, V(0), C(1)), V(1))), "x + 1 < y");
  EXPECT_EQ(Print(func, Bin(IndexOp::Ne, Bin(IndexOp::BitAnd, V(0), C(3)), C(0))), "x & 3 != 0");
  EXPECT_EQ(Print(func, Bin(IndexOp::BitAnd, Bin(IndexOp::Lt, V(0), V(1)), Bin(IndexOp::Ne, V(2), C(0)))), "(x < y) & (z != 0)");
  EXPECT_EQ(Print(func, Bin(IndexOp::Ne, Bin(IndexOp::Lt, V(0), V(1)), C(0))), "(x < y) != 0");
}

TEST(TilePrinter, IntrinsicCallsArgsAndCompileTimeArgs) {
  const PrimFunc func = SmallFunc();
  EXPECT_EQ(Print(func, MakeIndexCall(bc::Intrinsic::get_arg_val, {C(2)})), "get_arg_val(2)");
  EXPECT_EQ(Print(func, MakeIndexArg("start_id")), "arg(\"start_id\")");
  EXPECT_EQ(Print(func, MakeIndexCompileTimeArg(3)), "get_compile_time_arg_val(3)");
  EXPECT_EQ(Print(func, V(7)), "<var 7>");
}

TEST(TilePrinter, ValuesUnaryBinaryAndCasts) {
  const PrimFunc func = SmallFunc();
  const Value load = MakeValueLoad(BufferId{1}, {V(0), V(1)});
  const Value sum = MakeValueBinary(ValueBinaryOp::Add, load, MakeValueConst(1e-5));
  EXPECT_EQ(Print(func, MakeValueBinary(ValueBinaryOp::Div, MakeValueConst(2), sum)), "2.0 / (S[x, y] + 1e-05)");
  EXPECT_EQ(Print(func, MakeValueUnary(ValueUnaryOp::Neg, sum)), "-(S[x, y] + 1e-05)");
  EXPECT_EQ(Print(func, MakeValueUnary(ValueUnaryOp::Relu, load)), "T.relu(S[x, y])");
  EXPECT_EQ(Print(func, MakeValueUnary(ValueUnaryOp::Recip, load)), "T.recip(S[x, y])");
  EXPECT_EQ(Print(func, MakeValueCast(DType::BFloat16, MakeValueBinary(ValueBinaryOp::Min, load, MakeValueConst(-0.5)))),
            "T.cast(T.min(S[x, y], -0.5), \"bfloat16\")");
}

TEST(TilePrinter, GemmFillAndLoopKinds) {
  const PrimFunc func = SmallFunc();
  GemmStmt gemm{BufferId{1}, BufferId{1}, BufferId{1}, true, true, true};
  const Stmt body = MakeStmt(SeqStmt{{MakeStmt(gemm), MakeStmt(FillStmt{BufferId{1}, 2.5}),
                                      MakeStmt(ForStmt{VarId{0}, C(4), ForKind::Unrolled, 1, MakeStmt(SeqStmt{})}),
                                      MakeStmt(ForStmt{VarId{1}, V(2), ForKind::Serial, 1, MakeStmt(FillStmt{BufferId{1}, 0})})}});
  EXPECT_EQ(BodyText(func, body),
            "  T.gemm(S, S, S, transpose_A=True, transpose_B=True, clear_accum=True)\n"
            "  T.fill(S, 2.5)\n"
            "  for x in T.unroll(4):\n"
            "    pass\n"
            "  for y in T.serial(z):\n"
            "    T.clear(S)\n");
}

TEST(TilePrinter, LetIfAndCallStatements) {
  const PrimFunc func = SmallFunc();
  const Stmt call = MakeStmt(CallStmt{bc::Intrinsic::cb_wait_front, {C(0), V(0)}});
  const Stmt barrier = MakeStmt(CallStmt{bc::Intrinsic::noc_async_read_barrier, {}});
  const Stmt body = MakeStmt(LetStmt{VarId{0}, MakeIndexCall(bc::Intrinsic::get_arg_val, {C(1)}),
                                     MakeStmt(IfStmt{Bin(IndexOp::Lt, V(0), C(4)), call, barrier})});
  EXPECT_EQ(BodyText(func, body),
            "  x = get_arg_val(1)\n"
            "  if x < 4:\n"
            "    cb_wait_front(0, x)\n"
            "  else:\n"
            "    noc_async_read_barrier()\n");
}

TEST(TilePrinter, TTTileStatements) {
  const PrimFunc func = SmallFunc();
  const Stmt read = MakeStmt(TileReadStmt{BufferId{0}, V(0), V(1), 2, C(0)});
  const Stmt write = MakeStmt(TileWriteStmt{3, V(2), BufferId{0}, C(1), Bin(IndexOp::Add, V(1), C(1))});
  const Stmt body = MakeStmt(SeqStmt{{
      MakeStmt(CBRegionStmt{2, C(4), CBAccess::Produce, MakeStmt(McastRegionStmt{2, C(4), McastAxis::Col, read})}),
      MakeStmt(CBRegionStmt{3, C(1), CBAccess::Consume,
                            MakeStmt(DstRegionStmt{MakeStmt(FillStmt{BufferId{1}, 0}), write})}),
  }});
  EXPECT_EQ(BodyText(func, body),
            "  with cb_produce(cb=2, pages=4):\n"
            "    with mcast(cb=2, pages=4, axis=\"col\"):\n"
            "      read_tile(A, (x, y), cb=2, slot=0)\n"
            "  with cb_consume(cb=3, pages=1):\n"
            "    with dst_region():\n"
            "      # math\n"
            "      T.clear(S)\n"
            "      # pack\n"
            "      write_tile(A, (1, y + 1), cb=3, slot=z)\n");
}

TEST(TilePrinter, BufferFactsAttrsPartitionAndKernels) {
  PrimFunc func = SmallFunc();
  func.source_file = "f.py";
  func.constants = {{"M", 64}};
  func.attrs = {{"tt.partition_mode", "blocks_2d"}};
  func.buffers[0].is_output = true;
  func.buffers[0].layout = TTLayout{true, true, 2, 2, 2048};
  func.buffers[0].accessor_index = 0;
  func.buffers[1].layout = TTLayout{true, false, 1, 1, 2048};
  func.buffers[1].cb_index = 1;
  func.buffers[1].cb_num_pages = 2;
  TTPartition partition;
  partition.mode = TTPartition::Mode::Blocks2D;
  partition.grid_x = 4;
  partition.grid_y = 2;
  partition.cores_x = 2;
  partition.cores_y = 2;
  partition.num_cores = 4;
  partition.blocks_per_core_x = 2;
  partition.multicast = {{1, McastAxis::Row}};
  func.partition = partition;
  DeviceKernel reader;
  reader.name = "reader";
  reader.role = KernelRole::DataMovement0;
  reader.body = MakeStmt(CallStmt{bc::Intrinsic::noc_async_read_barrier, {}});
  reader.runtime_arg_names = {"a_addr", "start_id"};
  reader.compile_time_args = {1, 0};
  func.kernels.push_back(reader);
  EXPECT_EQ(Print(func),
            "# tile IR of f from f.py\n"
            "# constants: M=64\n"
            "# attr tt.partition_mode = \"blocks_2d\"\n"
            "# buffer A: global (64, 64) bfloat16 output layout(tiled dram_interleaved tiles=2x2 page_size=2048) accessor=0\n"
            "# buffer S: shared (32, 32) bfloat16 layout(tiled tiles=1x1 page_size=2048) cb=1 cb_num_pages=2\n"
            "# partition: blocks_2d grid=4x2 cores=2x2 num_cores=4 blocks_per_core=2x1 mcast(S)=row\n"
            "@T.prim_func\n"
            "def f(A: T.Tensor((64, 64), \"bfloat16\")):\n"
            "  # kernel reader (reader)\n"
            "  # runtime_args: 0=a_addr 1=start_id\n"
            "  # compile_time_args: 1 0\n"
            "  def reader():\n"
            "    noc_async_read_barrier()\n");
}

}  // namespace
}  // namespace tilesim::tir
