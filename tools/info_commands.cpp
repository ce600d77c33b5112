// tilesim samples, tilesim disasm FILE.tsb.
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/workloads.h"
#include "tools/commands.h"

namespace tilesim::tools {

namespace {

struct SampleInfo {
  const char* name;
  const char* description;
};
constexpr SampleInfo kSamples[] = {
    {"loopback", "DRAM -> L1 -> DRAM with one data movement kernel, checked bit-exact"},
    {"eltwise_binary", "C = A + B on one core with reader, compute and writer kernels, abs err <= 1e-2"},
    {"gemm_multicore", "a multi-core bf16 GEMM with the built-in GEMM kernels, checked by PCC against Eigen"},
};

constexpr SampleInfo kTileSamples[] = {
    {"gemm", "C = A x B with one 32x32 output tile per block, contiguous ranges of tiles per core"},
    {"gemm_mcast", "128x128 blocks fused per core, A multicast along rows and B down columns (TileLang factory)"},
    {"gemm_bias_relu", "relu(A x B + Bias) epilogue on 64x64 blocks"},
    {"eltwise_add", "C = A + B in 64x64 blocks"},
    {"gemm_unaligned", "100 x 100 x 100, padded to tiles by the host"},
};

int ListSamples() {
  fmt::print("Built-in workloads (tilesim run NAME --help for options):\n");
  for (const WorkloadInfo& w : ListWorkloads()) fmt::print("  {:<14} {}\n", w.name, w.description);
  fmt::print("\nSample programs (source in samples/NAME.cpp, built as samples/sample_NAME):\n");
  for (const SampleInfo& s : kSamples) fmt::print("  {:<14} {}\n", s.name, s.description);
  fmt::print("\nTile DSL kernels (TileLang syntax, samples/tile/NAME.py; tilesim run samples/tile/NAME.py [--M ...]):\n");
  for (const SampleInfo& s : kTileSamples) fmt::print("  {:<14} {}\n", s.name, s.description);
  fmt::print("\nMetalium samples (tt-metal host programs, samples/metalium/; built as samples/metalium/metalium_NAME)\n");
  return kExitOk;
}

// Source lines for the disassembly, read once per file; unreadable files give no text.
class SourceCache {
 public:
  explicit SourceCache(const bc::KernelBinary& kernel) : kernel_(kernel) {}
  std::string Line(uint32_t file, uint32_t line) {
    if (file >= kernel_.files.size() || line == 0) return {};
    auto [it, inserted] = files_.try_emplace(file);
    if (inserted) {
      std::ifstream in(kernel_.files[file]);
      for (std::string text; std::getline(in, text);) it->second.push_back(text);
    }
    return line <= it->second.size() ? it->second[line - 1] : std::string();
  }

 private:
  const bc::KernelBinary& kernel_;
  std::map<uint32_t, std::vector<std::string>> files_;
};

int Disassemble(const std::string& path, bool show_source) {
  bc::KernelBinary kernel;
  try {
    kernel = bc::LoadFromFile(path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tilesim disasm: cannot read '{}': {}\n", path, e.what());
    return kExitBadArguments;
  }
  for (const std::string& problem : bc::Verify(kernel)) {
    fmt::print(stderr, "tilesim disasm: warning: {}: {}\n", path, problem);
  }
  SourceCache sources(kernel);
  bc::DisassembleOptions options;
  options.show_source = show_source;
  options.source_line = [&sources](uint32_t file, uint32_t line) { return sources.Line(file, line); };
  fmt::print("{}", bc::Disassemble(kernel, options));
  return kExitOk;
}

}  // namespace

void AddSamplesCommand(CLI::App& app, Command& command) {
  CLI::App* sub = app.add_subcommand("samples", "list the built-in workloads and the sample programs");
  sub->callback([&command] { command = [] { return ListSamples(); }; });
}

void AddDisasmCommand(CLI::App& app, Command& command) {
  auto path = std::make_shared<std::string>();
  auto no_source = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("disasm", "print a compiled kernel (.tsb) as assembly, with its source lines");
  sub->add_option("file", *path, "bytecode file (.tsb)")->required();
  sub->add_flag("--no-source", *no_source, "leave out source locations and lines");
  sub->callback(
      [&command, path, no_source] { command = [path, no_source] { return Disassemble(*path, !*no_source); }; });
}

}  // namespace tilesim::tools
