// WriteArtifacts: the Metalium C++ kernels, main.cpp, CMakeLists.txt, tt.plan.json and each kernel's
// bytecode, into one folder. A manifest (.tilesim-artifacts) lists what it wrote, so that writing again
// replaces its own files but never a file someone else put there (unless asked to).
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/backend/tt_plan/plan_json.h"
#include "tilesim/bytecode/kernel_binary.h"
#include "tilesim/compiler.h"

namespace tilesim::tile {
namespace {

namespace fs = std::filesystem;

constexpr const char* kManifest = ".tilesim-artifacts";

std::set<std::string> ReadManifest(const fs::path& dir) {
  std::set<std::string> names;
  std::ifstream in(dir / kManifest);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) names.insert(line);
  }
  return names;
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("WriteArtifacts: cannot write " + path.string());
}

// A kernel name becomes a file name: it must stay inside the folder and not collide with the fixed files.
void CheckKernelName(const std::string& name) {
  const bool bad_char = name.find_first_of("/\\") != std::string::npos;
  if (name.empty() || bad_char || name == "." || name == ".." || name == "main") {
    throw std::invalid_argument("WriteArtifacts: kernel name '" + name + "' cannot name a file (" + name + ".cpp)");
  }
}

}  // namespace

std::vector<std::string> WriteArtifacts(const TTProgram& program, const std::string& dir, bool overwrite) {
  const fs::path root(dir);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec || !fs::is_directory(root)) throw std::runtime_error("WriteArtifacts: cannot create folder " + dir);

  // Everything is generated before anything is written, so a failure leaves the folder as it was.
  struct Artifact {
    std::string name;
    std::string text;
    const KernelPlan* bytecode_of = nullptr;
  };
  std::vector<Artifact> artifacts;
  std::set<std::string> names;
  for (const KernelPlan& k : program.kernels) {
    CheckKernelName(k.name);
    if (!names.insert(k.name).second) throw std::invalid_argument("WriteArtifacts: two kernels are named '" + k.name + "'");
    artifacts.push_back({k.name + ".cpp", EmitKernelSource(k)});
    artifacts.push_back({k.name + ".tsb", "", &k});
  }
  artifacts.push_back({"main.cpp", EmitHostProgram(program)});
  artifacts.push_back({"CMakeLists.txt", EmitCMakeLists(program)});
  const nlohmann::json plan = BuildPlanJson(program);
  if (std::vector<std::string> problems = ValidatePlanJson(plan); !problems.empty()) {
    std::string message = "WriteArtifacts: the plan of '" + program.name + "' is inconsistent:";
    for (const std::string& p : problems) message += "\n  " + p;
    throw std::invalid_argument(message);
  }
  artifacts.push_back({"tt.plan.json", plan.dump(2) + "\n"});
  std::vector<bc::KernelBinary> binaries;
  for (const Artifact& a : artifacts) {
    if (a.bytecode_of == nullptr) continue;
    kir::Kernel kernel = a.bytecode_of->kernel;
    kernel.role = a.bytecode_of->role;
    binaries.push_back(compiler::LowerToBytecode(kernel, a.bytecode_of->compile_time_args));
  }

  const std::set<std::string> ours = ReadManifest(root);
  if (!overwrite) {
    for (const Artifact& a : artifacts) {
      const fs::path path = root / a.name;
      if (fs::exists(path) && ours.count(a.name) == 0) {
        throw std::runtime_error("WriteArtifacts: " + path.string() +
                                 " already exists and was not written by tilesim; not overwriting it (pass overwrite)");
      }
    }
  }

  std::vector<std::string> written;
  size_t next_binary = 0;
  for (const Artifact& a : artifacts) {
    const fs::path path = root / a.name;
    if (a.bytecode_of != nullptr) {
      bc::SaveToFile(binaries[next_binary++], path.string());
    } else {
      WriteText(path, a.text);
    }
    written.push_back(path.string());
  }
  std::set<std::string> manifest = ours;
  for (const Artifact& a : artifacts) manifest.insert(a.name);
  std::string text;
  for (const std::string& name : manifest) text += name + "\n";
  WriteText(root / kManifest, text);
  return written;
}

}  // namespace tilesim::tile
