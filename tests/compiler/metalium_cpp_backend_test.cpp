// The Metalium C++ back end (compiler/backend/metalium_cpp): every kernel printed, parsed back with the
// Metalium front end (same role, same compile args) and lowered again must be the same program.
//
// Most kernels come back instruction for instruction. Three constructs make the front end introduce
// temporaries or substitute values, so kernels using them are compared by running instead:
//  - an InterleavedAddrGen / TensorAccessor copies its bank base address into a variable of its own;
//  - a `constexpr` variable is substituted at its uses rather than held in a register;
//  - mm_init / mm_init_short record the transpose flag in a variable the 5-argument matmul_tiles reads.
// Those are the GEMM, eltwise reader / writer, loopback and args-dump kernels (run here or in
// tests/runtime/tile_run_program_test.cpp, which runs whole programs both ways).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "compiler/backend/metalium_cpp/metalium_printer.h"
#include "runtime/test_kernels.h"
#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/compiler.h"
#include "tilesim/host.h"
#include "tilesim/kernel_builder.h"
#include "tilesim/metalium.h"
#include "tilesim/tile_compiler.h"
#include "tilesim/workloads.h"

namespace tilesim {
namespace {

using compiler::metalium_cpp::Dialect;
using compiler::metalium_cpp::PrintKernelSource;
using kir::Expr;
using kir::KernelBuilder;
using kir::Type;

compiler::metalium_cpp::PrintOptions In(Dialect dialect) {
  compiler::metalium_cpp::PrintOptions options;
  options.dialect = dialect;
  return options;
}

kir::Kernel Reparse(const kir::Kernel& kernel, const std::vector<uint32_t>& compile_args, Dialect dialect = Dialect::Legacy) {
  const std::string source = PrintKernelSource(kernel, In(dialect));
  SCOPED_TRACE(source);
  metalium::FrontEndOptions options;
  options.role = kernel.role;
  options.name = kernel.name;
  return metalium::ParseKernel({kernel.name + ".cpp", source}, options, compile_args);
}

std::string Code(const kir::Kernel& kernel, const std::vector<uint32_t>& compile_args) {
  bc::DisassembleOptions options;
  options.show_source = false;
  return bc::Disassemble(compiler::LowerToBytecode(kernel, compile_args), options);
}

void ExpectSameInstructions(const kir::Kernel& kernel, const std::vector<uint32_t>& compile_args = {},
                            Dialect dialect = Dialect::Legacy) {
  const std::string source = PrintKernelSource(kernel, In(dialect));
  SCOPED_TRACE("printed source:\n" + source);
  const kir::Kernel parsed = Reparse(kernel, compile_args, dialect);
  EXPECT_EQ(Code(parsed, compile_args), Code(kernel, compile_args));
}

// Every intrinsic called anywhere in the kernel.
void CollectIntrinsics(const kir::Expr& e, std::set<bc::Intrinsic>& out);
void CollectIntrinsics(const kir::Stmt& s, std::set<bc::Intrinsic>& out) {
  if (s == nullptr) return;
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, kir::LetStmt> || std::is_same_v<T, kir::AssignStmt>) {
          CollectIntrinsics(n.value, out);
        } else if constexpr (std::is_same_v<T, kir::StoreStmt>) {
          CollectIntrinsics(n.address, out);
          CollectIntrinsics(n.value, out);
        } else if constexpr (std::is_same_v<T, kir::EvaluateStmt>) {
          CollectIntrinsics(n.call, out);
        } else if constexpr (std::is_same_v<T, kir::SeqStmt>) {
          for (const kir::Stmt& c : n.stmts) CollectIntrinsics(c, out);
        } else if constexpr (std::is_same_v<T, kir::ForStmt>) {
          CollectIntrinsics(n.body, out);
        } else if constexpr (std::is_same_v<T, kir::WhileStmt>) {
          CollectIntrinsics(n.body, out);
        } else if constexpr (std::is_same_v<T, kir::IfStmt>) {
          CollectIntrinsics(n.then_body, out);
          CollectIntrinsics(n.else_body, out);
        }
      },
      s->node);
}
void CollectIntrinsics(const kir::Expr& e, std::set<bc::Intrinsic>& out) {
  if (!e.defined()) return;
  if (const auto* call = std::get_if<kir::CallExpr>(&e->node)) {
    out.insert(call->intrinsic);
    for (const kir::Expr& a : call->args) CollectIntrinsics(a, out);
  } else if (const auto* b = std::get_if<kir::BinaryExpr>(&e->node)) {
    CollectIntrinsics(b->lhs, out);
    CollectIntrinsics(b->rhs, out);
  } else if (const auto* c = std::get_if<kir::CastExpr>(&e->node)) {
    CollectIntrinsics(c->operand, out);
  }
}

