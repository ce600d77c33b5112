// The kernel corpora: every good kernel compiles to IR that verifies and lowers to bytecode; every bad
// kernel fails with the CompileError its first line expects (location and message).
#include <string>

#include <gtest/gtest.h>

#include "compiler/metalium_test_util.h"
#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::metalium_test {
namespace {

TEST(MetaliumCorpusTest, GoodKernelsCompileAndLower) {
  const std::vector<std::string> files = CorpusFiles("good");
  ASSERT_GE(files.size(), 15u);
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    const CorpusHeader header = ReadHeader(ReadText(path));
    kir::Kernel kernel;
    try {
      kernel = CompileCorpusFile(path);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "does not compile: " << e.what();
      continue;
    }
    EXPECT_EQ(kernel.role, header.role);
    EXPECT_EQ(kernel.files.front(), path);
    EXPECT_TRUE(kir::VerifyKernel(kernel).empty());
    try {
      const bc::KernelBinary binary = compiler::LowerToBytecode(kernel, header.compile_args);
      EXPECT_TRUE(bc::Verify(binary).empty());
      EXPECT_GT(binary.code.size(), 1u);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "does not lower: " << e.what();
    }
  }
}

TEST(MetaliumCorpusTest, BadKernelsReportTheExpectedError) {
  const std::vector<std::string> files = CorpusFiles("bad");
  ASSERT_GE(files.size(), 30u);
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    const CorpusHeader header = ReadHeader(ReadText(path));
    ASSERT_FALSE(header.expect.empty()) << "the first line must be '// expect: LINE:COL: message'";
    const size_t second_colon = header.expect.find(':', header.expect.find(':') + 1);
    ASSERT_NE(second_colon, std::string::npos);
    const std::string where = path + ":" + header.expect.substr(0, second_colon);
    const std::string message = Trim(header.expect.substr(second_colon + 1));
    try {
      const kir::Kernel kernel = CompileCorpusFile(path);
      compiler::LowerToBytecode(kernel, header.compile_args);
      ADD_FAILURE() << "compiled without an error";
    } catch (const compiler::CompileError& e) {
      EXPECT_EQ(e.where(), where);
      EXPECT_NE(e.message().find(message), std::string::npos) << "message: " << e.message();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a CompileError: " << e.what();
    }
  }
}

}  // namespace
}  // namespace tilesim::metalium_test
