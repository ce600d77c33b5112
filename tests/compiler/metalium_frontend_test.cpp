// The Metalium front end's stages, one behaviour per test: preprocessor (defines, macros, includes),
// entry points, compile-time args and the TensorAccessorArgs layout, kernel API mappings, names, files and
// source locations. Checks read the Kernel IR the front end produces (compiler::Print) or its errors.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "compiler/metalium_test_util.h"
#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::metalium_test {
namespace {

kir::Kernel Parse(const std::string& source, KernelRole role = KernelRole::DataMovement0,
                  std::map<std::string, std::string> defines = {}) {
  metalium::FrontEndOptions options;
  options.role = role;
  options.defines = std::move(defines);
  return metalium::ParseKernel({"test_kernel.cpp", source}, options);
}

kir::Kernel ParseWith(const std::string& source, std::vector<uint32_t> compile_args, KernelRole role = KernelRole::DataMovement0) {
  metalium::FrontEndOptions options;
  options.role = role;
  return metalium::ParseKernel({"test_kernel.cpp", source}, options, compile_args);
}

// The CompileError of compiling `source` ("" if it compiles).
std::string ErrorOf(const std::string& source, KernelRole role = KernelRole::DataMovement0) {
  try {
    Parse(source, role);
  } catch (const compiler::CompileError& e) {
    return e.what();
  }
  return "";
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(MetaliumFrontendTest, DefinesFromTheOptionsSelectConditionalCode) {
  const std::string source = R"(
#if TILES == 4 && defined(FAST)
#define STEP 2
#elif TILES > 4
#define STEP 3
#else
#define STEP 1
#endif
void kernel_main() { cb_push_back(0, STEP); }
)";
  EXPECT_TRUE(Contains(Print(Parse(source, KernelRole::DataMovement0, {{"TILES", "4"}, {"FAST", ""}})), "cb_push_back(0, 2)"));
  EXPECT_TRUE(Contains(Print(Parse(source, KernelRole::DataMovement0, {{"TILES", "8"}})), "cb_push_back(0, 3)"));
  EXPECT_TRUE(Contains(Print(Parse(source)), "cb_push_back(0, 1)"));
}

TEST(MetaliumFrontendTest, MacrosStringizePasteAndTakeVariadicArguments) {
  const kir::Kernel k = Parse(R"(
#define NAME(x) #x
#define GLUE(a, b) a##b
#define CALL(f, ...) f(__VA_ARGS__)
#define TWICE(x) ((x) + (x))
void kernel_main() {
  uint32_t GLUE(tile_, count) = TWICE(3);
  CALL(cb_reserve_back, 1, tile_count);
  DPRINT << NAME(tile_count + 1) << ENDL();
}
)");
  EXPECT_TRUE(Contains(Print(k), "cb_reserve_back(1, tile_count)"));
  ASSERT_EQ(k.strings.size(), 1u);
  EXPECT_EQ(k.strings[0], "tile_count + 1");
}

TEST(MetaliumFrontendTest, KernelApiHeadersAreKnownOtherIncludesAreErrors) {
  EXPECT_EQ(ErrorOf(R"(
#include <cstdint>
#include <stdint.h>
#include "dataflow_api.h"
#include "api/dataflow/dataflow_api.h"
#include "compute_kernel_api/eltwise_binary.h"
#include "api/compute/matmul.h"
#include "debug/dprint.h"
#include "hostdevcommon/common_values.hpp"
void kernel_main() {}
)"),
            "");
  EXPECT_TRUE(Contains(ErrorOf("#include \"my_helpers.h\"\nvoid kernel_main() {}"), "test_kernel.cpp:1:1: unknown include \"my_helpers.h\""));
  EXPECT_TRUE(Contains(ErrorOf("#include <vector>\nvoid kernel_main() {}"), "unknown include <vector>"));
}

TEST(MetaliumFrontendTest, LocalHeadersAreReadAndNamedInLocations) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tilesim_metalium_include_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "helpers.h") << "#pragma once\ninline uint32_t twice(uint32_t x) {\n  return x * 2;\n}\n"
                                             "inline void broken() { undefined_call(); }\n";
  std::ofstream(dir / "kernel.cpp") << "#include \"sub/helpers.h\"\n#include \"sub/helpers.h\"\n"
                                       "void kernel_main() { cb_push_back(0, twice(2)); broken(); }\n";
  try {
    metalium::ParseKernelFile((dir / "kernel.cpp").string(), {});
    ADD_FAILURE() << "expected an error inside the header";
  } catch (const compiler::CompileError& e) {
    EXPECT_EQ(e.where(), (dir / "sub" / "helpers.h").lexically_normal().string() + ":5:24");
    EXPECT_TRUE(Contains(e.message(), "unknown function 'undefined_call'"));
  }
  std::ofstream(dir / "kernel.cpp") << "#include \"sub/helpers.h\"\nvoid kernel_main() { cb_push_back(0, twice(2)); }\n";
  const kir::Kernel k = metalium::ParseKernelFile((dir / "kernel.cpp").string(), {});
  ASSERT_EQ(k.files.size(), 2u);
  EXPECT_EQ(k.files[1], (dir / "sub" / "helpers.h").lexically_normal().string());
  std::filesystem::remove_all(dir);
}

