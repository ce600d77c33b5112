# C = A x B in 128x128 output blocks (4x4 tiles accumulated in DST), TileLang's canonical matmul written as a
# factory function. The blocks are partitioned over the core grid in 2-D, so every core of a grid row works
# on the same block rows at the same time: A's blocks are read once per row and multicast along it, B's
# once per column and multicast down it. Pass --block_M 64 --block_N 64 for 64x64 blocks.
#
#   tilesim run samples/tile/gemm_mcast.py --perf
#   tilesim run samples/tile/gemm_mcast.py --M 2048 --N 2048 --K 2048 --perf
import tilelang
import tilelang.language as T


def matmul(M=1024, N=1024, K=1024, block_M=128, block_N=128, block_K=64, dtype="bfloat16", accum_dtype="float"):
    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[by * block_M, k * block_K], A_shared)
                T.copy(B[k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local)
            T.copy(C_local, C[by * block_M, bx * block_N])

    return main
