// Source positions and user errors of the Metalium front end.
//
// Every stage (lexer, preprocessor, parser, lowering) reports a mistake in the kernel by throwing
// compiler::CompileError whose where() is "file:line:col" of the construct at fault. The file table is
// shared by all stages: index 0 is the kernel's own file, included files follow; it becomes the
// kernel's kir::Kernel::files, so the IR's source locations and these positions use the same indexes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tilesim::metalium {

struct SourcePos {
  uint32_t file = 0;
  uint32_t line = 0;    // 1-based; 0 = unknown
  uint32_t column = 0;  // 1-based
};

class Diagnostics {
 public:
  // Registers a source file and returns its index.
  uint32_t AddFile(const std::string& path);
  const std::vector<std::string>& files() const { return files_; }
  const std::string& file(uint32_t index) const;

  // "file:line:col" of `pos`.
  std::string Describe(const SourcePos& pos) const;
  // Throws compiler::CompileError(Describe(pos), message).
  [[noreturn]] void Error(const SourcePos& pos, const std::string& message) const;

 private:
  std::vector<std::string> files_;
};

}  // namespace tilesim::metalium