TEST(MetaliumFrontendTest, BothEntryPointSpellingsCompile) {
  EXPECT_EQ(ErrorOf("namespace NAMESPACE { void MAIN { tile_regs_acquire(); } }", KernelRole::Compute), "");
  EXPECT_EQ(ErrorOf("void kernel_main() { tile_regs_acquire(); }", KernelRole::Compute), "");
  EXPECT_TRUE(Contains(ErrorOf("void kernel_main(uint32_t x) {}"), "kernel_main takes no parameters"));
  EXPECT_TRUE(Contains(ErrorOf("void helper() {}"), "test_kernel.cpp:1:1: no kernel entry point"));
}

TEST(MetaliumFrontendTest, CompileTimeArgsStayInTheIrUnlessGiven) {
  const std::string source = "void kernel_main() { constexpr uint32_t n = get_compile_time_arg_val(1); cb_push_back(0, n + 1); }";
  EXPECT_TRUE(Contains(Print(Parse(source)), "cb_push_back(0, get_compile_time_arg_val(1) + int32_t(1))"));
  EXPECT_TRUE(Contains(Print(ParseWith(source, {9, 41})), "cb_push_back(0, 42)"));
  EXPECT_THROW(ParseWith(source, {9}), compiler::CompileError);  // arg 1 of one
}

TEST(MetaliumFrontendTest, InterleavedAccessorArgsTakeTwoCompileTimeArgs) {
  const std::string source = R"(
void kernel_main() {
  constexpr auto a = TensorAccessorArgs<0>();
  constexpr auto b = TensorAccessorArgs<a.next_compile_time_args_offset()>();
  static_assert(a.num_compile_time_args() == 2 && b.next_compile_time_args_offset() == 4);
  const auto s = TensorAccessor(b, get_arg_val<uint32_t>(0));
  noc_async_read_page(5, s, 1024);
}
)";
  // Without values: is_dram and the page size stay compile-time args 2 and 3.
  const std::string unbound = Print(Parse(source));
  EXPECT_TRUE(Contains(unbound, "get_noc_addr_interleaved(5, s.bank_base_address, get_compile_time_arg_val(3), "
                                "(get_compile_time_arg_val(2) >> 1) & 1, 0)"))
      << unbound;
  // With values: an L1 buffer (config 0) of 512-byte pages after a DRAM one.
  std::vector<uint32_t> args;
  metalium::AppendInterleavedAccessorArgs(args, true, 2048);
  metalium::AppendInterleavedAccessorArgs(args, false, 512);
  EXPECT_EQ(args, (std::vector<uint32_t>{metalium::kArgConfigIsDram, 2048, 0, 512}));
  const std::string ir = Print(ParseWith(source, args));
  EXPECT_TRUE(Contains(ir, ", 512, 0, 0), 1024, 512)")) << ir;
}

