# args:
# TileLang's GPU hints (annotate_layout, use_swizzle, Pipelined order/stage, copy and gemm tuning keywords) are
# accepted and have no effect; T.float32(0) is a cast; the sizes come from the module-level factory call.
import tilelang
import tilelang.language as T
from tilelang.intrinsics import make_mma_swizzle_layout as make_swizzle_layout


def matmul(M, N, K, block_M, block_N, block_K, dtype=T.bfloat16, accum_dtype=T.float32, num_stages=2, threads=128):
    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=threads) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            C_shared = T.alloc_shared((block_M, block_N), dtype)

            T.annotate_layout({
                A_shared: make_swizzle_layout(A_shared),
                B_shared: make_swizzle_layout(B_shared),
            })
            T.use_swizzle(10)
            T.clear(C_local)
            for ko in T.Pipelined(T.ceildiv(K, block_K), num_stages=num_stages, order=[-1, 0, 1], stage=[-1, 0, 0]):
                T.copy(A[by * block_M, ko * block_K], A_shared, disable_tma=True)
                T.copy(B[ko * block_K, bx * block_N], B_shared, coalesced_width=8)
                T.gemm(A_shared, B_shared, C_local, policy=T.GemmWarpPolicy.FullRow, k_pack=1)
            for i, j in T.Parallel(block_M, block_N):
                C_local[i, j] = T.max(C_local[i, j], T.float32(0))
            T.copy(C_local, C_shared)
            T.copy(C_shared, C[by * block_M, bx * block_N])

    return main


kernel = matmul(256, 256, 256, 64, 64, 64)