// ---- Kernels that together call every intrinsic of intrinsics.def ----

// Data movement: arguments, identity, CBs, NoC addressing and transfers, barriers, semaphores, DPRINT.
kir::Kernel DataflowCoverage() {
  KernelBuilder k("dataflow_coverage", KernelRole::DataMovement0, "dataflow_coverage.cpp");
  k.at(3);
  Expr a = k.let("a", k.get_arg_val(0u));
  Expr c = k.let("common", k.get_common_arg_val(1u));
  Expr lx = k.get_absolute_logical_x();
  Expr ly = k.get_absolute_logical_y();
  Expr x = k.my_x(0u);
  Expr y = k.my_y(0u);
  k.cb_reserve_back(0u, 1u);
  Expr reservable = k.cb_pages_reservable_at_back(0u, 1u);
  Expr available = k.cb_pages_available_at_front(1u, 1u);
  Expr w = k.get_write_ptr(0u);
  Expr r = k.get_read_ptr(1u);
  Expr tile = k.get_tile_size(0u);
  Expr self = k.get_noc_addr(x, y, w);
  Expr bank = k.get_noc_addr_from_bank_id(lx + ly, a, 1u);
  Expr mcast = k.get_noc_multicast_addr(x, y, x + 1u, y + 1u, w);
  k.noc_async_read(bank, w, tile);
  k.noc_async_write(r, self, 64u);
  k.noc_async_write_multicast(r, mcast, 64u, 4u);
  k.noc_async_write_multicast_loopback_src(r, mcast, 64u, 4u);
  k.noc_async_read_barrier();
  k.noc_async_write_barrier();
  k.noc_async_writes_flushed();
  k.noc_async_atomic_barrier();
  Expr sem = k.get_semaphore(0u);
  k.noc_semaphore_set(sem, 1u);
  k.noc_semaphore_wait(sem, 1u);
  k.noc_semaphore_wait_min(sem, reservable + available);
  k.noc_semaphore_inc(k.get_noc_addr(x, y, sem), 1u);
  k.noc_semaphore_set_remote(sem, self);
  k.noc_semaphore_set_multicast(sem, mcast, 4u);
  k.noc_semaphore_set_multicast_loopback_src(sem, mcast, 4u);
  k.cb_push_back(0u, 1u);
  k.cb_wait_front(1u, 1u);
  k.cb_pop_front(1u, 1u);
  k.dprint({"core ", lx, ",", ly, " says \"hi\"\t", k.cast(Type::I32, c), " ", k.cast(Type::U64, a) << KernelBuilder::u64(33),
            " ", available != 0u});
  return k.Build();
}