TEST(MetaliumFrontendTest, RuntimePageSizeComesFromACommonRuntimeArg) {
  const std::string source = R"(
void kernel_main() {
  constexpr auto a = TensorAccessorArgs<0, 3>();
  static_assert(a.next_compile_time_args_offset() == 1 && a.num_common_runtime_args() == 1);
  cb_push_back(0, a.get_aligned_page_size());
}
)";
  const std::vector<uint32_t> args = {metalium::kArgConfigIsDram | metalium::kArgConfigRuntimePageSize};
  const std::string ir = Print(ParseWith(source, args));
  EXPECT_TRUE(Contains(ir, "get_common_arg_val(3)")) << ir;
}

TEST(MetaliumFrontendTest, ShardedAccessorArgsAreRefused) {
  const std::string source = "void kernel_main() { constexpr auto a = TensorAccessorArgs<1>(); }";
  try {
    ParseWith(source, {0, metalium::kArgConfigSharded | metalium::kArgConfigIsDram});
    ADD_FAILURE() << "a sharded config compiled";
  } catch (const compiler::CompileError& e) {
    EXPECT_TRUE(Contains(e.message(), "sharded")) << e.what();
  }
}

TEST(MetaliumFrontendTest, FiveArgumentMatmulUsesTheTransposeGivenAtInit) {
  const std::string ir = Print(Parse(R"(
void kernel_main() {
  matmul_init(0, 1, 1);
  matmul_tiles(0, 1, 0, 0, 0);
  matmul_tiles(0, 1, 0, 0, 0, 0);
}
)",
                                     KernelRole::Compute));
  EXPECT_TRUE(Contains(ir, "matmul_transpose = 1;")) << ir;
  EXPECT_TRUE(Contains(ir, "matmul_tiles(0, 1, 0, 0, 0, matmul_transpose);")) << ir;
  EXPECT_TRUE(Contains(ir, "matmul_tiles(0, 1, 0, 0, 0, 0);")) << ir;
}

TEST(MetaliumFrontendTest, OldCircularBufferNamesAndNocIndexHaveTheirValues) {
  const std::string source = R"(
void kernel_main() {
  static_assert(tt::CB::c_in1 == 1 && tt::CB::c_out0 == 16 && tt::CB::c_intermed2 == 26);
  static_assert(tt::CBIndex::c_31 == 31 && CBIndex::c_5 == 5);
  static_assert(noc_index == EXPECTED_NOC);
}
)";
  EXPECT_NO_THROW(Parse(source, KernelRole::DataMovement0, {{"EXPECTED_NOC", "0"}}));
  EXPECT_NO_THROW(Parse(source, KernelRole::DataMovement1, {{"EXPECTED_NOC", "1"}}));
}

TEST(MetaliumFrontendTest, OwnCoreNocAddressUsesTheRolesNoc) {
  const std::string ir = Print(Parse("void kernel_main() { uint64_t a = get_noc_addr(4096); }", KernelRole::DataMovement1));
  EXPECT_TRUE(Contains(ir, "get_noc_addr(my_x(1), my_y(1), 4096)")) << ir;
}

TEST(MetaliumFrontendTest, RoleChecksNameTheCallAndTheKernel) {
  EXPECT_TRUE(Contains(ErrorOf("void kernel_main() { add_tiles(0, 1, 0, 0, 0); }"),
                       "test_kernel.cpp:1:22: 'add_tiles' is not available in a reader kernel (it is a compute API)"));
  EXPECT_TRUE(Contains(ErrorOf("void kernel_main() { uint32_t p = get_write_ptr(16); }", KernelRole::Compute),
                       "'get_write_ptr' is not available in a compute kernel"));
}

