// Before / after tests of every pass of the tile pipeline (compiler/tile/passes/passes.def): each test runs
// the pipeline up to the pass before, then the pass itself, and checks the post-condition the pass's header
// promises, which must not hold before it. The table of checks is keyed by pass name, so a pass without a
// test fails TilePasses.EveryPassHasABeforeAfterTest.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "compiler/tile/ir/mutator.h"
#include "compiler/tile/passes/verify_tt_ir.h"
#include "compiler/tile/pipeline.h"
#include "tilesim/compiler.h"
#include "tilesim/tile_compiler.h"

namespace tilesim::tile {
namespace {

using namespace tir;

constexpr const char* kMcastGemm = R"(
import tilelang.language as T
M = 256
N = 256
K = 128
block_M = 64
block_N = 64
block_K = 32

@T.prim_func
def gemm(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
        A_shared = T.alloc_shared((block_M, block_K), "bfloat16")
        B_shared = T.alloc_shared((block_K, block_N), "bfloat16")
        C_local = T.alloc_fragment((block_M, block_N), "float")
        T.clear(C_local)
        for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=3):
            T.copy(A[by * block_M, k * block_K], A_shared)
            T.copy(B[k * block_K, bx * block_N], B_shared)
            T.gemm(A_shared, B_shared, C_local)
        T.copy(C_local, C[by * block_M, bx * block_N])
)";

constexpr const char* kEpilogueGemm = R"(
import tilelang.language as T
M = 100
N = 64
K = 64

@T.prim_func
def gemm_bias(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), Bias: T.Tensor((M, N), "bfloat16"),
              C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(T.ceildiv(N, 32), T.ceildiv(M, 32)) as (bx, by):
        A_shared = T.alloc_shared((32, 32), "bfloat16")
        B_shared = T.alloc_shared((32, 32), "bfloat16")
        C_local = T.alloc_fragment((32, 32), "float")
        T.clear(C_local)
        for k in T.Pipelined(T.ceildiv(K, 32), num_stages=2):
            T.copy(A[by * 32, k * 32], A_shared)
            T.copy(B[k * 32, bx * 32], B_shared)
            T.gemm(A_shared, B_shared, C_local)
        for i, j in T.Parallel(32, 32):
            C_local[i, j] = T.max(C_local[i, j] + Bias[by * 32 + i, bx * 32 + j], 0)
        T.copy(C_local, C[by * 32, bx * 32])
)";

PrimFunc Parse(const char* text) { return ParseDsl(DslSource{"test.py", text}, {}); }

PrimFunc Until(const PrimFunc& parsed, const std::string& pass, const CompileOptions& options = {}) {
  return RunTilePipeline(parsed, options, pass);
}

// The pass before `pass` in the table ("" for the first).
std::string Previous(const std::string& pass) {
  const auto& names = PassNames();
  for (size_t i = 1; i < names.size(); ++i) {
    if (names[i] == pass) return names[i - 1];
  }
  return "";
}

const Buffer& Named(const PrimFunc& f, const std::string& name) {
  for (const Buffer& b : f.buffers) {
    if (b.name == name) return b;
  }
  throw std::runtime_error("no buffer " + name);
}

template <typename Node>
int Count(const Stmt& body) {
  int n = 0;
  ForEachStmt(body, [&](const Stmt& s) { n += std::holds_alternative<Node>(s->node) ? 1 : 0; });
  return n;
}

int CountCalls(const Stmt& body, bc::Intrinsic intrinsic) {
  int n = 0;
  ForEachStmt(body, [&](const Stmt& s) {
    const auto* call = std::get_if<CallStmt>(&s->node);
    n += call && call->intrinsic == intrinsic ? 1 : 0;
  });
  return n;
}

int CountNamedArgs(const PrimFunc& f) {
  int n = 0;
  struct Counter : StmtMutator {
    int* n;
    Index MutateIndex(const Index& index) override {
      return RewriteIndex(index, [&](const Index& node) {
        *n += std::holds_alternative<IndexArg>(node->node) ? 1 : 0;
        return node;
      });
    }
  } counter;
  counter.n = &n;
  counter.Mutate(f.body);
  for (const DeviceKernel& k : f.kernels) counter.Mutate(k.body);
  return n;
}

const DeviceKernel& Kernel(const PrimFunc& f, const std::string& name) {
  for (const DeviceKernel& k : f.kernels) {
    if (k.name == name) return k;
  }
  throw std::runtime_error("no kernel " + name);
}

