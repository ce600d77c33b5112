// tilesim compile KERNEL.py [--NAME VALUE ...] [--grid 8x8] [-o DIR] [--print-after-all]: compiles a tile DSL
// kernel through the pass pipeline and writes the Metalium C++, host program, tt.plan.json and bytecode.
#include <chrono>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tilesim/compiler.h"
#include "tilesim/tile_compiler.h"
#include "tools/commands.h"

namespace tilesim::tools {

namespace {

struct CompileCommandOptions {
  std::string kernel;
  std::string out_dir;
  std::string grid = "8x8";
  std::string fidelity = "HiFi4";
  bool fp32_dest = false;
  bool no_multicast = false;
  bool no_fuse_blocks = false;
  bool print_after_all = false;
  std::vector<std::string> print_after;
  bool force = false;
  bool json = false;
};

uint32_t GridPart(const std::string& grid, bool columns) {
  const size_t x = grid.find('x');
  return static_cast<uint32_t>(std::stoul(columns ? grid.substr(0, x) : grid.substr(x + 1)));
}

}  // namespace

void AddCompileCommand(CLI::App& app, Command& command) {
  auto o = std::make_shared<CompileCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "compile", "compile a TileLang-style kernel (.py) to reader / compute / writer kernels, Metalium C++, a host "
                 "program and tt.plan.json; dimensions are bound with --NAME VALUE (e.g. --M 512)");
  sub->allow_extras();
  sub->add_option("kernel", o->kernel, "the kernel file (TileLang syntax)")->required()->check(CLI::ExistingFile);
  sub->add_option("-o,--output", o->out_dir, "directory for the artifacts (created; files tilesim did not write are "
                                             "never overwritten without --force); none: compile only");
  sub->add_option("--grid", o->grid, "Tensix grid, COLSxROWS")
      ->check(CLI::Validator(
          [](std::string& text) {
            const size_t x = text.find('x');
            if (x == std::string::npos || x == 0 || x + 1 == text.size() ||
                text.find_first_not_of("0123456789x") != std::string::npos || text.find('x', x + 1) != std::string::npos) {
              return fmt::format("'{}' is not a grid COLSxROWS (e.g. 8x8)", text);
            }
            const unsigned long cx = std::stoul(text.substr(0, x)), cy = std::stoul(text.substr(x + 1));
            return cx >= 1 && cy >= 1 && cx <= 64 && cy <= 64 ? std::string() : "grid sides must be 1..64";
          },
          "COLSxROWS", "grid"))
      ->capture_default_str();
  sub->add_option("--fidelity", o->fidelity, "math fidelity of the compute kernel")
      ->check(CLI::IsMember({"LoFi", "HiFi2", "HiFi3", "HiFi4"}, CLI::ignore_case))
      ->capture_default_str();
  sub->add_flag("--fp32-dest", o->fp32_dest, "accumulate in fp32 DST (fp32_dest_acc_en)");
  sub->add_flag("--no-multicast", o->no_multicast, "every core reads its own operands from DRAM");
  sub->add_flag("--no-fuse-blocks", o->no_fuse_blocks, "run each block of a core on its own (no reuse across them)");
  sub->add_flag("--print-after-all", o->print_after_all, "print the IR after every pass (stderr)");
  sub->add_option("--print-after", o->print_after, "print the IR after the named pass (repeatable)");
  sub->add_flag("--force", o->force, "overwrite files in the output directory that tilesim did not write");
  sub->add_flag("--json", o->json, "print one JSON object (compile_ms, files, partition...)");
  sub->callback([o, sub, &command] {
    const std::map<std::string, int64_t> bindings = ParseBindings(sub->remaining());
    command = [o, bindings] {
      tile::CompileOptions options;
      options.bindings = bindings;
      options.grid_x = GridPart(o->grid, true);
      options.grid_y = GridPart(o->grid, false);
      ParseMathFidelity(o->fidelity, options.math_fidelity);
      options.fp32_dest_acc_en = o->fp32_dest;
      options.multicast = !o->no_multicast;
      options.fuse_blocks = !o->no_fuse_blocks;
      options.print_after_all = o->print_after_all;
      options.print_after = o->print_after;
      const auto start = std::chrono::steady_clock::now();
      const tile::TTProgram program = tile::CompileFile(o->kernel, options);
      const double compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::vector<std::string> files;
      if (!o->out_dir.empty()) {
        try {
          files = tile::WriteArtifacts(program, o->out_dir, o->force);
        } catch (const std::runtime_error& e) {  // a file it will not overwrite, or one it cannot write
          fmt::print(stderr, "tilesim compile: {}\n", e.what());
          return kExitBadArguments;
        }
      }

      if (o->json) {
        nlohmann::json out;
        out["ok"] = true;
        out["kernel"] = o->kernel;
        out["function"] = program.name;
        out["compile_ms"] = compile_ms;
        out["passes"] = tile::PassNames().size();
        out["cores"] = program.cores.size();
        out["partition"] = program.partition;
        out["circular_buffers"] = program.circular_buffers.size();
        out["files"] = files;
        nlohmann::json kernels = nlohmann::json::array();
        for (const tile::KernelPlan& k : program.kernels) {
          kernels.push_back({{"name", k.name}, {"role", std::string(ToString(k.role))},
                             {"runtime_args", k.runtime_arg_names}, {"compile_time_args", k.compile_time_args}});
        }
        out["kernels"] = kernels;
        fmt::print("{}\n", out.dump(2));
        return kExitOk;
      }
      fmt::print("compiled {} ({}) in {:.2f} ms: {} partition {} on {} cores, {} circular buffers\n", o->kernel,
                 program.name, compile_ms, program.partition.at("mode"), program.partition.at("core_grid"),
                 program.cores.size(), program.circular_buffers.size());
      for (const tile::KernelPlan& k : program.kernels) {
        fmt::print("  {:8} {:15} runtime args: {}\n", k.name, ToString(k.role), fmt::join(k.runtime_arg_names, ", "));
      }
      if (files.empty()) {
        fmt::print("(nothing written: give -o DIR for the Metalium C++, main.cpp, tt.plan.json and bytecode)\n");
      } else {
        fmt::print("wrote {} files to {}: {}\n", files.size(), o->out_dir, fmt::join(files, ", "));
      }
      return kExitOk;
    };
  });
}

}  // namespace tilesim::tools
