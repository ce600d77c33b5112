// Run() (emulator.h): validate the program, set up cores and kernel contexts, schedule them, report.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "emulator/device_state.h"
#include "emulator/emulator.h"
#include "emulator/event_log.h"
#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/program_validation.h"
#include "emulator/scheduler.h"

namespace tilesim::emu {
namespace {

std::string CoreText(CoreCoord c) { return "core (" + std::to_string(c.x) + "," + std::to_string(c.y) + ")"; }

std::string Describe(const KernelContext& ctx) {
  return CoreText(ctx.core().core) + " " + std::string(ToString(ctx.role())) + " '" + ctx.name() + "'";
}

void SetUpCores(DeviceState& device, const ProgramSpec& program, ProgramState& state) {
  state.cores.reserve(device.num_cores());
  for (uint32_t i = 0; i < device.num_cores(); ++i) {
    auto core = std::make_unique<CoreRuntime>();
    core->core = device.CoreAt(i);
    core->core_index = i;
    core->l1 = device.L1(i);
    core->l1_size = device.l1_size();
    state.cores.push_back(std::move(core));
  }
  for (const CoreResources& resources : program.cores) {
    CoreRuntime& core = state.Core(device.CoreIndex(resources.core));
    for (const CircularBufferSpec& spec : resources.circular_buffers) {
      core.cbs[spec.index].configured = true;
      core.cbs[spec.index].spec = spec;
    }
    core.semaphores = resources.semaphores;
    for (const SemaphoreSpec& s : resources.semaphores) core.StoreWord(s.address, s.initial_value);
  }
}

// Contexts that had not finished, with what each was doing; the scheduler has stopped.
std::vector<BlockedContext> Unfinished(const std::vector<std::unique_ptr<KernelContext>>& contexts) {
  std::vector<BlockedContext> out;
  for (const auto& ctx : contexts) {
    if (ctx->done) continue;
    CoreRuntime& core = ctx->core();
    std::lock_guard lock(core.lock);
    bool parked = false;
    for (uint32_t i = 0; i < core.num_waiters; ++i) parked |= core.waiters[i] == ctx.get();
    BlockedContext b;
    b.core = core.core;
    b.role = ctx->role();
    b.kernel = ctx->name();
    b.location = ctx->binary().DescribeLocation(ctx->vm.pc);
    if (parked) {
      b.operation = DescribeWaitOperation(ctx->wait);
      b.state = DescribeWaitState(core, ctx->wait);
    } else {
      b.operation = "running (not blocked in a kernel API call)";
      b.state = "executing instructions without CB, NoC or semaphore activity";
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::string BlockedReport(const std::string& headline, const std::vector<BlockedContext>& blocked) {
  std::string message = headline + "; " + std::to_string(blocked.size()) + " kernel" +
                        (blocked.size() == 1 ? " has" : "s have") + " not finished:";
  for (const BlockedContext& b : blocked) {
    message += "\n  " + CoreText(b.core) + " " + std::string(ToString(b.role)) + " '" + b.kernel + "': " + b.operation +
               " at " + b.location;
    if (!b.state.empty()) message += "; " + b.state;
  }
  return message;
}

}  // namespace

RunResult Run(Device& device, const ProgramSpec& program, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RunResult result;
  DeviceState& device_state = device.state();

  const std::vector<std::string> errors = ValidateProgram(device_state, program);
  if (!errors.empty()) {
    result.status = RunStatus::InvalidProgram;
    result.message = "invalid program:";
    for (const std::string& e : errors) result.message += "\n  " + e;
    return result;
  }

  ProgramState state(device_state);
  state.dprint = options.dprint;
  SetUpCores(device_state, program, state);

  std::vector<std::unique_ptr<KernelContext>> contexts;
  for (const KernelSpec& spec : program.kernels) {
    std::shared_ptr<const ExecutableKernel> kernel;
    try {
      kernel = std::make_shared<const ExecutableKernel>(Link(spec.binary, options.record_events ? LoggingIntrinsicTable() : IntrinsicTable()));
    } catch (const std::exception& e) {
      result.status = RunStatus::InvalidProgram;
      result.message = "invalid program:\n  kernel '" + spec.binary->name + "': " + e.what();
      return result;
    }
    for (size_t i = 0; i < spec.cores.size(); ++i) {
      std::vector<uint32_t> args = i < spec.runtime_args.size() ? spec.runtime_args[i] : std::vector<uint32_t>{};
      CoreRuntime& core = state.Core(device_state.CoreIndex(spec.cores[i]));
      contexts.push_back(std::make_unique<KernelContext>(state, core, kernel, std::move(args), spec.common_runtime_args,
                                                         spec.compute, spec.noc));
    }
  }

  std::shared_ptr<ProgramEventLog> log;
  if (options.record_events) {
    log = std::make_shared<ProgramEventLog>();
    log->device = device_state.config();
    log->cores = program.cores;
    log->contexts.resize(contexts.size());
    size_t index = 0;
    for (const KernelSpec& spec : program.kernels) {
      for (size_t i = 0; i < spec.cores.size(); ++i, ++index) {
        ContextLog& c = log->contexts[index];
        c.core = spec.cores[i];
        c.role = spec.binary->role;
        c.kernel = spec.binary->name;
        c.compute = spec.compute;
        c.noc = spec.noc;
        c.events.reserve(1024);
        contexts[index]->events = &c.events;
      }
    }
  }

  std::vector<KernelContext*> pointers;
  pointers.reserve(contexts.size());
  for (const auto& c : contexts) pointers.push_back(c.get());
  uint32_t threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  Scheduler scheduler(state, std::move(pointers), threads, options.livelock_timeout);
  state.scheduler = &scheduler;
  const Scheduler::Result outcome = scheduler.Run();

  for (const auto& c : contexts) {
    if (!c->done) FlushDprint(*c);  // what a stopped kernel printed before it stopped
    result.stats.instructions += c->vm.instructions;
  }
  if (log) {
    for (size_t i = 0; i < contexts.size(); ++i) log->contexts[i].instructions = contexts[i]->vm.instructions;
    result.events = std::move(log);
  }
  result.stats.context_switches = outcome.context_switches;

  switch (outcome.outcome) {
    case Scheduler::Outcome::Finished: result.status = RunStatus::Ok; break;
    case Scheduler::Outcome::Trap: {
      const KernelContext& ctx = *outcome.trapped;
      result.status = RunStatus::Trap;
      result.message = "trap in " + Describe(ctx) + " at " + ctx.binary().DescribeLocation(ctx.vm.pc) + ": " +
                       outcome.trap_message;
      break;
    }
    case Scheduler::Outcome::Deadlock:
      result.status = RunStatus::Deadlock;
      result.blocked = Unfinished(contexts);
      result.message = BlockedReport("deadlock: no kernel can make progress", result.blocked);
      break;
    case Scheduler::Outcome::Livelock:
      result.status = RunStatus::Livelock;
      result.blocked = Unfinished(contexts);
      result.message = BlockedReport("livelock: no CB, NoC, semaphore or L1-store activity for " +
                                         std::to_string(options.livelock_timeout.count()) + " ms",
                                     result.blocked);
      break;
  }
  result.stats.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace tilesim::emu
