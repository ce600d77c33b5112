// The compiler's two error families and how they name a place in the kernel.
#include <string>

#include "tilesim/compiler.h"

namespace tilesim::compiler {

CompileError::CompileError(std::string where, std::string message)
    : std::runtime_error(where + ": " + message), where_(std::move(where)), message_(std::move(message)) {}

InternalError::InternalError(const std::string& message) : std::logic_error("internal compiler error: " + message) {}

std::string DescribeLocation(const kir::Kernel& kernel, const kir::SourceLocation& location) {
  if (location.line == 0) return kernel.name.empty() ? "<unnamed kernel>" : kernel.name;
  std::string file = location.file < kernel.files.size() ? kernel.files[location.file]
                                                         : "<file " + std::to_string(location.file) + ">";
  // Appended piece by piece: GCC 12 mis-warns (-Wrestrict) on `":" + std::to_string(...)`.
  std::string text = file;
  text += ':';
  text += std::to_string(location.line);
  if (location.column != 0) {
    text += ':';
    text += std::to_string(location.column);
  }
  return text;
}

}  // namespace tilesim::compiler