// Control flow and operators: mutable variables, while / break / continue, if / else, return, select,
// signed arithmetic, 64-bit values, logical operators, L1 loads and stores.
kir::Kernel ControlFlowCoverage() {
  KernelBuilder k("control_flow", KernelRole::DataMovement1, "control_flow.cpp");
  k.at(7);
  kir::VarId sum = k.var("sum", Type::U32, 0u);
  kir::VarId i = k.var("i", Type::I32, KernelBuilder::i32(-3));
  k.while_(k.ref(i) < KernelBuilder::i32(10), [&] {
    k.assign(i, k.ref(i) + KernelBuilder::i32(1));
    k.if_(k.ref(i) % KernelBuilder::i32(2) == KernelBuilder::i32(0), [&] { k.continue_(); });
    k.if_(k.ref(i) > KernelBuilder::i32(7), [&] { k.break_(); },
          [&] { k.assign(sum, k.ref(sum) + k.cast(Type::U32, k.ref(i) / KernelBuilder::i32(-2))); });
  });
  Expr l1 = k.let("l1", k.get_write_ptr(0u));
  k.store32(l1, (k.ref(sum) << 3u | k.ref(sum) >> 1u) ^ ~k.ref(sum));
  Expr loaded = k.load32(l1 + 4u);
  Expr flag = k.let("flag", (loaded != 0u && !(k.ref(sum) >= 5u)) || loaded == 7u);
  Expr wide = k.let("wide", k.cast(Type::U64, loaded) * KernelBuilder::u64(1ull << 33) + KernelBuilder::u64(5));
  // Mutable: a const one would print as constexpr and be substituted at its uses.
  Expr most_negative = k.ref(k.var("most_negative", Type::I32, KernelBuilder::i32(std::numeric_limits<int32_t>::min())));
  k.if_(flag, [&] { k.return_(); });
  k.store32(l1 + 8u, k.cast(Type::U32, wide >> KernelBuilder::u64(32)) - k.select(flag, 1u, 2u) + (3u - (4u - loaded)));
  k.for_("j", 2u, 9u, [&](Expr j) {
    Expr neg = k.let("neg", -(k.cast(Type::I32, j) - most_negative));
    k.store32(l1 + 12u, k.cast(Type::U32, neg) & 0xffu);
    kir::VarId sum_shadow = k.var("sum", Type::U32, j * 2u);  // a second "sum": printed under another name
    k.store32(l1 + 16u, k.ref(sum_shadow) + k.ref(sum));
  }, 3u);
  return k.Build();
}

