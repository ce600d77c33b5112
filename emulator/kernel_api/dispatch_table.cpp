// The intrinsic dispatch tables, generated from intrinsics.def: entry i handles bc::Intrinsic(i).
#include <algorithm>
#include <array>
#include <iterator>
#include <mutex>
#include <utility>

#include "emulator/event_log.h"
#include "emulator/kernel_api/kernel_api.h"
#include "emulator/kernel_context.h"

namespace tilesim::emu {
namespace {

// Taking each handler's address makes a missing handler a link error.
constexpr IntrinsicFn kIntrinsicTable[] = {
#define TILESIM_INTRINSIC(name, roles, sig, doc) &api::name,
#include "tilesim/bytecode/intrinsics.def"
#undef TILESIM_INTRINSIC
};
static_assert(std::size(kIntrinsicTable) == bc::kNumIntrinsics, "every intrinsic needs exactly one handler");

// The word a semaphore set_remote / set_multicast sends: the handler reads it from the sender's L1 at
// args[0] under the core lock; read it the same way, before the call, so the log shows what was sent.
uint32_t SentSemaphoreWord(KernelContext& ctx, const uint64_t* args) {
  const auto address = static_cast<uint32_t>(args[0]);
  if (address % 4 != 0 || uint64_t{address} + 4 > ctx.core().l1_size) return 0;  // the handler traps
  std::lock_guard lock(ctx.core().lock);
  return ctx.core().LoadWord(address);
}

// Calls the handler, then appends the completed call to the context's log (event_log.h).
template <size_t I>
CallStatus Logged(KernelContext& ctx, const uint64_t* args, uint64_t& result) {
  constexpr auto op = static_cast<bc::Intrinsic>(I);
  uint32_t value = 0;
  if constexpr (op == bc::Intrinsic::noc_semaphore_set_remote || op == bc::Intrinsic::noc_semaphore_set_multicast ||
                op == bc::Intrinsic::noc_semaphore_set_multicast_loopback_src) {
    value = SentSemaphoreWord(ctx, args);
  }
  const CallStatus status = kIntrinsicTable[I](ctx, args, result);
  if (status == CallStatus::Done && ctx.events != nullptr) {
    constexpr size_t kArgs = bc::kIntrinsicInfo[I].num_args();
    KernelEvent event;
    event.instructions = ctx.vm.instructions;
    for (size_t a = 0; a < std::min<size_t>(kArgs, event.args.size()); ++a) event.args[a] = args[a];
    event.value = value;
    event.intrinsic = static_cast<uint16_t>(I);
    ctx.events->push_back(event);
  }
  return status;
}

template <size_t... I>
constexpr std::array<IntrinsicFn, sizeof...(I)> MakeLoggingTable(std::index_sequence<I...>) {
  return {&Logged<I>...};
}
constexpr auto kLoggingTable = MakeLoggingTable(std::make_index_sequence<bc::kNumIntrinsics>());

}  // namespace

const IntrinsicFn* IntrinsicTable() { return kIntrinsicTable; }
const IntrinsicFn* LoggingIntrinsicTable() { return kLoggingTable.data(); }

}  // namespace tilesim::emu
