// One core's share of the multi-core matmul: num_output_tiles output tiles, each accumulated in DST
// over Kt tile products and packed into c_16.
//
// Compile-time args: Kt, num_output_tiles (the host creates one compute kernel per core group).
#include <cstdint>

#include "api/compute/matmul.h"

namespace NAMESPACE {
void MAIN {
    constexpr uint32_t Kt = get_compile_time_arg_val(0);
    constexpr uint32_t num_output_tiles = get_compile_time_arg_val(1);
    constexpr auto cb_in0 = tt::CBIndex::c_0;
    constexpr auto cb_in1 = tt::CBIndex::c_1;
    constexpr auto cb_out = tt::CBIndex::c_16;

    mm_init(cb_in0, cb_in1, cb_out, 0);

    for (uint32_t i = 0; i < num_output_tiles; ++i) {
        tile_regs_acquire();
        for (uint32_t kt = 0; kt < Kt; kt++) {
            cb_wait_front(cb_in0, 1);
            cb_wait_front(cb_in1, 1);
            matmul_tiles(cb_in0, cb_in1, 0, 0, 0, false);
            cb_pop_front(cb_in0, 1);
            cb_pop_front(cb_in1, 1);
        }
        tile_regs_commit();

        tile_regs_wait();
        cb_reserve_back(cb_out, 1);
        pack_tile(0, cb_out);
        cb_push_back(cb_out, 1);
        tile_regs_release();
    }
}
}  // namespace NAMESPACE