// Compute: initialisation, DST handshake (both spellings), FPU ops, pack, every SFPU op, transpose_wh, bcast.
// matmul_tiles with its explicit transpose argument needs no mm_init here (see MatmulInitKernel).
kir::Kernel ComputeCoverage() {
  KernelBuilder k("compute_coverage", KernelRole::Compute, "compute_coverage.cpp");
  k.at(5);
  Expr n = k.let("n", k.get_arg_val(0u));
  k.binary_op_init_common(0u, 1u, 16u);
  k.unary_op_init_common(0u, 16u);
  k.init_sfpu(0u, 16u);
  k.for_("t", 0u, n, [&](Expr t) {
    k.cb_wait_front(0u, 1u);
    k.cb_wait_front(1u, 1u);
    k.tile_regs_acquire();
    k.add_tiles_init(0u, 1u);
    k.add_tiles(0u, 1u, 0u, 0u, 0u);
    k.sub_tiles_init(0u, 1u);
    k.sub_tiles(0u, 1u, 0u, 0u, 1u);
    k.mul_tiles_init(0u, 1u);
    k.mul_tiles(0u, 1u, 0u, 0u, 2u);
    k.copy_tile_to_dst_init_short(0u);
    k.copy_tile_init(0u);
    k.copy_tile(0u, 0u, 3u);
    k.matmul_tiles(0u, 1u, 0u, 0u, 4u, t & 1u);
    k.exp_tile_init();
    k.exp_tile(0u);
    k.log_tile_init();
    k.log_tile(1u);
    k.relu_tile_init();
    k.relu_tile(2u);
    k.recip_tile_init();
    k.recip_tile(3u);
    k.sqrt_tile_init();
    k.sqrt_tile(4u);
    k.gelu_tile_init();
    k.gelu_tile(5u);
    k.transpose_wh_init(0u, 16u);
    k.transpose_wh_init_short(1u);
    k.transpose_wh_tile(1u, 0u, 6u);
    k.binop_with_scalar_tile_init();
    k.add_unary_tile(0u, 0x3f000000u);  // 0.5f
    k.sub_unary_tile(1u, 0xbfa00000u);  // -1.25f
    k.mul_unary_tile(2u, t);
    k.div_unary_tile(3u, 0x3e800000u);  // x * 0.25f: tt-metal passes the divisor's reciprocal
    k.rsub_unary_tile(4u, 0x40000000u);
    k.binary_max_tile_init();
    k.binary_max_tile(0u, 1u, 0u);
    k.binary_min_tile_init();
    k.binary_min_tile(2u, 3u, 7u);
    k.add_bcast_rows_init_short(0u, 1u);
    k.add_tiles_bcast_rows(0u, 1u, 0u, 0u, 0u, 0u);  // bcast_row_idx 0 is printed as the 5-argument call
    k.sub_bcast_rows_init_short(0u, 1u);
    k.sub_tiles_bcast_rows(0u, 1u, 0u, 0u, 1u, 17u);
    k.mul_bcast_rows_init_short(0u, 1u);
    k.mul_tiles_bcast_rows(0u, 1u, 0u, 0u, 2u, t);
    k.add_bcast_cols_init_short(0u, 1u);
    k.add_tiles_bcast_cols(0u, 1u, 0u, 0u, 3u);
    k.sub_bcast_cols_init_short(0u, 1u);
    k.sub_tiles_bcast_cols(0u, 1u, 0u, 0u, 4u);
    k.mul_bcast_cols_init_short(0u, 1u);
    k.mul_tiles_bcast_cols(0u, 1u, 0u, 0u, 5u);
    k.add_bcast_scalar_init_short(0u, 1u);
    k.add_tiles_bcast_scalar(0u, 1u, 0u, 0u, 6u);
    k.sub_tiles_bcast_scalar_init_short(0u, 1u);
    k.sub_tiles_bcast_scalar(0u, 1u, 0u, 0u, 7u);
    k.mul_tiles_bcast_scalar_init_short(0u, 1u);
    k.mul_tiles_bcast_scalar(0u, 1u, 0u, 0u, 0u);
    k.tile_regs_commit();
    k.tile_regs_wait();
    k.cb_reserve_back(16u, 2u);
    k.pack_tile(0u, 16u);
    k.pack_tile_out_of_order(1u, 16u, 1u);
    k.cb_push_back(16u, 2u);
    k.tile_regs_release();
    k.acquire_dst();
    k.release_dst();
    k.cb_pop_front(0u, 1u);
    k.cb_pop_front(1u, 1u);
  });
  return k.Build();
}

kir::Kernel MatmulInitKernel() {
  KernelBuilder k("matmul_init", KernelRole::Compute, "matmul_init.cpp");
  k.mm_init(0u, 1u, 16u, 0u);
  k.mm_init_short(0u, 1u, 1u);
  k.matmul_tiles(0u, 1u, 0u, 0u, 0u, 1u);
  return k.Build();
}

// A reader / writer the way TensorAccessor(TensorAccessorArgs<N>(), base) lowers: page size
// get_compile_time_arg_val(N + 1), IsDram bit 1 of get_compile_time_arg_val(N); one-page transfers.
kir::Kernel AccessorCopy() {
  KernelBuilder k("accessor_copy", KernelRole::DataMovement0, "accessor_copy.cpp");
  k.at(4);
  Expr src = k.let("src_addr", k.get_arg_val(0u));
  Expr dst = k.let("dst_addr", k.get_arg_val(1u));
  Expr n = k.let("num_pages", k.get_arg_val(2u));
  Expr src_page = KernelBuilder::compile_time_arg(1);
  Expr src_dram = (KernelBuilder::compile_time_arg(0) >> 1u) & 1u;
  Expr dst_page = KernelBuilder::compile_time_arg(3);
  Expr dst_dram = k.cast(Type::U32, (KernelBuilder::compile_time_arg(2) & 2u) != 0u);
  k.for_("page", 0u, n, [&](Expr page) {
    k.cb_reserve_back(0u, 1u);
    Expr l1 = k.let("l1", k.get_write_ptr(0u));
    k.noc_async_read(kir::MakeCall(bc::Intrinsic::get_noc_addr_interleaved, {page, src, src_page, src_dram, 0u}), l1,
                     src_page);
    k.noc_async_read_barrier();
    // The last 16 bytes again, through get_noc_addr with an offset.
    Expr tail = k.get_noc_addr_interleaved(page, src, src_page, src_dram, src_page - 16u);
    k.noc_async_read(tail, l1 + src_page - 16u, 16u);
    k.noc_async_read_barrier();
    k.noc_async_write(l1, kir::MakeCall(bc::Intrinsic::get_noc_addr_interleaved, {page, dst, dst_page, dst_dram, 0u}),
                      dst_page);
    k.noc_async_write_barrier();
  });
  return k.Build();
}

