// tilesim compile-kernel FILE.cpp --role reader|writer|compute [-D NAME=VALUE]... [--compile-args a,b,...]
//                        -o FILE.tsb [--force] [--print-ir]
// Compiles a Metalium-dialect kernel source to a bytecode file. The file records the source's absolute
// path, so that `tilesim disasm FILE.tsb` shows the source lines wherever it is run from.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/compiler.h"
#include "tilesim/metalium.h"
#include "tools/commands.h"

namespace tilesim::tools {
namespace {

struct CompileKernelArgs {
  std::string source;
  std::string role = "reader";
  std::vector<std::string> defines;
  std::string compile_args;
  std::string output;
  bool force = false;
  bool print_ir = false;
};

// "1,2,0x10" -> {1, 2, 16}; false if an entry is not a 32-bit unsigned number.
bool ParseCompileArgs(const std::string& text, std::vector<uint32_t>& out, std::string& bad) {
  out.clear();
  if (text.empty()) return true;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      size_t used = 0;
      const unsigned long long value = std::stoull(item, &used, 0);
      if (used != item.size() || value > 0xffffffffull || item.empty() || item[0] == '-') throw std::invalid_argument(item);
      out.push_back(static_cast<uint32_t>(value));
    } catch (const std::exception&) {
      bad = item;
      return false;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

int CompileKernel(const CompileKernelArgs& args) {
  metalium::FrontEndOptions options;
  if (!ParseKernelRole(args.role, options.role)) {
    fmt::print(stderr, "tilesim compile-kernel: unknown role '{}' (reader, writer or compute)\n", args.role);
    return kExitBadArguments;
  }
  for (const std::string& define : args.defines) {
    const size_t eq = define.find('=');
    // -D NAME means NAME=1, as for a C compiler.
    options.defines[define.substr(0, eq)] = eq == std::string::npos ? "1" : define.substr(eq + 1);
  }
  std::vector<uint32_t> compile_args;
  std::string bad;
  if (!ParseCompileArgs(args.compile_args, compile_args, bad)) {
    fmt::print(stderr, "tilesim compile-kernel: '{}' in --compile-args is not a 32-bit unsigned number\n", bad);
    return kExitBadArguments;
  }
  std::error_code ec;
  if (!args.force && std::filesystem::exists(args.output, ec)) {
    fmt::print(stderr, "tilesim compile-kernel: '{}' exists; use --force to overwrite it\n", args.output);
    return kExitBadArguments;
  }
  bc::KernelBinary binary;
  try {
    const kir::Kernel kernel = args.compile_args.empty()
                                   ? metalium::ParseKernelFile(args.source, options)
                                   : metalium::ParseKernelFile(args.source, options, compile_args);
    if (args.print_ir) fmt::print("{}", compiler::Print(kernel));
    binary = compiler::LowerToBytecode(kernel, compile_args);
  } catch (const compiler::CompileError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadArguments;
  }
  for (std::string& file : binary.files) {
    if (file.empty() || file[0] == '<') continue;
    const std::filesystem::path absolute = std::filesystem::absolute(file, ec);
    if (!ec) file = absolute.lexically_normal().string();
  }
  try {
    bc::SaveToFile(binary, args.output);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tilesim compile-kernel: cannot write '{}': {}\n", args.output, e.what());
    return kExitBadArguments;
  }
  fmt::print("{}: {} kernel '{}', {} instructions, {} registers -> {}\n", args.source, ToString(binary.role), binary.name,
             binary.code.size(), binary.num_registers, args.output);
  return kExitOk;
}

}  // namespace

void AddCompileKernelCommand(CLI::App& app, Command& command) {
  auto args = std::make_shared<CompileKernelArgs>();
  CLI::App* sub = app.add_subcommand("compile-kernel", "compile a Metalium kernel source (.cpp) to bytecode (.tsb)");
  sub->add_option("file", args->source, "kernel source (reader, writer or compute kernel)")->required()->check(CLI::ExistingFile);
  sub->add_option("--role", args->role, "which RISC it runs on: reader (dm0), writer (dm1) or compute")->required();
  sub->add_option("-D,--define", args->defines, "NAME=VALUE (or NAME for NAME=1), as the kernel's defines");
  sub->add_option("--compile-args", args->compile_args, "compile-time args a,b,... (get_compile_time_arg_val)");
  sub->add_option("-o,--output", args->output, "bytecode file to write (.tsb)")->required();
  sub->add_flag("--force", args->force, "overwrite the output file if it exists");
  sub->add_flag("--print-ir", args->print_ir, "print the Kernel IR the front end produced");
  sub->callback([&command, args] { command = [args] { return CompileKernel(*args); }; });
}

}  // namespace tilesim::tools