using Check = std::function<void(const PrimFunc& before, const PrimFunc& after)>;

const std::map<std::string, Check>& Checks() {
  static const std::map<std::string, Check> checks = {
      {"InferTTLayout",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_FALSE(Named(before, "A").layout);
         const TTLayout& a = *Named(after, "A").layout;
         EXPECT_TRUE(a.dram_interleaved);
         EXPECT_EQ(a.tile_rows, 8u);  // 256 / 32
         EXPECT_EQ(a.tile_cols, 4u);  // 128 / 32
         EXPECT_EQ(a.page_size, 2048u);
         EXPECT_FALSE(Named(after, "A_shared").layout);  // on-chip buffers are the next pass's
       }},
      {"PropagateTTLayout",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_FALSE(Named(before, "C_local").layout);
         EXPECT_EQ(Named(after, "A_shared").layout->tile_rows, 2u);
         EXPECT_EQ(Named(after, "A_shared").layout->tile_cols, 1u);
         EXPECT_EQ(Named(after, "C_local").layout->page_size, 4096u);  // float
       }},
      {"AttachTensorAccessorTT",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_EQ(Named(before, "B").accessor_index, -1);
         EXPECT_EQ(Named(after, "A").accessor_index, 0);
         EXPECT_EQ(Named(after, "B").accessor_index, 1);
         EXPECT_EQ(Named(after, "C").accessor_index, 2);
         EXPECT_TRUE(after.attrs.count("tt.accessor.C"));
       }},
      {"LayoutAwareWorkPartitionTT",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_FALSE(before.partition);
         const TTPartition& p = *after.partition;
         EXPECT_EQ(p.mode, TTPartition::Mode::Blocks2D);
         EXPECT_EQ(p.cores_x, 4u);  // a 4 x 4 block grid
         EXPECT_EQ(p.cores_y, 4u);
         const uint32_t a_shared = static_cast<uint32_t>(&Named(after, "A_shared") - after.buffers.data());
         const uint32_t b_shared = static_cast<uint32_t>(&Named(after, "B_shared") - after.buffers.data());
         ASSERT_TRUE(p.multicast.count(a_shared));
         EXPECT_EQ(p.multicast.at(a_shared), McastAxis::Row);  // A depends on by only
         EXPECT_EQ(p.multicast.at(b_shared), McastAxis::Col);  // B on bx only
         EXPECT_EQ(after.attrs.at("tt.partition_mode"), "blocks_2d");
       }},
      {"GridToCoreGrid",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_EQ(Count<KernelStmt>(before.body), 1);
         EXPECT_EQ(Count<KernelStmt>(after.body), 0);
         EXPECT_GT(CountNamedArgs(after), CountNamedArgs(before));  // block_x0 / block_y0
       }},
      {"LowerSharedToCB",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_EQ(Named(before, "A_shared").cb_index, -1);
         EXPECT_EQ(Named(after, "A_shared").cb_index, 0);
         EXPECT_EQ(Named(after, "B_shared").cb_index, 1);
         EXPECT_EQ(Named(after, "A_shared").cb_num_pages, 2u * 3u);  // 2 tiles x num_stages 3
       }},
      {"LowerTTTileIntrinsics",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_EQ(Count<GemmStmt>(before.body), 1);
         EXPECT_EQ(Count<GemmStmt>(after.body) + Count<CopyStmt>(after.body) + Count<AllocStmt>(after.body), 0);
         EXPECT_EQ(Count<McastRegionStmt>(after.body), 2);  // A along rows, B down columns
         EXPECT_EQ(Count<DstRegionStmt>(after.body), 1);    // C_local in DST over the K loop
         EXPECT_EQ(CountCalls(after.body, bc::Intrinsic::matmul_tiles), 1);
         EXPECT_EQ(Named(after, "C_local.out").cb_index, 16);
       }},
      {"BuildTileDFGTT",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_FALSE(before.attrs.count("tt.dfg.c_0"));
         EXPECT_EQ(after.attrs.at("tt.dfg.c_0"), "reader -> compute (A_shared)");
         EXPECT_EQ(after.attrs.at("tt.dfg.c_16"), "compute -> writer (C_local.out)");
       }},
      {"SplitDeviceKernel",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_TRUE(before.kernels.empty());
         ASSERT_EQ(after.kernels.size(), 3u);
         EXPECT_FALSE(after.body);
         EXPECT_EQ(Count<McastRegionStmt>(Kernel(after, "reader").body), 2);
         EXPECT_EQ(CountCalls(Kernel(after, "reader").body, bc::Intrinsic::matmul_tiles), 0);
         EXPECT_EQ(CountCalls(Kernel(after, "compute").body, bc::Intrinsic::matmul_tiles), 1);
         EXPECT_EQ(Count<TileReadStmt>(Kernel(after, "compute").body), 0);
         EXPECT_EQ(Count<TileWriteStmt>(Kernel(after, "writer").body), 1);
       }},
      {"ConfigureTensorAccessorTT",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_TRUE(Kernel(before, "reader").compile_time_args.empty());
         EXPECT_EQ(Kernel(after, "reader").compile_time_args, (std::vector<uint32_t>{2, 2048, 2, 2048}));
         EXPECT_EQ(Kernel(after, "writer").compile_time_args, (std::vector<uint32_t>{2, 2048}));
         EXPECT_TRUE(Kernel(after, "compute").compile_time_args.empty());
       }},
      {"LowerCBIntrinsics",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_GT(Count<CBRegionStmt>(Kernel(before, "compute").body), 0);
         for (const DeviceKernel& k : after.kernels) {
           EXPECT_EQ(Count<CBRegionStmt>(k.body) + Count<McastRegionStmt>(k.body) + Count<TileReadStmt>(k.body) +
                         Count<TileWriteStmt>(k.body),
                     0);
         }
         EXPECT_EQ(CountCalls(Kernel(after, "reader").body, bc::Intrinsic::noc_async_write_multicast), 2);
         EXPECT_EQ(CountCalls(Kernel(after, "compute").body, bc::Intrinsic::cb_wait_front), 2);
         EXPECT_EQ(CountCalls(Kernel(after, "writer").body, bc::Intrinsic::noc_async_write_barrier), 1);
       }},
      {"InsertComputeInitTT",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_EQ(CountCalls(Kernel(before, "compute").body, bc::Intrinsic::mm_init), 0);
         EXPECT_EQ(CountCalls(Kernel(after, "compute").body, bc::Intrinsic::mm_init), 1);
         EXPECT_EQ(CountCalls(Kernel(after, "compute").body, bc::Intrinsic::mm_init_short), 0);  // nothing else runs
       }},
      {"InsertDSTManagementTT",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_EQ(Count<DstRegionStmt>(Kernel(before, "compute").body), 1);
         EXPECT_EQ(Count<DstRegionStmt>(Kernel(after, "compute").body), 0);
         for (auto i : {bc::Intrinsic::tile_regs_acquire, bc::Intrinsic::tile_regs_commit,
                        bc::Intrinsic::tile_regs_wait, bc::Intrinsic::tile_regs_release}) {
           EXPECT_EQ(CountCalls(Kernel(after, "compute").body, i), 1);
         }
       }},
      {"FinalizePersistentSignatureTT",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_GT(CountNamedArgs(before), 0);
         EXPECT_EQ(CountNamedArgs(after), 0);
         const auto& names = Kernel(after, "reader").runtime_arg_names;
         EXPECT_NE(std::find(names.begin(), names.end(), "A_addr"), names.end());
         EXPECT_NE(std::find(names.begin(), names.end(), "A_shared_is_sender"), names.end());
         EXPECT_EQ(Kernel(after, "writer").runtime_arg_names,
                   (std::vector<std::string>{"block_y0", "block_x0", "C_addr"}));
       }},
      {"VerifyTTIR",
       [](const PrimFunc& before, const PrimFunc& after) {
         EXPECT_EQ(after.kernels.size(), before.kernels.size());
         // A compute intrinsic in the reader is what the verifier exists to catch.
         PrimFunc broken = before;
         broken.kernels[0].body =
             MakeSeq({broken.kernels[0].body, MakeStmt(CallStmt{bc::Intrinsic::tile_regs_acquire, {}})});
         try {
           VerifyTTIR(broken, CompileOptions{});
           ADD_FAILURE() << "VerifyTTIR accepted a reader calling tile_regs_acquire";
         } catch (const compiler::InternalError& e) {
           EXPECT_NE(std::string(e.what()).find("tile_regs_acquire may not be called by"), std::string::npos)
               << e.what();
         }
       }},
  };
  return checks;
}

