# args: --M 96 --N 160 --K 96
# C = relu(A x B + bias), the bias a row vector broadcast down the rows.
import tilelang
import tilelang.language as T

M = 512
N = 512
K = 256
block_M = 64
block_N = 64
block_K = 64
dtype = "bfloat16"
accum_dtype = "float"


@T.prim_func
def gemm_bias_relu(
    A: T.Tensor((M, K), dtype),
    B: T.Tensor((K, N), dtype),
    Bias: T.Tensor((N,), dtype),
    C: T.Tensor((M, N), dtype),
):
    with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
        A_shared = T.alloc_shared((block_M, block_K), dtype)
        B_shared = T.alloc_shared((block_K, block_N), dtype)
        C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
        T.clear(C_local)
        for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
            T.copy(A[by * block_M, k * block_K], A_shared)
            T.copy(B[k * block_K, bx * block_N], B_shared)
            T.gemm(A_shared, B_shared, C_local)
        for i, j in T.Parallel(block_M, block_N):
            C_local[i, j] = T.max(C_local[i, j] + Bias[bx * block_N + j], 0)
        T.copy(C_local, C[by * block_M, bx * block_N])
