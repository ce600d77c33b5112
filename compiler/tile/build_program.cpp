#include "compiler/tile/build_program.h"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/tile/lower_to_kernel_ir.h"
#include "compiler/tile/passes/pass_util.h"

namespace tilesim::tile {

namespace {

using namespace tir;

std::string CbName(const Buffer& b) {
  std::string name = b.name;
  for (char& ch : name) {
    if (ch == '.') ch = '_';
  }
  return name;
}

struct CoreSlot {
  uint32_t x, y;
  uint32_t block_start = 0, block_count = 0;  // Contiguous
};

// The value of the runtime arg `name` on core `core` (the vocabulary of GridToCoreGrid and LowerCBIntrinsics).
RuntimeArg ArgValue(const PrimFunc& func, const std::map<std::string, std::pair<uint32_t, McastAxis>>& mcast,
                    const CoreSlot& core, const std::string& name) {
  const TTPartition& p = *func.partition;
  auto value = [](uint32_t v) { return RuntimeArg{RuntimeArg::Kind::Value, v, {}, 0, 0}; };
  if (name == "block_start") return value(core.block_start);
  if (name == "block_count") return value(core.block_count);
  if (name == "block_x0") return value(core.x * p.blocks_per_core_x);
  if (name == "block_y0") return value(core.y * p.blocks_per_core_y);
  for (BufferId param : func.params) {
    const Buffer& t = func.buffers[param.index];
    if (name == t.name + "_addr") return RuntimeArg{RuntimeArg::Kind::TensorAddress, 0, t.name, 0, 0};
  }
  for (const auto& [prefix, entry] : mcast) {
    if (!name.starts_with(prefix + "_")) continue;
    const std::string what = name.substr(prefix.size() + 1);
    const auto [sem_base, axis] = entry;
    const bool row = axis == McastAxis::Row;
    // Row: the core in column 0 sends to columns 1..cores_x-1 of its row; Col: row 0 sends down its column.
    const uint32_t sender_x = row ? 0 : core.x, sender_y = row ? core.y : 0;
    const uint32_t first_x = row ? 1 : core.x, first_y = row ? core.y : 1;
    const uint32_t last_x = row ? p.cores_x - 1 : core.x, last_y = row ? core.y : p.cores_y - 1;
    auto noc = [](RuntimeArg::Kind kind, uint32_t x, uint32_t y) { return RuntimeArg{kind, 0, {}, x, y}; };
    if (what == "is_sender") return value(core.x == sender_x && core.y == sender_y ? 1 : 0);
    if (what == "mcast_x0") return noc(RuntimeArg::Kind::NocX, first_x, first_y);
    if (what == "mcast_y0") return noc(RuntimeArg::Kind::NocY, first_x, first_y);
    if (what == "mcast_x1") return noc(RuntimeArg::Kind::NocX, last_x, last_y);
    if (what == "mcast_y1") return noc(RuntimeArg::Kind::NocY, last_x, last_y);
    if (what == "mcast_dests") return value(row ? p.cores_x - 1 : p.cores_y - 1);
    if (what == "sender_x") return noc(RuntimeArg::Kind::NocX, sender_x, sender_y);
    if (what == "sender_y") return noc(RuntimeArg::Kind::NocY, sender_x, sender_y);
    if (what == "sender_sem") return RuntimeArg{RuntimeArg::Kind::Semaphore, sem_base, {}, 0, 0};
    if (what == "receiver_sem") return RuntimeArg{RuntimeArg::Kind::Semaphore, sem_base + 1, {}, 0, 0};
  }
  Internal("BuildProgram", fmt::format("no value for runtime arg '{}'", name));
}

}  // namespace

TTProgram BuildProgram(const tir::PrimFunc& parsed, const tir::PrimFunc& lowered, const CompileOptions& options) {
  const PrimFunc& f = lowered;
  const TTPartition& p = *f.partition;
  TTProgram program;
  program.name = f.name;
  program.source_file = f.source_file;
  program.grid_x = options.grid_x;
  program.grid_y = options.grid_y;
  program.source = parsed;

  for (BufferId param : f.params) {
    const Buffer& t = f.buffers[param.index];
    program.tensors.push_back(TensorPlan{t.name, t.shape, ToDataFormat(t.dtype), t.is_output, t.layout->tile_rows,
                                         t.layout->tile_cols, t.layout->page_size});
  }
  for (const Buffer& b : f.buffers) {
    if (b.cb_index < 0) continue;
    program.circular_buffers.push_back(CircularBufferPlan{static_cast<uint32_t>(b.cb_index), b.cb_num_pages,
                                                          b.layout->page_size, ToDataFormat(b.dtype), b.name});
  }
  std::sort(program.circular_buffers.begin(), program.circular_buffers.end(),
            [](const CircularBufferPlan& a, const CircularBufferPlan& b) { return a.index < b.index; });

  std::map<std::string, std::pair<uint32_t, McastAxis>> mcast;  // CB name prefix -> (first semaphore, axis)
  for (const auto& [buffer, axis] : p.multicast) {
    mcast[CbName(f.buffers[buffer])] = {static_cast<uint32_t>(program.semaphores.size()), axis};
    program.semaphores.push_back({0});
    program.semaphores.push_back({0});
  }

  for (const DeviceKernel& k : f.kernels) {
    KernelPlan plan;
    plan.name = k.name;
    plan.role = k.role;
    plan.kernel = LowerToKernelIR(f, k);
    plan.compile_time_args = k.compile_time_args;
    plan.runtime_arg_names = k.runtime_arg_names;
    plan.math_fidelity = options.math_fidelity;
    plan.fp32_dest_acc_en = options.fp32_dest_acc_en;
    program.kernels.push_back(std::move(plan));
  }

  // The participating cores and their blocks.
  std::vector<CoreSlot> slots;
  if (p.mode == TTPartition::Mode::Contiguous) {
    const uint32_t total = p.grid_x * p.grid_y;
    const uint32_t per_core = total / p.num_cores, extra = total % p.num_cores;
    uint32_t start = 0;
    for (uint32_t i = 0; i < p.num_cores; ++i) {
      const uint32_t count = per_core + (i < extra ? 1 : 0);
      slots.push_back({i % p.cores_x, i / p.cores_x, start, count});
      start += count;
    }
  } else {
    for (uint32_t y = 0; y < p.cores_y; ++y) {
      for (uint32_t x = 0; x < p.cores_x; ++x) slots.push_back({x, y});
    }
  }
  for (const CoreSlot& slot : slots) {
    CoreWork work;
    work.x = slot.x;
    work.y = slot.y;
    if (p.mode == TTPartition::Mode::Contiguous) {
      for (uint32_t b = slot.block_start; b < slot.block_start + slot.block_count; ++b) {
        work.blocks.push_back({b % p.grid_x, b / p.grid_x});
      }
    } else {
      for (uint32_t iy = 0; iy < p.blocks_per_core_y; ++iy) {
        for (uint32_t ix = 0; ix < p.blocks_per_core_x; ++ix) {
          work.blocks.push_back({slot.x * p.blocks_per_core_x + ix, slot.y * p.blocks_per_core_y + iy});
        }
      }
    }
    for (const DeviceKernel& k : f.kernels) {
      std::vector<RuntimeArg> args;
      for (const std::string& name : k.runtime_arg_names) args.push_back(ArgValue(f, mcast, slot, name));
      work.runtime_args.push_back(std::move(args));
    }
    program.cores.push_back(std::move(work));
  }

  program.partition["mode"] = p.mode == TTPartition::Mode::Blocks2D ? "blocks_2d" : "contiguous";
  program.partition["grid"] = fmt::format("{}x{}", p.grid_x, p.grid_y);
  program.partition["core_grid"] = fmt::format("{}x{}", p.cores_x, p.cores_y);
  program.partition["num_cores"] = std::to_string(slots.size());
  if (p.mode == TTPartition::Mode::Blocks2D) {
    program.partition["blocks_per_core"] = fmt::format("{}x{}", p.blocks_per_core_x, p.blocks_per_core_y);
  }
  for (const auto& [buffer, axis] : p.multicast) {
    program.partition["multicast." + f.buffers[buffer].name] = axis == McastAxis::Row ? "row" : "column";
  }
  return program;
}

}  // namespace tilesim::tile