TEST(TilePasses, EveryPassHasABeforeAfterTest) {
  for (const std::string& name : PassNames()) EXPECT_TRUE(Checks().count(name)) << name << " has no test";
  EXPECT_EQ(PassNames().size(), 15u);
  EXPECT_EQ(PassNames().front(), "InferTTLayout");
  EXPECT_EQ(PassNames().back(), "VerifyTTIR");
}

class TilePass : public ::testing::TestWithParam<std::string> {};

TEST_P(TilePass, EstablishesItsPostCondition) {
  const PrimFunc parsed = Parse(kMcastGemm);
  const std::string pass = GetParam();
  const std::string previous = Previous(pass);
  const PrimFunc before = previous.empty() ? parsed : Until(parsed, previous);
  const PrimFunc after = Until(parsed, pass);
  Checks().at(pass)(before, after);
}

INSTANTIATE_TEST_SUITE_P(Pipeline, TilePass, ::testing::ValuesIn(PassNames()),
                         [](const auto& info) { return info.param; });

TEST(TilePasses, FragmentLargerThanDstIsAccumulatedInSubblocks) {
  // 128 x 128 = 16 tiles, DST gives 8 per acquire: two 2x4 sub-blocks per K step, partial sums parked in a
  // circular buffer between steps, the last step packing each tile to its place in the output block.
  std::string text = kMcastGemm;
  text.replace(text.find("block_M = 64"), 12, "block_M = 128");
  text.replace(text.find("block_N = 64"), 12, "block_N = 128");
  const PrimFunc f = Until(Parse(text.c_str()), "LowerTTTileIntrinsics");
  EXPECT_EQ(Named(f, "C_local.out").cb_index, 16);
  EXPECT_EQ(Named(f, "C_local.partial").cb_index, 17);
  EXPECT_EQ(Named(f, "C_local.partial").cb_num_pages, 16u);
  EXPECT_EQ(Count<DstRegionStmt>(f.body), 2);  // K steps before the last, and the last
  EXPECT_EQ(CountCalls(f.body, bc::Intrinsic::pack_tile_out_of_order), 1);
  EXPECT_EQ(CountCalls(f.body, bc::Intrinsic::copy_tile), 2);  // the reload, in both branches
  const TTProgram program = Compile(Parse(text.c_str()), CompileOptions{});
  EXPECT_EQ(program.cores.size(), 4u);
}

