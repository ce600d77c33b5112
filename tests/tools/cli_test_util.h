// Running the built `tilesim` binary (TILESIM_CLI) as a separate process, for the CLI tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the built CLI with `args` (shell words) from directory `cwd`, capturing stdout and stderr separately.
Output RunCli(const std::string& args, const std::filesystem::path& cwd = std::filesystem::current_path()) {
  const std::filesystem::path err_file =
      std::filesystem::temp_directory_path() / ("tilesim_cli_test_" + std::to_string(::getpid()) + ".err");
  const std::string command =
      "cd '" + cwd.string() + "' && " + std::string(TILESIM_CLI) + " " + args + " 2>'" + err_file.string() + "'";
  Output result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  std::filesystem::remove(err_file);
  return result;
}

}  // namespace
