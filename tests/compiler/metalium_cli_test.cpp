// `tilesim compile-kernel`, run as a separate process: it compiles a Metalium kernel to a .tsb that
// `tilesim disasm` shows with its source lines, refuses to overwrite without --force, and reports compile
// errors with their location and exit code 2.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tilesim/bytecode/kernel_binary.h"
#include "tests/tools/cli_test_util.h"

namespace {

class CompileKernelCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tilesim_metalium_cli_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    kernel_ = dir_ / "writer_block.cpp";
    std::ofstream(kernel_) << "#include \"dataflow_api.h\"\n"
                              "void kernel_main() {\n"
                              "    constexpr uint32_t cb = get_compile_time_arg_val(0);\n"
                              "    for (uint32_t i = 0; i < BLOCK; ++i) {\n"
                              "        cb_wait_front(cb, 1);\n"
                              "        cb_pop_front(cb, 1);\n"
                              "    }\n"
                              "}\n";
    output_ = dir_ / "writer_block.tsb";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Compile(const std::string& extra = "") const {
    return "compile-kernel '" + kernel_.string() + "' --role writer -D BLOCK=4 --compile-args 16 -o '" + output_.string() +
           "'" + extra;
  }

  std::filesystem::path dir_, kernel_, output_;
};

TEST_F(CompileKernelCli, WritesBytecodeThatDisasmShowsWithSourceLines) {
  const Output compiled = RunCli(Compile());
  ASSERT_EQ(compiled.exit_code, 0) << compiled.err;
  const tilesim::bc::KernelBinary binary = tilesim::bc::LoadFromFile(output_.string());
  EXPECT_EQ(binary.name, "writer_block");
  EXPECT_EQ(binary.role, tilesim::KernelRole::DataMovement1);
  ASSERT_EQ(binary.files.size(), 1u);
  EXPECT_TRUE(std::filesystem::path(binary.files[0]).is_absolute());
  // From another directory the source is still found: the .tsb keeps its absolute path.
  const Output disasm = RunCli("disasm '" + output_.string() + "'", "/");
  ASSERT_EQ(disasm.exit_code, 0) << disasm.err;
  EXPECT_NE(disasm.out.find("writer_block.cpp:5:9  cb_wait_front(cb, 1);"), std::string::npos) << disasm.out;
  EXPECT_NE(disasm.out.find("cb_pop_front"), std::string::npos);
}

TEST_F(CompileKernelCli, RefusesToOverwriteWithoutForce) {
  ASSERT_EQ(RunCli(Compile()).exit_code, 0);
  std::ofstream(output_) << "keep me";
  const Output again = RunCli(Compile());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  std::ifstream in(output_);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "keep me");
  EXPECT_EQ(RunCli(Compile(" --force")).exit_code, 0);
  EXPECT_NO_THROW(tilesim::bc::LoadFromFile(output_.string()));
}

TEST_F(CompileKernelCli, CompileErrorsNameTheirLocationAndExitWithTwo) {
  std::ofstream(kernel_) << "void kernel_main() {\n    cb_push_back(0);\n}\n";
  const Output r = RunCli(Compile());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(kernel_.string() + ":2:5: 'cb_push_back' takes 2 arguments, 1 given"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(output_));
}

TEST_F(CompileKernelCli, MissingDefinesAndCompileArgsAreReported) {
  const Output no_define = RunCli("compile-kernel '" + kernel_.string() + "' --role writer --compile-args 16 -o '" + output_.string() + "'");
  EXPECT_EQ(no_define.exit_code, 2);
  EXPECT_NE(no_define.err.find("unknown name 'BLOCK'"), std::string::npos) << no_define.err;
  const Output no_args = RunCli("compile-kernel '" + kernel_.string() + "' --role writer -D BLOCK=1 -o '" + output_.string() + "'");
  EXPECT_EQ(no_args.exit_code, 2);
  EXPECT_NE(no_args.err.find("compile-time arg 0 requested, 0 given"), std::string::npos) << no_args.err;
  std::string bad_args_command = Compile();  // (the temporary directory's name holds the pid: find the flag)
  bad_args_command.replace(bad_args_command.find("--compile-args 16"), 17, "--compile-args 16,x");
  const Output bad_args = RunCli(bad_args_command);
  EXPECT_EQ(bad_args.exit_code, 2);
  EXPECT_NE(bad_args.err.find("'x' in --compile-args"), std::string::npos) << bad_args.err;
  const Output bad_role = RunCli("compile-kernel '" + kernel_.string() + "' --role gpu -o '" + output_.string() + "'");
  EXPECT_EQ(bad_role.exit_code, 2);
  EXPECT_NE(bad_role.err.find("unknown role 'gpu'"), std::string::npos) << bad_role.err;
}

}  // namespace
