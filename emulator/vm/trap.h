// A kernel did something the hardware would not survive: the one exception type the emulator's
// interpreter and intrinsics throw for kernel faults. The scheduler catches it in one place and turns it
// into a RunResult naming the core, kernel and source location of the faulting instruction.
#pragma once

#include <stdexcept>
#include <string>

namespace tilesim::emu {

class KernelTrap : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tilesim::emu
