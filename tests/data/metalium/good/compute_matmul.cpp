// role: compute
// compile-args: 2,3,2
// Outer-product matmul, one output tile at a time: Mt, Kt, Nt are compile-time args. Older API: mm_init with
// three CBs, acquire_dst / release_dst with a DstMode, matmul_tiles with its transpose argument.

#include <cstdint>
#include "compute_kernel_api/matmul.h"
#include "compute_kernel_api/tile_move_copy.h"

using std::uint32_t;

namespace NAMESPACE {
void MAIN {
    constexpr uint32_t Mt = get_compile_time_arg_val(0);
    constexpr uint32_t Kt = get_compile_time_arg_val(1);
    constexpr uint32_t Nt = get_compile_time_arg_val(2);
    constexpr tt::CBIndex cb_in0 = tt::CBIndex::c_0;
    constexpr tt::CBIndex cb_in1 = tt::CBIndex::c_1;
    constexpr tt::CBIndex cb_out = tt::CBIndex::c_16;

    mm_init(cb_in0, cb_in1, cb_out);

    for (uint32_t mt = 0; mt < Mt; ++mt) {
        for (uint32_t nt = 0; nt < Nt; ++nt) {
            acquire_dst(tt::DstMode::Half);
            for (uint32_t kt = 0; kt < Kt; kt++) {
                cb_wait_front(cb_in0, 1);
                cb_wait_front(cb_in1, 1);
                matmul_tiles(cb_in0, cb_in1, 0, 0, 0, false);
                cb_pop_front(cb_in0, 1);
                cb_pop_front(cb_in1, 1);
            }
            cb_reserve_back(cb_out, 1);
            pack_tile<true>(0, cb_out, 0);
            cb_push_back(cb_out, 1);
            release_dst(tt::DstMode::Half);
        }
    }
}
}  // namespace NAMESPACE