TEST(MetaliumFrontendTest, NamesAndFilesOfTheKernel) {
  const kir::Kernel k = metalium::ParseKernel({"kernels/reader_tiles.cpp", "void kernel_main() {}"}, {});
  EXPECT_EQ(k.name, "reader_tiles");
  EXPECT_EQ(k.files, std::vector<std::string>{"kernels/reader_tiles.cpp"});
  metalium::FrontEndOptions named;
  named.name = "custom";
  EXPECT_EQ(metalium::ParseKernel({"a.cpp", "void kernel_main() {}"}, named).name, "custom");
  try {
    metalium::ParseKernelFile("/nonexistent/kernel.cpp", {});
    ADD_FAILURE();
  } catch (const compiler::CompileError& e) {
    EXPECT_EQ(e.where(), "/nonexistent/kernel.cpp");
  }
}

TEST(MetaliumFrontendTest, BytecodeSourceMapPointsAtTheKernelLines) {
  const kir::Kernel k = Parse("void kernel_main() {\n  uint32_t n = get_arg_val<uint32_t>(0);\n\n  cb_push_back(3, n);\n}\n");
  const bc::KernelBinary binary = compiler::LowerToBytecode(k);
  bool saw_push = false;
  for (uint32_t pc = 0; pc < binary.code.size(); ++pc) {
    if (binary.code[pc].op != bc::Opcode::CALL) continue;
    const std::string import = binary.imports.at(binary.code[pc].imm);
    const bc::SourceLocation loc = binary.LocationOf(pc);
    if (import == "cb_push_back") {
      saw_push = true;
      EXPECT_EQ(loc.line, 4u);
      EXPECT_EQ(loc.column, 3u);
    }
    if (import == "get_arg_val") {
      EXPECT_EQ(loc.line, 2u);
    }
  }
  EXPECT_TRUE(saw_push);
}

TEST(MetaliumFrontendTest, IfConstexprWithoutCompileTimeArgsKeepsTheCondition) {
  const std::string source = "void kernel_main() { if constexpr (get_compile_time_arg_val(0) == 2) { cb_push_back(0, 1); } }";
  EXPECT_TRUE(Contains(Print(Parse(source)), "if (get_compile_time_arg_val(0) == int32_t(2))"));
  EXPECT_FALSE(Contains(Print(ParseWith(source, {3})), "cb_push_back"));  // the branch not taken is gone
}

TEST(MetaliumFrontendTest, NocEndpointsMustMatchTheDirection) {
  const std::string error = ErrorOf(R"(
void kernel_main() {
  constexpr auto args = TensorAccessorArgs<0>();
  const auto s = TensorAccessor(args, 0, 64);
  experimental::Noc noc;
  experimental::CircularBuffer cb(0);
  noc.async_read(cb, s, 64, {.offset_bytes = 0}, {.page_id = 0});
}
)");
  EXPECT_TRUE(Contains(error, "Noc::async_read reads from a TensorAccessor into a CircularBuffer")) << error;
}

TEST(MetaliumFrontendTest, ByteOrderMarkAndWindowsLineEndingsAreAccepted) {
  const std::string source =
      "\xEF\xBB\xBF#include \"dataflow_api.h\"\r\n#define PAGES \\\r\n  3\r\nvoid kernel_main() {\r\n"
      "  cb_push_back(0, PAGES);\r\n}\r\n";
  const kir::Kernel k = Parse(source);
  EXPECT_TRUE(Contains(Print(k), "cb_push_back(0, 3)")) << Print(k);
}

TEST(MetaliumFrontendTest, VariablesNamedLikeTemplatesAreCompared) {
  // `max < n && n > 0` is a comparison once `max` is a variable; std::max still means the function.
  const std::string ir = Print(Parse(R"(
void kernel_main() {
  uint32_t max = get_arg_val<uint32_t>(0), n = 2;
  if (max < n && n > 0) cb_push_back(0, std::max(max, n));
  cb_push_back<0>(1, get_noc_multicast_addr<0>(1, 1, 2, 2, max) != 0);
}
)"));
  EXPECT_TRUE(Contains(ir, "if ((max < n) && (n > int32_t(0)))")) << ir;
  EXPECT_TRUE(Contains(ir, "(max_a > max_b) ? max_a : max_b")) << ir;
  EXPECT_TRUE(Contains(ir, "get_noc_multicast_addr(1, 1, 2, 2, max)")) << ir;
}

}  // namespace
}  // namespace tilesim::metalium_test
