// The runtime's bridge from the emulator's event logs to tilesim/perf.h results.
#pragma once

#include "emulator/event_log.h"
#include "tilesim/perf.h"

namespace tilesim::perf {

// Loads the profile `options.device` and replays the log (emulator/timing/timing_engine.h). Throws
// std::runtime_error naming the profile file, or what in the log could not be replayed.
PerfResult TimeEventLog(const emu::ProgramEventLog& log, const PerfOptions& options);

}  // namespace tilesim::perf
