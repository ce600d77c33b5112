// The `tilesim` subcommands. Each Add*Command registers its options on `app` and, when the subcommand is
// parsed, sets `command` to the function that runs it and returns the exit code.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace tilesim::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitValidationFailed = 1;
inline constexpr int kExitBadArguments = 2;
inline constexpr int kExitRunFailed = 3;

using Command = std::function<int()>;

void AddRunCommand(CLI::App& app, Command& command);      // tilesim run gemm | eltwise_add | ... | loopback
void AddSamplesCommand(CLI::App& app, Command& command);  // tilesim samples
void AddDisasmCommand(CLI::App& app, Command& command);   // tilesim disasm FILE.tsb
void AddCompileKernelCommand(CLI::App& app, Command& command);  // tilesim compile-kernel FILE.cpp --role R -o FILE.tsb
void AddNocReplayCommand(CLI::App& app, Command& command);  // tilesim noc-replay TRACE.json|DIR [--device D] [--json]
void AddCompileCommand(CLI::App& app, Command& command);  // tilesim compile KERNEL.py [--M 512 ...] -o DIR

// `--NAME VALUE` / `--NAME=VALUE` pairs left over by CLI11 (allow_extras) as tile kernel bindings; throws
// CLI::ValidationError on anything else.
std::map<std::string, int64_t> ParseBindings(const std::vector<std::string>& extras);

}  // namespace tilesim::tools