TEST(TilePasses, ACoresBlocksAreFusedForReuseInL1) {
  // 4 x 4 blocks of 64 x 64 on a 2 x 2 grid: each core's 2 x 2 blocks run as one 128 x 128 block, so each A
  // tile is read once per core row of blocks instead of once per block.
  CompileOptions options;
  options.grid_x = options.grid_y = 2;
  const PrimFunc fused = Until(Parse(kMcastGemm), "LayoutAwareWorkPartitionTT", options);
  EXPECT_EQ(fused.attrs.at("tt.fused_blocks"), "2x2 blocks per core run as one block");
  EXPECT_EQ(Named(fused, "A_shared").shape, (std::vector<int64_t>{128, 32}));
  EXPECT_EQ(Named(fused, "B_shared").shape, (std::vector<int64_t>{32, 128}));
  EXPECT_EQ(Named(fused, "C_local").shape, (std::vector<int64_t>{128, 128}));
  EXPECT_EQ(Named(fused, "C_local").layout->tile_rows, 4u);
  EXPECT_EQ(fused.partition->grid_x, 2u);
  EXPECT_EQ(fused.partition->blocks_per_core_x, 1u);
  options.fuse_blocks = false;
  const PrimFunc separate = Until(Parse(kMcastGemm), "LayoutAwareWorkPartitionTT", options);
  EXPECT_EQ(Named(separate, "A_shared").shape, (std::vector<int64_t>{64, 32}));
  EXPECT_EQ(separate.partition->blocks_per_core_x, 2u);
}