TEST(MetaliumCppBackend, ComputeCoverageRoundTripsInstructionForInstruction) { ExpectSameInstructions(ComputeCoverage()); }

TEST(MetaliumCppBackend, DataflowCoverageRoundTripsInstructionForInstruction) { ExpectSameInstructions(DataflowCoverage()); }

TEST(MetaliumCppBackend, ControlFlowRoundTripsInstructionForInstruction) { ExpectSameInstructions(ControlFlowCoverage()); }

TEST(MetaliumCppBackend, Api2026DialectRoundTrips) {
  ExpectSameInstructions(ComputeCoverage(), {}, Dialect::Api2026);
  ExpectSameInstructions(DataflowCoverage(), {}, Dialect::Api2026);
  const std::string source = PrintKernelSource(ComputeCoverage(), In(Dialect::Api2026));
  EXPECT_NE(source.find("void kernel_main()"), std::string::npos);
  EXPECT_NE(source.find("#include \"api/compute/matmul.h\""), std::string::npos);
}

TEST(MetaliumCppBackend, EltwiseComputeKernelsRoundTripInstructionForInstruction) {
  for (EltwiseOp op : {EltwiseOp::Add, EltwiseOp::Sub, EltwiseOp::Mul}) ExpectSameInstructions(kernels::EltwiseCompute(op));
}

TEST(MetaliumCppBackend, EmptyKernelRoundTrips) { ExpectSameInstructions(testing::EmptyKernel()); }

TEST(MetaliumCppBackend, EveryIntrinsicIsPrintedAndParsedBack) {
  std::set<bc::Intrinsic> original, parsed;
  for (const kir::Kernel& kernel : {DataflowCoverage(), ControlFlowCoverage(), ComputeCoverage(), MatmulInitKernel()}) {
    CollectIntrinsics(kernel.body, original);
    CollectIntrinsics(Reparse(kernel, {}).body, parsed);
  }
  const kir::Kernel accessor = AccessorCopy();
  CollectIntrinsics(accessor.body, original);
  CollectIntrinsics(Reparse(accessor, {2, 2048, 2, 2048}).body, parsed);
  for (uint32_t i = 0; i < bc::kNumIntrinsics; ++i) {
    const auto intrinsic = static_cast<bc::Intrinsic>(i);
    EXPECT_EQ(original.count(intrinsic), 1u) << "no coverage kernel calls " << bc::Info(intrinsic).name;
    EXPECT_EQ(parsed.count(intrinsic), 1u) << bc::Info(intrinsic).name << " did not come back through the front end";
  }
}

