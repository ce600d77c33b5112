// The `tilesim` command line: run built-in workloads, list them, disassemble bytecode files.
//
// Exit codes: 0 success, 1 a result failed validation, 2 bad arguments or input files, 3 the emulated
// run failed (deadlock, trap, livelock) or an internal error.
#include <cstdio>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tilesim/compiler.h"
#include "tilesim/host.h"
#include "tilesim/version.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"tilesim: write, run, check and time Tenstorrent-style tile kernels without the hardware"};
  app.set_version_flag("--version", tilesim::VersionString());
  app.require_subcommand(0, 1);
  tilesim::tools::Command command;
  tilesim::tools::AddRunCommand(app, command);
  tilesim::tools::AddSamplesCommand(app, command);
  tilesim::tools::AddDisasmCommand(app, command);
  tilesim::tools::AddCompileKernelCommand(app, command);
  tilesim::tools::AddNocReplayCommand(app, command);
  tilesim::tools::AddCompileCommand(app, command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help / version / the error
    if (code != 0 && e.get_name() != "CallForHelp" && e.get_name() != "CallForAllHelp") {
      std::cerr << "Run 'tilesim --help' or 'tilesim run --help' for usage; 'tilesim samples' lists the workloads.\n";
    }
    return code == 0 ? 0 : tilesim::tools::kExitBadArguments;
  }
  if (!command) {
    fmt::print("{}", app.help());
    return 0;
  }
  try {
    return command();
  } catch (const tilesim::RunError& e) {
    fmt::print(stderr, "tilesim: the emulated run failed ({}):\n{}\n", tilesim::ToString(e.failure()), e.what());
    return tilesim::tools::kExitRunFailed;
  } catch (const tilesim::compiler::CompileError& e) {
    fmt::print(stderr, "{}: error: {}\n", e.where(), e.message());
    return tilesim::tools::kExitBadArguments;
  } catch (const tilesim::compiler::InternalError& e) {
    fmt::print(stderr, "tilesim: {}\n", e.what());
    return tilesim::tools::kExitRunFailed;
  } catch (const tilesim::ApiError& e) {
    fmt::print(stderr, "tilesim: {}\n", e.what());
    return tilesim::tools::kExitBadArguments;
  } catch (const std::exception& e) {
    fmt::print(stderr, "tilesim: internal error: {}\n", e.what());
    return tilesim::tools::kExitRunFailed;
  }
}
