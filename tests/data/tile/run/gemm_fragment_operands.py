# args:
# T.gemm reading both operands from fragments filled by T.copy (TileLang allows it; on a Tensix core they are L1
# buffers like shared ones).
import tilelang.language as T

M = 256
N = 256
K = 256
block_M = 64
block_N = 64
block_K = 32
dtype = "bfloat16"
accum_dtype = "float32"


@T.prim_func
def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
    with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=256) as (bx, by):
        A_shared = T.alloc_fragment((block_M, block_K), dtype)
        B_shared = T.alloc_fragment((block_K, block_N), dtype)
        C_local = T.alloc_fragment((block_M, block_N), accum_dtype)

        T.clear(C_local)
        for ko in T.Pipelined(T.ceildiv(K, block_K), num_stages=3):
            T.copy(A[by * block_M, ko * block_K], A_shared)
            T.copy(B[ko * block_K, bx * block_N], B_shared)
            T.gemm(A_shared, B_shared, C_local)

        for i, j in T.Parallel(block_M, block_N):
            C_local[i, j] = T.max(C_local[i, j], 0)
        T.copy(C_local, C[by * block_M, bx * block_N])
