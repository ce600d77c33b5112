// The intrinsic dispatch table, generated from intrinsics.def: entry i handles bc::Intrinsic(i).
#include <iterator>

#include "emulator/kernel_api/kernel_api.h"

namespace tilesim::emu {
namespace {

// Taking each handler's address makes a missing handler a link error.
constexpr IntrinsicFn kIntrinsicTable[] = {
#define TILESIM_INTRINSIC(name, roles, sig, doc) &api::name,
#include "tilesim/bytecode/intrinsics.def"
#undef TILESIM_INTRINSIC
};
static_assert(std::size(kIntrinsicTable) == bc::kNumIntrinsics, "every intrinsic needs exactly one handler");

}  // namespace

const IntrinsicFn* IntrinsicTable() { return kIntrinsicTable; }

}  // namespace tilesim::emu