TEST(TilePasses, EveryComputeOperationIsConfiguredFirst) {
  // Each operation kind of an element-wise epilogue needs its own configuration call before it runs.
  const char* text = R"(
import tilelang.language as T
@T.prim_func
def f(A: T.Tensor((64, 64), "bfloat16"), B: T.Tensor((64, 64), "bfloat16"), V: T.Tensor((64,), "bfloat16"),
      C: T.Tensor((64, 64), "bfloat16")):
    with T.Kernel(2, 2) as (bx, by):
        A_s = T.alloc_shared((32, 32), "bfloat16")
        B_s = T.alloc_shared((32, 32), "bfloat16")
        out = T.alloc_fragment((32, 32), "bfloat16")
        T.copy(A[by * 32, bx * 32], A_s)
        T.copy(B[by * 32, bx * 32], B_s)
        for i, j in T.Parallel(32, 32):
            out[i, j] = T.max(T.exp(A_s[i, j] * 0.5) + V[bx * 32 + j], B_s[i, j])
        T.copy(out, C[by * 32, bx * 32])
)";
  const PrimFunc f = Until(Parse(text), "InsertComputeInitTT");
  const Stmt& compute = Kernel(f, "compute").body;
  const std::pair<bc::Intrinsic, bc::Intrinsic> op_and_init[] = {
      {bc::Intrinsic::mul_unary_tile, bc::Intrinsic::binop_with_scalar_tile_init},
      {bc::Intrinsic::exp_tile, bc::Intrinsic::exp_tile_init},
      {bc::Intrinsic::add_tiles_bcast_rows, bc::Intrinsic::add_bcast_rows_init_short},
      {bc::Intrinsic::binary_max_tile, bc::Intrinsic::binary_max_tile_init},
      {bc::Intrinsic::copy_tile, bc::Intrinsic::copy_tile_to_dst_init_short},
  };
  for (const auto& [op, init] : op_and_init) {
    EXPECT_GE(CountCalls(compute, op), 1) << bc::Info(op).name;
    EXPECT_GE(CountCalls(compute, init), 1) << bc::Info(init).name << " missing before " << bc::Info(op).name;
  }
}

TEST(TilePasses, ContiguousPartitionForSingleTileBlocks) {
  const PrimFunc f = Until(Parse(kEpilogueGemm), "LayoutAwareWorkPartitionTT");
  EXPECT_EQ(f.partition->mode, TTPartition::Mode::Contiguous);
  EXPECT_EQ(f.partition->num_cores, 8u);  // 2 x 4 one-tile blocks
  EXPECT_TRUE(f.partition->multicast.empty());
}

TEST(TilePasses, TensorReadInParallelGetsAWindowBuffer) {
  const PrimFunc f = Until(Parse(kEpilogueGemm), "LowerSharedToCB");
  const Buffer& window = Named(f, "Bias_window");
  EXPECT_EQ(window.scope, Scope::Shared);
  EXPECT_EQ(window.cb_index, 2);
  EXPECT_EQ(Count<CopyStmt>(f.body), 4);  // A, B, the bias window and C
}

TEST(TilePasses, OverhangingTilesAreGuarded) {
  // M = 100 is 4 tiles, the grid covers 4 block rows of one tile: no overhang, no guard on rows; K = 64
  // exactly: no guard on K either. With block_M 64 two block rows cover 4 tiles exactly too, so use a grid
  // that overhangs: 100 rows in 64-row blocks is 2 blocks = 4 tiles... equal again; 96 rows = 3 tiles do.
  const char* text = R"(
import tilelang.language as T
@T.prim_func
def add(A: T.Tensor((96, 64), "bfloat16"), B: T.Tensor((96, 64), "bfloat16"), C: T.Tensor((96, 64), "bfloat16")):
    with T.Kernel(1, 2) as (bx, by):
        A_s = T.alloc_shared((64, 64), "bfloat16")
        B_s = T.alloc_shared((64, 64), "bfloat16")
        C_l = T.alloc_fragment((64, 64), "bfloat16")
        T.copy(A[by * 64, bx * 64], A_s)
        T.copy(B[by * 64, bx * 64], B_s)
        for i, j in T.Parallel(64, 64):
            C_l[i, j] = A_s[i, j] + B_s[i, j]
        T.copy(C_l, C[by * 64, bx * 64])
)";
  const PrimFunc f = Until(Parse(text), "LowerTTTileIntrinsics");
  EXPECT_EQ(Count<IfStmt>(f.body), 3);  // rows of A, B and C may pass tile row 3
}

TEST(TilePasses, PrintAfterNamesAPass) {
  CompileOptions options;
  options.print_after = {"GridToCoreGrid"};
  std::vector<std::string> printed;
  options.print = [&](const std::string& pass, const std::string& ir) {
    printed.push_back(pass);
    EXPECT_NE(ir.find("block_x0"), std::string::npos);
  };
  Compile(Parse(kMcastGemm), options);
  EXPECT_EQ(printed, (std::vector<std::string>{"GridToCoreGrid"}));
  options.print_after = {"NoSuchPass"};
  EXPECT_THROW(Compile(Parse(kMcastGemm), options), std::invalid_argument);
}

}  // namespace
}  // namespace tilesim::tile
