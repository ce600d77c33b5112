// C = A op B tile by tile, where the host picks the op with defines: ELTWISE_OP is add_tiles, sub_tiles or
// mul_tiles, ELTWISE_OP_INIT the matching *_tiles_init.
//
// Runtime args: n_tiles.
#include <cstdint>

#include "api/compute/eltwise_binary.h"
#include "api/compute/tile_move_copy.h"

#ifndef ELTWISE_OP
#error "the host must define ELTWISE_OP (add_tiles, sub_tiles or mul_tiles)"
#endif

namespace NAMESPACE {
void MAIN {
    const uint32_t n_tiles = get_arg_val<uint32_t>(0);

    constexpr auto cb_in0 = tt::CBIndex::c_0;
    constexpr auto cb_in1 = tt::CBIndex::c_1;
    constexpr auto cb_out0 = tt::CBIndex::c_16;
    constexpr uint32_t dst_reg = 0;

    binary_op_init_common(cb_in0, cb_in1, cb_out0);
    ELTWISE_OP_INIT(cb_in0, cb_in1);

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_wait_front(cb_in0, 1);
        cb_wait_front(cb_in1, 1);
        tile_regs_acquire();
        ELTWISE_OP(cb_in0, cb_in1, 0, 0, dst_reg);
        tile_regs_commit();

        tile_regs_wait();
        cb_reserve_back(cb_out0, 1);
        pack_tile(dst_reg, cb_out0);
        cb_push_back(cb_out0, 1);
        tile_regs_release();

        cb_pop_front(cb_in0, 1);
        cb_pop_front(cb_in1, 1);
    }
}
}  // namespace NAMESPACE
