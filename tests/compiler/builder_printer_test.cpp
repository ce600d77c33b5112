// KernelBuilder output, checked through the printer against golden text, and the IR details the text
// does not show (locations, interned strings, variable table).
#include <gtest/gtest.h>

#include <stdexcept>

#include "tilesim/compiler.h"
#include "tilesim/kernel_builder.h"

namespace tilesim::kir {
namespace {

TEST(KernelBuilderPrint, ReaderFromTheHeaderExample) {
  KernelBuilder k("reader_unary", KernelRole::DataMovement0);
  Expr src_addr = k.let("src_addr", k.get_arg_val(0));
  Expr n_tiles = k.let("n_tiles", k.get_arg_val(1));
  k.for_("i", 0, n_tiles, [&](Expr i) {
    k.cb_reserve_back(0, 1);
    Expr l1 = k.get_write_ptr(0);
    k.noc_async_read(k.get_noc_addr_interleaved(i, src_addr, 2048, 1, 0), l1, 2048);
    k.noc_async_read_barrier();
    k.cb_push_back(0, 1);
  });
  EXPECT_EQ(Print(k.Build()),
            "// reader kernel reader_unary\n"
            "void kernel_main() {\n"
            "  const uint32_t get_arg_val_0 = get_arg_val(0);\n"
            "  const uint32_t src_addr = get_arg_val_0;\n"
            "  const uint32_t get_arg_val_2 = get_arg_val(1);\n"
            "  const uint32_t n_tiles = get_arg_val_2;\n"
            "  for (uint32_t i = 0; i < n_tiles; i += 1) {\n"
            "    cb_reserve_back(0, 1);\n"
            "    const uint32_t get_write_ptr_5 = get_write_ptr(0);\n"
            "    const uint64_t get_noc_addr_interleaved_6 = get_noc_addr_interleaved(i, src_addr, 2048, 1, 0);\n"
            "    noc_async_read(get_noc_addr_interleaved_6, get_write_ptr_5, 2048);\n"
            "    noc_async_read_barrier();\n"
            "    cb_push_back(0, 1);\n"
            "  }\n"
            "}\n");
}

TEST(KernelBuilderPrint, ControlFlowAndMutableVariables) {
  KernelBuilder k("control", KernelRole::Compute);
  VarId sum = k.var("sum", Type::U64, uint64_t{0});
  VarId left = k.var("left", Type::I32, -5);
  k.while_(k.ref(left) < KernelBuilder::i32(0), [&] {  // a plain 0 is uint32_t: the compare would be unsigned
    k.if_(
        (k.ref(left) % 2) == 0,
        [&] { k.assign(sum, k.ref(sum) + k.cast(Type::U64, k.ref(left))); },
        [&] { k.continue_(); });
    k.assign(left, k.ref(left) + 1);
    k.if_(k.ref(sum) > uint64_t{100}, [&] { k.break_(); });
  });
  k.store32(64u, k.select(k.ref(sum) != uint64_t{0}, 1u, 2u));
  k.return_();
  EXPECT_EQ(Print(k.Build()),
            "// compute kernel control\n"
            "void kernel_main() {\n"
            "  uint64_t sum = 0ull;\n"
            "  int32_t left = int32_t(-5);\n"
            "  while (left < int32_t(0)) {\n"
            "    if ((left % 2) == 0) {\n"
            "      sum = sum + (uint64_t)left;\n"
            "    } else {\n"
            "      continue;\n"
            "    }\n"
            "    left = left + 1;\n"
            "    if (sum > 100ull) {\n"
            "      break;\n"
            "    }\n"
            "  }\n"
            "  store32(64, (sum != 0ull) ? 1 : 2);\n"
            "  return;\n"
            "}\n");
}

TEST(KernelBuilderPrint, LoadsCompileTimeArgsAndUnaryOperators) {
  KernelBuilder k("misc", KernelRole::DataMovement1);
  Expr base = k.let("base", KernelBuilder::compile_time_arg(2));
  Expr word = k.load32(base + 4u);
  k.store32(base, ~word ^ -k.cast(Type::I32, word));
  k.if_(!(word == 0u) && (word >> 3u) != 1u, [&] { k.store32(base, KernelBuilder::u64(1) << 40u); });
  EXPECT_EQ(Print(k.Build()),
            "// writer kernel misc\n"
            "void kernel_main() {\n"
            "  const uint32_t base = get_compile_time_arg_val(2);\n"
            "  const uint32_t load32_1 = load32(base + 4);\n"
            "  store32(base, ~load32_1 ^ -(int32_t)load32_1);\n"
            "  if (!(load32_1 == 0) && ((load32_1 >> 3) != 1)) {\n"
            "    store32(base, 1ull << 40);\n"
            "  }\n"
            "}\n");
}

TEST(KernelBuilderPrint, DprintInternsStringsAndPicksThePrinterByType) {
  KernelBuilder k("printer", KernelRole::DataMovement0);
  Expr x = k.let("x", k.get_arg_val(0));
  k.dprint({"x=", x, " neg=", k.cast(Type::I32, x), " wide=", k.cast(Type::U64, x), "x=", 7});
  Kernel kernel = k.Build();
  ASSERT_EQ(kernel.strings.size(), 3u);  // "x=" printed twice, stored once
  EXPECT_EQ(kernel.strings[0], "x=");
  EXPECT_EQ(kernel.strings[1], " neg=");
  EXPECT_EQ(kernel.strings[2], " wide=");
  EXPECT_EQ(Print(kernel),
            "// reader kernel printer\n"
            "void kernel_main() {\n"
            "  const uint32_t get_arg_val_0 = get_arg_val(0);\n"
            "  const uint32_t x = get_arg_val_0;\n"
            "  dprint_str(0) /* \"x=\" */;\n"
            "  dprint_u32(x);\n"
            "  dprint_str(1) /* \" neg=\" */;\n"
            "  dprint_i32((int32_t)x);\n"
            "  dprint_str(2) /* \" wide=\" */;\n"
            "  dprint_u64((uint64_t)x);\n"
            "  dprint_str(0) /* \"x=\" */;\n"
            "  dprint_u32(7);\n"
            "  dprint_endl();\n"
            "}\n");
}

TEST(KernelBuilderPrint, ForLoopVariableTakesTheCommonTypeOfItsBounds) {
  KernelBuilder k("wide_loop", KernelRole::DataMovement0);
  k.for_("j", 0, KernelBuilder::u64(10), [&](Expr j) { k.store32(0u, k.cast(Type::U32, j)); }, 2u);
  EXPECT_EQ(Print(k.Build()),
            "// reader kernel wide_loop\n"
            "void kernel_main() {\n"
            "  for (uint64_t j = 0; j < 10ull; j += 2) {\n"
            "    store32(0, (uint32_t)j);\n"
            "  }\n"
            "}\n");
}

TEST(KernelBuilder, AttachesTheCurrentLocationAndSourceFile) {
  KernelBuilder k("located", KernelRole::DataMovement0, "kernels/reader.cpp");
  k.at(3, 7);
  Expr n = k.let("n", k.get_arg_val(0));
  k.at(9);
  k.store32(0u, n);
  Kernel kernel = k.Build();
  ASSERT_EQ(kernel.files.size(), 1u);
  EXPECT_EQ(kernel.files[0], "kernels/reader.cpp");
  const auto& stmts = std::get<SeqStmt>(kernel.body->node).stmts;
  ASSERT_EQ(stmts.size(), 3u);
  EXPECT_EQ(stmts[0]->location.line, 3u);
  EXPECT_EQ(stmts[0]->location.column, 7u);
  const auto& call = std::get<LetStmt>(stmts[0]->node).value;
  EXPECT_EQ(call->location.line, 3u);
  EXPECT_EQ(stmts[2]->location.line, 9u);
  EXPECT_EQ(stmts[2]->location.column, 0u);
  EXPECT_EQ(compiler::DescribeLocation(kernel, stmts[0]->location), "kernels/reader.cpp:3:7");
  EXPECT_EQ(compiler::DescribeLocation(kernel, stmts[2]->location), "kernels/reader.cpp:9");
}

TEST(KernelBuilder, WithoutASourceFileLocationsNameTheKernel) {
  KernelBuilder k("anonymous", KernelRole::DataMovement0);
  k.at(4, 2);
  k.store32(0u, 1u);
  Kernel kernel = k.Build();
  const auto& stmts = std::get<SeqStmt>(kernel.body->node).stmts;
  EXPECT_EQ(compiler::DescribeLocation(kernel, stmts[0]->location), "<anonymous>:4:2");
}

TEST(KernelBuilder, RecordsConstnessAndTypesOfVariables) {
  KernelBuilder k("vars", KernelRole::DataMovement0);
  k.let("c", Expr(-1));
  k.var("m", Type::U64, Expr());  // no initialiser: starts at zero
  Kernel kernel = k.Build();
  ASSERT_EQ(kernel.vars.size(), 2u);
  EXPECT_TRUE(kernel.vars[0].is_const);
  EXPECT_EQ(kernel.vars[0].type, Type::I32);
  EXPECT_FALSE(kernel.vars[1].is_const);
  EXPECT_EQ(kernel.vars[1].type, Type::U64);
  EXPECT_NE(Print(kernel).find("uint64_t m = 0ull;"), std::string::npos);
}

TEST(KernelBuilder, CannotBeUsedAfterBuild) {
  KernelBuilder k("done", KernelRole::DataMovement0);
  k.Build();
  EXPECT_THROW(k.store32(0u, 1u), std::logic_error);
  EXPECT_THROW(k.Build(), std::logic_error);
}

TEST(KernelBuilder, ABodyThatThrowsLeavesTheBuilderUsable) {
  KernelBuilder k("recover", KernelRole::DataMovement0);
  EXPECT_THROW(k.if_(true, [&] { throw std::runtime_error("front end gave up"); }), std::runtime_error);
  k.store32(0u, 1u);
  EXPECT_EQ(Print(k.Build()),
            "// reader kernel recover\n"
            "void kernel_main() {\n"
            "  store32(0, 1);\n"
            "}\n");
}

TEST(KernelPrinter, ShowsPlaceholdersForBrokenIr) {
  Kernel kernel;
  kernel.name = "broken";
  kernel.body = MakeStmt(SeqStmt{{nullptr, MakeStmt(AssignStmt{VarId{4}, Expr()})}});
  EXPECT_EQ(Print(kernel),
            "// reader kernel broken\n"
            "void kernel_main() {\n"
            "  <null>;\n"
            "  <var 4> = <null>;\n"
            "}\n");
}

}  // namespace
}  // namespace tilesim::kir
