// metalium::ParseKernel: preprocessor -> lexer -> parser -> lowering, then a check of the IR it made.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/frontends/metalium/lowering.h"
#include "compiler/frontends/metalium/parser.h"
#include "compiler/frontends/metalium/preprocessor.h"
#include "tilesim/compiler.h"
#include "tilesim/metalium.h"

namespace tilesim::metalium {
namespace {

kir::Kernel Compile(const KernelSource& source, const FrontEndOptions& options,
                    std::optional<std::span<const uint32_t>> compile_time_args) {
  Diagnostics diag;
  diag.AddFile(source.path.empty() ? "<kernel>" : source.path);
  FrontEndOptions resolved = options;
  if (resolved.name.empty()) {
    resolved.name = source.path.empty() ? "kernel" : std::filesystem::path(source.path).stem().string();
  }
  PreprocessorOptions pp;
  pp.role = options.role;
  pp.defines = options.defines;
  const std::vector<Token> tokens = Preprocess(source.text, pp, diag);
  const ast::TranslationUnit unit = Parse(tokens, diag);
  kir::Kernel kernel;
  try {
    kernel = Lowerer(diag, resolved, compile_time_args).Run(unit);
  } catch (const std::invalid_argument& e) {
    throw compiler::InternalError("the Metalium front end built a malformed IR node for '" + resolved.name + "': " + e.what());
  } catch (const std::out_of_range& e) {
    throw compiler::InternalError("the Metalium front end referenced a missing IR variable in '" + resolved.name + "': " + e.what());
  }
  const std::vector<std::string> problems = kir::VerifyKernel(kernel);
  if (!problems.empty()) {
    std::string message = "the Metalium front end produced invalid IR for '" + resolved.name + "':";
    for (const std::string& p : problems) message += "\n  " + p;
    throw compiler::InternalError(message);
  }
  return kernel;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw compiler::CompileError(path, "cannot read the kernel source");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw compiler::CompileError(path, "cannot read the kernel source");
  return buffer.str();
}

}  // namespace

kir::Kernel ParseKernel(const KernelSource& source, const FrontEndOptions& options) {
  return Compile(source, options, std::nullopt);
}

kir::Kernel ParseKernel(const KernelSource& source, const FrontEndOptions& options,
                        std::span<const uint32_t> compile_time_args) {
  return Compile(source, options, compile_time_args);
}

kir::Kernel ParseKernelFile(const std::string& path, const FrontEndOptions& options) {
  return Compile(KernelSource{path, ReadFile(path)}, options, std::nullopt);
}

kir::Kernel ParseKernelFile(const std::string& path, const FrontEndOptions& options,
                            std::span<const uint32_t> compile_time_args) {
  return Compile(KernelSource{path, ReadFile(path)}, options, compile_time_args);
}

}  // namespace tilesim::metalium