TEST(MetaliumCppBackend, PrintsRealMetaliumCallsNotIrPseudoCalls) {
  std::string all;
  for (const kir::Kernel& kernel : {DataflowCoverage(), ComputeCoverage(), AccessorCopy(), kernels::Loopback()}) {
    all += PrintKernelSource(kernel);
  }
  for (const char* pseudo : {"get_noc_addr_interleaved", "pack_tile_out_of_order", "dprint_", "my_x(", "my_y("}) {
    EXPECT_EQ(all.find(pseudo), std::string::npos) << pseudo;
  }
  for (const char* real : {"get_arg_val<uint32_t>(0u)", "get_common_arg_val<uint32_t>(1u)", "my_x[0u]",
                           "pack_tile<true>(1u, 16u, 1u)", "get_noc_addr_from_bank_id<true>(",
                           "add_tiles_bcast_rows(0u, 1u, 0u, 0u, 0u);", "sub_tiles_bcast_rows(0u, 1u, 0u, 0u, 1u, 17u);",
                           "noc_semaphore_set(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(",
                           "DPRINT << \"core \" << ", "<< ENDL();", "matmul_tiles(0u, 1u, 0u, 0u, 4u, t & 1u);",
                           "namespace NAMESPACE {", "void MAIN {", "#include \"compute_kernel_api/eltwise_unary/exp.h\"",
                           "#include \"dataflow_api.h\"", "#include \"debug/dprint.h\""}) {
    EXPECT_NE(all.find(real), std::string::npos) << real;
  }
}

TEST(MetaliumCppBackend, FlattenedAddressesBecomeTensorAccessorsAndTileTransfers) {
  const std::string source = PrintKernelSource(AccessorCopy());
  SCOPED_TRACE(source);
  // Hoisted next to the base address, as a user would write it.
  EXPECT_NE(source.find("const uint32_t src_addr = get_arg_val_0;\n"
                        "    constexpr auto src_args = TensorAccessorArgs<0>();\n"
                        "    const auto src = TensorAccessor(src_args, src_addr);\n"),
            std::string::npos);
  EXPECT_NE(source.find("const auto dst = TensorAccessor(dst_args, dst_addr);"), std::string::npos);
  EXPECT_NE(source.find("noc_async_read_tile(page, src, l1);"), std::string::npos);
  EXPECT_NE(source.find("src.get_noc_addr(page, get_compile_time_arg_val(1) - 16u)"), std::string::npos);
  EXPECT_NE(source.find("noc_async_write_tile(page, dst, l1);"), std::string::npos);
}

TEST(MetaliumCppBackend, RuntimeDramFlagIsReportedWithItsLocation) {
  KernelBuilder k("bad", KernelRole::DataMovement0, "bad.cpp");
  Expr flag = k.let("flag", k.get_arg_val(1u));
  k.at(42, 7);
  k.get_noc_addr_interleaved(0u, k.get_arg_val(0u), 2048u, flag, 0u);
  try {
    PrintKernelSource(k.Build());
    FAIL() << "expected a CompileError";
  } catch (const compiler::CompileError& e) {
    EXPECT_EQ(e.where(), "bad.cpp:42:7");
    EXPECT_NE(e.message().find("is_dram"), std::string::npos) << e.message();
  }
}

TEST(MetaliumCppBackend, EmitKernelSourceDocumentsItsArguments) {
  tile::KernelPlan plan;
  plan.name = "writer";
  plan.role = KernelRole::DataMovement1;
  plan.kernel = kernels::EltwiseWriter();
  plan.compile_time_args = {7, 9};
  plan.runtime_arg_names = {"c_addr", "start", "count"};
  const std::string source = tile::EmitKernelSource(plan);
  EXPECT_EQ(source.rfind("// writer.cpp: the data movement kernel on RISCV_1 (NCRISC)", 0), 0u) << source;
  EXPECT_NE(source.find("// Compile-time args (the host passes them): 7, 9"), std::string::npos) << source;
  EXPECT_NE(source.find("// Runtime args: 0 c_addr, 1 start, 2 count"), std::string::npos) << source;
}

// ---- Kernels compared by running: the printed kernel and the original copy the same pages ----

struct CopyRun {
  std::vector<uint32_t> output;
  std::vector<uint32_t> input;
};

