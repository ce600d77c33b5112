// role: compute
// defines: SFPU_OP_EXP=1
// y = f(x) tile by tile with an SFPU op chosen by a define; the op's init and call take the approximation
// template argument and tt-metal's extra arguments.

#include "compute_kernel_api/eltwise_unary/eltwise_unary.h"
#include "compute_kernel_api/eltwise_unary/exp.h"
#include "compute_kernel_api/eltwise_unary/sfpu_split_includes.h"
#include "compute_kernel_api/tile_move_copy.h"

#if defined(SFPU_OP_EXP)
#define SFPU_INIT() exp_tile_init<false>()
#define SFPU_OP(dst) exp_tile<false>(dst)
#elif defined(SFPU_OP_LOG)
#define SFPU_INIT() log_tile_init()
#define SFPU_OP(dst) log_tile(dst)
#elif defined(SFPU_OP_RELU)
#define SFPU_INIT() relu_tile_init()
#define SFPU_OP(dst) relu_tile(dst)
#elif defined(SFPU_OP_RECIP)
#define SFPU_INIT() recip_tile_init<false>()
#define SFPU_OP(dst) recip_tile<false>(dst)
#elif defined(SFPU_OP_SQRT)
#define SFPU_INIT() sqrt_tile_init()
#define SFPU_OP(dst) sqrt_tile(dst)
#else
#define SFPU_INIT() gelu_tile_init<true>()
#define SFPU_OP(dst) gelu_tile<true>(dst, (int)VectorMode::RC)
#endif

namespace NAMESPACE {
void MAIN {
    const uint32_t per_core_tile_cnt = get_arg_val<uint32_t>(0);
    init_sfpu(tt::CBIndex::c_0, tt::CBIndex::c_16);
    copy_tile_init(tt::CBIndex::c_0);
    SFPU_INIT();
    for (uint32_t t = 0; t < per_core_tile_cnt; ++t) {
        cb_reserve_back(tt::CBIndex::c_16, 1);
        tile_regs_acquire();
        cb_wait_front(tt::CBIndex::c_0, 1);
        copy_tile_to_dst_init_short(tt::CBIndex::c_0);
        copy_tile(tt::CBIndex::c_0, 0, 0);
        SFPU_OP(0);
        tile_regs_commit();
        tile_regs_wait();
        pack_tile(0, tt::CBIndex::c_16);
        cb_pop_front(tt::CBIndex::c_0, 1);
        tile_regs_release();
        cb_push_back(tt::CBIndex::c_16, 1);
    }
}
}  // namespace NAMESPACE
