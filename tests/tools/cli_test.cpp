// The `tilesim` command line, run as a separate process: help, version, JSON output, exit codes, disasm.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tilesim/compiler.h"
#include "tilesim/kernel_builder.h"
#include "tests/tools/cli_test_util.h"

namespace {

TEST(CliTest, HelpListsTheSubcommands) {
  const Output o = RunCli("--help");
  EXPECT_EQ(o.exit_code, 0);
  for (const char* word : {"run", "samples", "disasm"}) EXPECT_NE(o.out.find(word), std::string::npos) << word;
}

TEST(CliTest, VersionPrintsTheProjectVersion) {
  const Output o = RunCli("--version");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.out.find("0.1.0"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("bytecode format"), std::string::npos) << o.out;
}

TEST(CliTest, SamplesListsWorkloadsAndSamples) {
  const Output o = RunCli("samples");
  EXPECT_EQ(o.exit_code, 0);
  for (const char* word : {"gemm", "eltwise_add", "loopback", "gemm_multicore"}) {
    EXPECT_NE(o.out.find(word), std::string::npos) << word;
  }
}

TEST(CliTest, GemmJsonIsOneObjectWithTheFields) {
  const Output o = RunCli("run gemm --M 64 --N 96 --K 64 --grid 2x2 --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);  // throws if stdout holds anything else
  ASSERT_TRUE(j.is_object());
  for (const char* key : {"ok", "pcc", "max_abs_err", "mean_abs_err", "emulator_ms", "reference_ms", "threads", "cores",
                          "M", "N", "K", "fidelity", "grid"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["M"], 64);
  EXPECT_EQ(j["N"], 96);
  EXPECT_EQ(j["cores"], 4);
  EXPECT_GE(j["pcc"].get<double>(), 0.999);
}


TEST(CliTest, GemmPerfJsonAddsTheTimingFields) {
  const Output o = RunCli("run gemm --M 64 --N 96 --K 64 --grid 2x2 --perf --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["ok"], true);
  // 2 x 3 output tiles, 2 K tiles: 12 tile matmuls at HiFi4's 64 cycles each (profiles/wormhole_b0.json).
  EXPECT_EQ(j["fpu_ideal_cycles"].get<double>(), 12 * 64);
  EXPECT_EQ(j["compute_cores"], 4);
  const double cycles = j["cycles"].get<double>();
  EXPECT_GT(cycles, 12 * 64 / 4);  // no faster than the FPU alone
  EXPECT_NEAR(j["fpu_util"].get<double>(), 12 * 64 / (4 * cycles), 1e-12);
  EXPECT_EQ(j["kernels"].size(), 3u * 4u);  // reader, compute and writer on every core
  EXPECT_GT(j["replay_ms"].get<double>(), 0.0);
}
TEST(CliTest, HumanSummaryNamesShapeAndVerdict) {
  const Output o = RunCli("run eltwise_add --rows 64 --cols 64 --grid 2x1 --threads 1");
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("PASS"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("64x64"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("ms"), std::string::npos) << o.out;
}

TEST(CliTest, LoopbackIsBitExact) {
  const Output o = RunCli("run loopback --size 65536 --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(nlohmann::json::parse(o.out)["exact_match"], true);
}

TEST(CliTest, BadArgumentsExitWith2AndSayWhy) {
  for (const char* args : {"run foo", "run gemm --grid 9x", "run gemm --M 0", "run gemm --fidelity foo",
                           "run gemm --bogus", "frobnicate"}) {
    const Output o = RunCli(args);
    EXPECT_EQ(o.exit_code, 2) << args;
    EXPECT_FALSE(o.err.empty()) << args;
    EXPECT_TRUE(o.out.empty()) << args << ": " << o.out;
  }
  EXPECT_NE(RunCli("run foo").err.find("unknown workload 'foo'"), std::string::npos);
  EXPECT_NE(RunCli("run gemm --fidelity foo").err.find("foo"), std::string::npos);
}

TEST(CliTest, FailedValidationExitsWith1) {
  // A PCC of exactly 1 is out of reach for a bf16 GEMM.
  const Output o = RunCli("run gemm --M 32 --N 32 --K 32 --min-pcc 1");
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("FAIL"), std::string::npos) << o.out;
}

TEST(CliTest, DisasmPrintsInstructionsAndSourceLines) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = "tilesim_cli_test_kernel_" + std::to_string(::getpid());
  const std::string source = (dir / (stem + ".cpp")).string();
  const std::string binary = (dir / (stem + ".tsb")).string();
  {
    std::ofstream out(source);
    out << "// line 1\n// line 2\nuint32_t n = get_arg_val<uint32_t>(0);  // the line the kernel points at\n";
  }
  tilesim::kir::KernelBuilder k("disasm_me", tilesim::KernelRole::DataMovement0, source);
  k.at(3, 1);
  k.let("n", k.get_arg_val(0u));
  tilesim::bc::SaveToFile(tilesim::compiler::LowerToBytecode(k.Build()), binary);
  const Output o = RunCli(binary);
  EXPECT_EQ(o.exit_code, 2);  // not a subcommand
  const Output d = RunCli("disasm " + binary);
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(d.out.find("disasm_me"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("get_arg_val"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("HALT"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("the line the kernel points at"), std::string::npos) << d.out;
  std::filesystem::remove(source);
  std::filesystem::remove(binary);
}

TEST(CliTest, DisasmOfAMissingOrCorruptFileExitsWith2) {
  EXPECT_EQ(RunCli("disasm /nonexistent/kernel.tsb").exit_code, 2);
  const std::string junk =
      (std::filesystem::temp_directory_path() / ("tilesim_cli_test_junk_" + std::to_string(::getpid()) + ".tsb"))
          .string();
  {
    std::ofstream out(junk);
    out << "not bytecode";
  }
  const Output o = RunCli("disasm " + junk);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(junk), std::string::npos) << o.err;
  std::filesystem::remove(junk);
}

}  // namespace
