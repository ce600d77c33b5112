// out = exp(in) tile by tile on the SFPU: each tile is copied from c_0 into DST, exponentiated in place
// and packed into c_16.
//
// Compile-time args: n_tiles.
#include <cstdint>

#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/tile_move_copy.h"

namespace NAMESPACE {
void MAIN {
    constexpr uint32_t n_tiles = get_compile_time_arg_val(0);

    constexpr auto cb_in0 = tt::CBIndex::c_0;
    constexpr auto cb_out0 = tt::CBIndex::c_16;

    init_sfpu(cb_in0, cb_out0);
    exp_tile_init();

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_wait_front(cb_in0, 1);
        tile_regs_acquire();
        copy_tile(cb_in0, 0, 0);
        exp_tile(0);
        tile_regs_commit();
        cb_pop_front(cb_in0, 1);

        tile_regs_wait();
        cb_reserve_back(cb_out0, 1);
        pack_tile(0, cb_out0);
        cb_push_back(cb_out0, 1);
        tile_regs_release();
    }
}
}  // namespace NAMESPACE
