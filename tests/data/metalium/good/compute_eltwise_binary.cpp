// role: compute
// defines: ELTWISE_OP=ADD
// C = A op B tile by tile, op chosen by the ELTWISE_OP define (ADD, SUB or MUL). Written in the older
// spelling: namespace NAMESPACE { void MAIN }, compute_kernel_api/ headers.

#include <cstdint>
#include "compute_kernel_api/common.h"
#include "compute_kernel_api/tile_move_copy.h"
#include "compute_kernel_api/eltwise_binary.h"

#define OP_ADD 1
#define OP_SUB 2
#define OP_MUL 3
#define SELECT(name) OP_##name
#define CONCAT_TOKENS(a, b) a##b
#define CONCAT(a, b) CONCAT_TOKENS(a, b)
#define ELTWISE_OP_ID CONCAT(OP_, ELTWISE_OP)

#ifndef ELTWISE_OP
#error "ELTWISE_OP must be defined"
#endif

namespace NAMESPACE {
void MAIN {
    uint32_t n_tiles = get_arg_val<uint32_t>(0);
    constexpr auto cb_in0 = tt::CBIndex::c_0;
    constexpr auto cb_in1 = tt::CBIndex::c_1;
    constexpr auto cb_out0 = tt::CBIndex::c_16;
    constexpr uint32_t dst_reg = 0;

    binary_op_init_common(cb_in0, cb_in1, cb_out0);
#if ELTWISE_OP_ID == OP_ADD
    add_tiles_init(cb_in0, cb_in1);
#elif ELTWISE_OP_ID == SELECT(SUB)
    sub_tiles_init(cb_in0, cb_in1);
#elif defined(ELTWISE_OP) && ELTWISE_OP_ID == 3
    mul_tiles_init(cb_in0, cb_in1);
#else
#error "unknown ELTWISE_OP"
#endif

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_wait_front(cb_in0, 1);
        cb_wait_front(cb_in1, 1);
        tile_regs_acquire();
#if ELTWISE_OP_ID == OP_ADD
        add_tiles(cb_in0, cb_in1, 0, 0, dst_reg);
#elif ELTWISE_OP_ID == OP_SUB
        sub_tiles(cb_in0, cb_in1, 0, 0, dst_reg);
#else
        ckernel::mul_tiles(cb_in0, cb_in1, 0, 0, dst_reg);
#endif
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(cb_out0, 1);
        pack_tile(dst_reg, cb_out0);
        cb_push_back(cb_out0, 1);
        cb_pop_front(cb_in0, 1);
        cb_pop_front(cb_in1, 1);
        tile_regs_release();
    }
}
}  // namespace NAMESPACE
