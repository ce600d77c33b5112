// Checks a ProgramSpec before anything runs, so that a malformed program is an InvalidProgram result
// with every problem named, not a trap or a crash halfway through.
#pragma once

#include <string>
#include <vector>

#include "emulator/device_state.h"
#include "emulator/emulator.h"

namespace tilesim::emu {

// One message per problem, empty when the program is well formed: kernel binaries present and verified,
// NoC index 0 or 1, cores inside the grid, at most one kernel per role on a core, runtime arguments present
// for every core of a kernel that reads them, CBs and semaphores inside L1 and not overlapping each other.
std::vector<std::string> ValidateProgram(const DeviceState& device, const ProgramSpec& program);

}  // namespace tilesim::emu
