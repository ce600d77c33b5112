// ProgramSpec checks (program_validation.h).
#include "emulator/program_validation.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "emulator/core_runtime.h"
#include "emulator/noc_address.h"
#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::emu {
namespace {

std::string CoreText(CoreCoord c) { return "core (" + std::to_string(c.x) + "," + std::to_string(c.y) + ")"; }

bool Imports(const bc::KernelBinary& binary, bc::Intrinsic intrinsic) {
  const std::string_view name = bc::Info(intrinsic).name;
  return std::any_of(binary.imports.begin(), binary.imports.end(), [&](const std::string& i) { return i == name; });
}

class Validator {
 public:
  Validator(const DeviceState& device, const ProgramSpec& program) : device_(device), program_(program) {}

  std::vector<std::string> Run() {
    for (size_t k = 0; k < program_.kernels.size(); ++k) CheckKernel(k);
    std::set<uint32_t> seen;
    for (const CoreResources& r : program_.cores) {
      if (!device_.InGrid(r.core)) {
        Error("resources for " + CoreText(r.core) + ": the core is outside the grid");
        continue;
      }
      if (!seen.insert(device_.CoreIndex(r.core)).second) {
        Error("resources for " + CoreText(r.core) + " are given twice");
        continue;
      }
      CheckResources(r);
    }
    return std::move(errors_);
  }

 private:
  void Error(std::string message) { errors_.push_back(std::move(message)); }

  std::string GridText() const {
    return std::to_string(device_.config().grid_x) + "x" + std::to_string(device_.config().grid_y) + " grid";
  }

  void CheckKernel(size_t k) {
    const KernelSpec& spec = program_.kernels[k];
    if (spec.binary == nullptr) {
      Error("kernel #" + std::to_string(k) + " has no binary");
      return;
    }
    const bc::KernelBinary& binary = *spec.binary;
    const std::string name = "kernel '" + binary.name + "' (" + std::string(ToString(binary.role)) + ")";
    for (const std::string& e : bc::Verify(binary)) Error(name + ": " + e);
    if (spec.noc > 1) Error(name + ": NoC index " + std::to_string(spec.noc) + " (there are NoCs 0 and 1)");
    if (spec.runtime_args.size() > spec.cores.size()) {
      Error(name + ": runtime arguments for " + std::to_string(spec.runtime_args.size()) + " cores, but it runs on " +
            std::to_string(spec.cores.size()));
    }
    const bool reads_args = Imports(binary, bc::Intrinsic::get_arg_val);
    if (Imports(binary, bc::Intrinsic::get_common_arg_val) && spec.common_runtime_args.empty()) {
      Error(name + " reads common runtime arguments (get_common_arg_val) but none are set (SetCommonRuntimeArgs)");
    }
    std::set<uint32_t> cores;
    for (size_t i = 0; i < spec.cores.size(); ++i) {
      const CoreCoord core = spec.cores[i];
      if (!device_.InGrid(core)) {
        Error(name + ": " + CoreText(core) + " is outside the " + GridText());
        continue;
      }
      const uint32_t index = device_.CoreIndex(core);
      if (!cores.insert(index).second) {
        Error(name + ": " + CoreText(core) + " is listed twice");
        continue;
      }
      auto [it, inserted] = roles_.emplace(std::make_pair(index, binary.role), binary.name);
      if (!inserted) {
        Error(name + " and kernel '" + it->second + "' both run as the " + std::string(ToString(binary.role)) + " of " +
              CoreText(core));
      }
      if (reads_args && (i >= spec.runtime_args.size() || spec.runtime_args[i].empty())) {
        Error(name + " reads runtime arguments (get_arg_val) but " + CoreText(core) + " has none (SetRuntimeArgs)");
      }
    }
  }

  void CheckResources(const CoreResources& r) {
    const std::string where = CoreText(r.core);
    const uint64_t l1 = device_.l1_size();
    // Every L1 region the program claims on this core, to find overlaps.
    struct Region {
      uint64_t begin, end;
      std::string what;
    };
    std::vector<Region> regions;
    std::set<uint32_t> cb_indexes;
    for (const CircularBufferSpec& cb : r.circular_buffers) {
      const std::string what = "circular buffer " + std::to_string(cb.index);
      if (cb.index >= kMaxCircularBuffers) {
        Error(where + ": " + what + ": index out of range (0.." + std::to_string(kMaxCircularBuffers - 1) + ")");
        continue;
      }
      if (!cb_indexes.insert(cb.index).second) {
        Error(where + ": " + what + " is configured twice");
        continue;
      }
      if (cb.page_size == 0 || cb.num_pages == 0) {
        Error(where + ": " + what + " has " + std::to_string(cb.num_pages) + " pages of " + std::to_string(cb.page_size) +
              " bytes; both must be positive");
        continue;
      }
      if (cb.format == DataFormat::Invalid) Error(where + ": " + what + " has an invalid data format");
      const uint64_t size = uint64_t{cb.page_size} * cb.num_pages;
      if (cb.address + size > l1) {
        Error(where + ": " + what + " [" + Hex(cb.address) + ", " + Hex(cb.address + size) + ") does not fit in L1 (" +
              std::to_string(l1) + " bytes)");
        continue;
      }
      regions.push_back({cb.address, cb.address + size, what});
    }
    std::set<uint32_t> sem_ids;
    for (const SemaphoreSpec& s : r.semaphores) {
      const std::string what = "semaphore " + std::to_string(s.id);
      if (!sem_ids.insert(s.id).second) {
        Error(where + ": " + what + " is created twice");
        continue;
      }
      if (s.address % 4 != 0) {
        Error(where + ": " + what + " at " + Hex(s.address) + " is not 4-byte aligned");
        continue;
      }
      if (uint64_t{s.address} + 4 > l1) {
        Error(where + ": " + what + " at " + Hex(s.address) + " is outside L1 (" + std::to_string(l1) + " bytes)");
        continue;
      }
      regions.push_back({s.address, uint64_t{s.address} + 4, what});
    }
    std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.begin < b.begin; });
    for (size_t i = 0; i + 1 < regions.size(); ++i) {
      for (size_t j = i + 1; j < regions.size() && regions[j].begin < regions[i].end; ++j) {
        Error(where + ": " + regions[i].what + " [" + Hex(regions[i].begin) + ", " + Hex(regions[i].end) + ") overlaps " +
              regions[j].what + " [" + Hex(regions[j].begin) + ", " + Hex(regions[j].end) + ")");
      }
    }
  }

  const DeviceState& device_;
  const ProgramSpec& program_;
  std::map<std::pair<uint32_t, KernelRole>, std::string> roles_;  // (core index, role) -> kernel name
  std::vector<std::string> errors_;
};

}  // namespace

std::vector<std::string> ValidateProgram(const DeviceState& device, const ProgramSpec& program) {
  return Validator(device, program).Run();
}

}  // namespace tilesim::emu
