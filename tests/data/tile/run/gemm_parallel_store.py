# args: --M 160 --N 96 --K 64
# A GEMM whose ReLU epilogue stores straight into C under T.Parallel instead of T.copy.
import tilelang.language as T

M = 256
N = 256
K = 128
block_M = 64
block_N = 64
block_K = 32


@T.prim_func
def gemm_store(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
        A_shared = T.alloc_shared((block_M, block_K), "bfloat16")
        B_shared = T.alloc_shared((block_K, block_N), "bfloat16")
        C_local = T.alloc_fragment((block_M, block_N), "float")
        T.clear(C_local)
        for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
            T.copy(A[by * block_M, k * block_K], A_shared)
            T.copy(B[k * block_K, bx * block_N], B_shared)
            T.gemm(A_shared, B_shared, C_local)
        for i, j in T.Parallel(block_M, block_N):
            C[by * block_M + i, bx * block_N + j] = T.max(C_local[i, j], 0)
