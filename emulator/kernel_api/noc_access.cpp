// NoC address resolution and copies (noc_access.h).
#include "emulator/kernel_api/noc_access.h"

#include <cstring>
#include <string>

#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"
#include "emulator/vm/trap.h"

namespace tilesim::emu::api {
namespace {

bool RangeInside(uint64_t offset, uint64_t size, uint64_t limit) { return size <= limit && offset <= limit - size; }

std::string Range(uint64_t begin, uint64_t size) { return "[" + Hex(begin) + ", " + Hex(begin + size) + ")"; }

std::string Coord(uint32_t x, uint32_t y) { return "(" + std::to_string(x) + "," + std::to_string(y) + ")"; }

std::string CoreName(CoreCoord c) { return "core " + Coord(c.x, c.y); }

}  // namespace

NocTarget ResolveUnicast(KernelContext& ctx, uint64_t noc_address, uint64_t size, const char* op) {
  const noc::DecodedNocAddress d = noc::Decode(noc_address);
  // Built only on failure: this runs on every NoC transfer.
  auto where = [&] { return std::string(op) + ": NoC address " + noc::FormatAddress(noc_address); };
  if (d.multicast) throw KernelTrap(where() + " is a multicast address; this operation needs a unicast one (get_noc_addr)");
  if (!d.well_formed) throw KernelTrap(where() + " is malformed: bits 48..63 of a unicast address must be zero");
  const DeviceState& device = ctx.device();
  const NocEndpoint endpoint = device.EndpointAt(d.x, d.y);
  switch (endpoint.kind) {
    case NocEndpoint::Kind::None:
      throw KernelTrap(where() + " targets " + Coord(d.x, d.y) + ", which is not a worker or DRAM bank");
    case NocEndpoint::Kind::Worker:
      if (!RangeInside(d.local, size, device.l1_size())) {
        throw KernelTrap(where() + ": range " + Range(d.local, size) + " is outside the L1 of " +
                         CoreName(device.CoreAt(endpoint.index)) + " (" + std::to_string(device.l1_size()) + " bytes)");
      }
      break;
    case NocEndpoint::Kind::Dram:
      if (!RangeInside(d.local, size, device.config().dram_bank_size)) {
        throw KernelTrap(where() + ": range " + Range(d.local, size) + " is outside DRAM bank " +
                         std::to_string(endpoint.index) + " (size " + Hex(device.config().dram_bank_size) + ")");
      }
      break;
  }
  return NocTarget{endpoint, d.local};
}

std::vector<CoreRuntime*> ResolveMulticast(KernelContext& ctx, uint64_t noc_address, uint64_t size, uint32_t num_dests,
                                           bool include_sender, const char* op, uint64_t& local) {
  const noc::DecodedNocAddress d = noc::Decode(noc_address);
  // Built only on failure: this runs on every NoC transfer.
  auto where = [&] { return std::string(op) + ": NoC address " + noc::FormatAddress(noc_address); };
  if (!d.multicast) throw KernelTrap(where() + " is a unicast address; multicast needs get_noc_multicast_addr");
  if (!d.well_formed) throw KernelTrap(where() + " is a malformed multicast address");
  const DeviceState& device = ctx.device();
  if (!RangeInside(d.local, size, device.l1_size())) {
    throw KernelTrap(where() + ": range " + Range(d.local, size) + " is outside L1 (" + std::to_string(device.l1_size()) +
                     " bytes)");
  }
  std::vector<CoreRuntime*> cores;
  for (uint32_t y = d.rect.y_start; y <= d.rect.y_end; ++y) {
    for (uint32_t x = d.rect.x_start; x <= d.rect.x_end; ++x) {
      const NocEndpoint e = device.EndpointAt(x, y);
      if (e.kind != NocEndpoint::Kind::Worker) continue;  // DRAM / other tiles inside the rectangle take no part
      if (!include_sender && e.index == ctx.core().core_index) continue;
      cores.push_back(&ctx.program().Core(e.index));
    }
  }
  if (cores.size() != num_dests) {
    throw KernelTrap(where() + ": num_dests is " + std::to_string(num_dests) + " but the rectangle " +
                     Coord(d.rect.x_start, d.rect.y_start) + "-" + Coord(d.rect.x_end, d.rect.y_end) + " holds " +
                     std::to_string(cores.size()) + " worker cores" + (include_sender ? "" : " besides the sender") +
                     " (a wrong count hangs or races the barrier on hardware)");
  }
  local = d.local;
  return cores;
}

void CheckLocalL1(const KernelContext& ctx, uint64_t address, uint64_t size, const char* op, const char* what) {
  if (!RangeInside(address, size, ctx.core().l1_size)) {
    throw KernelTrap(std::string(op) + ": " + what + " " + Range(address, size) + " is outside this core's L1 (" +
                     std::to_string(ctx.core().l1_size) + " bytes)");
  }
}

void CheckLocalWord(const KernelContext& ctx, uint64_t address, const char* op) {
  CheckLocalL1(ctx, address, 4, op, "semaphore word");
  if (address % 4 != 0) throw KernelTrap(std::string(op) + ": semaphore address " + Hex(address) + " is not 4-byte aligned");
}

void ReadTarget(KernelContext& ctx, const NocTarget& target, uint8_t* dst, uint64_t size) {
  if (target.endpoint.kind == NocEndpoint::Kind::Dram) {
    ctx.device().Dram(target.endpoint.index).Read(target.local, dst, size);
  } else {
    std::memmove(dst, ctx.device().L1(target.endpoint.index) + target.local, size);
  }
}

void WriteTarget(KernelContext& ctx, const NocTarget& target, const uint8_t* src, uint64_t size) {
  if (target.endpoint.kind == NocEndpoint::Kind::Dram) {
    ctx.device().Dram(target.endpoint.index).Write(target.local, src, size);
  } else {
    WriteWorkerL1(ctx, ctx.program().Core(target.endpoint.index), target.local, src, size);
  }
}

void WriteWorkerL1(KernelContext& ctx, CoreRuntime& core, uint64_t local, const uint8_t* src, uint64_t size) {
  UpdateCoreAndWake(ctx.program(), core, [&] { std::memmove(core.l1 + local, src, size); });
}

}  // namespace tilesim::emu::api
