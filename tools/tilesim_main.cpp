// The `tilesim` command line.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tilesim/version.h"

int main(int argc, char** argv) {
  CLI::App app{"tilesim: write, run, check and time Tenstorrent-style tile kernels without the hardware"};
  app.set_version_flag("--version", tilesim::VersionString());
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (app.get_subcommands().empty()) fmt::print("{}", app.help());
  return 0;
}