// Runs a one-core copy kernel (runtime args from `args(src, dst)`) over `pages` pages of `page_size` bytes.
CopyRun RunCopy(const kir::Kernel& kernel, const std::vector<uint32_t>& compile_args, uint32_t pages, uint32_t page_size,
                const std::function<std::vector<uint32_t>(uint32_t, uint32_t)>& args) {
  testing::DeviceFixture device;
  CommandQueue& cq = device->command_queue();
  auto src = CreateBuffer(InterleavedBufferConfig{device.device, uint64_t{pages} * page_size, page_size, BufferType::DRAM});
  auto dst = CreateBuffer(InterleavedBufferConfig{device.device, uint64_t{pages} * page_size, page_size, BufferType::DRAM});
  CopyRun run;
  run.input.resize(pages * page_size / 4);
  for (size_t i = 0; i < run.input.size(); ++i) run.input[i] = static_cast<uint32_t>(i * 2654435761u);
  EnqueueWriteBuffer(cq, src, run.input, false);
  Program program = CreateProgram();
  const CoreCoord core{0, 0};
  CreateCircularBuffer(program, core, CircularBufferConfig(page_size, {{0, DataFormat::Float16_b}}).set_page_size(0, page_size));
  KernelHandle handle = CreateKernel(program, kernel, core, DataMovementConfig{.compile_args = compile_args});
  SetRuntimeArgs(program, handle, core, args(src->address(), dst->address()));
  EnqueueProgram(cq, program, false);
  EnqueueReadBuffer(cq, dst, run.output, true);
  return run;
}

TEST(MetaliumCppBackend, AccessorKernelRunsTheSameAfterPrinting) {
  const std::vector<uint32_t> compile_args = {2, 2048, 2, 2048};
  auto args = [](uint32_t src, uint32_t dst) { return std::vector<uint32_t>{src, dst, 5}; };
  const CopyRun original = RunCopy(AccessorCopy(), compile_args, 5, 2048, args);
  const CopyRun printed = RunCopy(Reparse(AccessorCopy(), compile_args), compile_args, 5, 2048, args);
  EXPECT_EQ(original.output, original.input);  // the copy is right...
  EXPECT_EQ(printed.output, original.output);  // ...and the printed kernel does the same
}

TEST(MetaliumCppBackend, LoopbackRunsTheSameAfterPrinting) {
  auto args = [](uint32_t src, uint32_t dst) { return std::vector<uint32_t>{src, dst, 0, 6, 1024}; };
  const CopyRun original = RunCopy(kernels::Loopback(), {}, 6, 1024, args);
  const CopyRun printed = RunCopy(Reparse(kernels::Loopback(), {}), {}, 6, 1024, args);
  EXPECT_EQ(original.output, original.input);
  EXPECT_EQ(printed.output, original.output);
}

TEST(MetaliumCppBackend, ArgsDumpRunsTheSameAfterPrinting) {
  // The kernel writes its runtime args 1..3 and common args 0..1 into page 0 of the buffer at arg 0.
  auto run = [](const kir::Kernel& kernel) {
    testing::DeviceFixture device;
    CommandQueue& cq = device->command_queue();
    auto dst = CreateBuffer(InterleavedBufferConfig{device.device, 64 * 16, 64, BufferType::DRAM});
    Program program = CreateProgram();
    CreateCircularBuffer(program, CoreCoord{0, 0}, CircularBufferConfig(64, {{0, DataFormat::Float16_b}}).set_page_size(0, 64));
    KernelHandle h = CreateKernel(program, kernel, CoreCoord{0, 0}, DataMovementConfig{});
    SetRuntimeArgs(program, h, CoreCoord{0, 0}, {dst->address(), 11, 22, 33});
    SetCommonRuntimeArgs(program, h, {44, 55});
    EnqueueProgram(cq, program, false);
    std::vector<uint32_t> out;
    EnqueueReadBuffer(cq, dst, out, true);
    return std::vector<uint32_t>(out.begin(), out.begin() + 5);
  };
  const std::vector<uint32_t> expected = {11, 22, 33, 44, 55};
  EXPECT_EQ(run(testing::ArgsDumpKernel(3, 2)), expected);
  EXPECT_EQ(run(Reparse(testing::ArgsDumpKernel(3, 2), {})), expected);
}

}  // namespace
}  // namespace tilesim
