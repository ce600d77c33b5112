# C = A + B, element-wise, one 32x64 block per kernel instance.
import tilelang.language as T

M = 256
N = 512
block_M = 32
block_N = 64


@T.prim_func
def eltwise_add(A: T.Tensor((M, N), "float32"), B: T.Tensor((M, N), "float32"), C: T.Tensor((M, N), "float32")):
    with T.Kernel(N // block_N, M // block_M) as (bx, by):
        A_shared = T.alloc_shared((block_M, block_N), "float32")
        B_shared = T.alloc_shared((block_M, block_N), "float32")
        C_local = T.alloc_fragment((block_M, block_N), "float32")
        T.copy(A[by * block_M, bx * block_N], A_shared)
        T.copy(B[by * block_M:by * block_M + block_M, bx * block_N:(bx + 1) * block_N], B_shared)
        for i, j in T.Parallel(block_M, block_N):
            C_local[i, j] = A_shared[i, j] + B_shared[i, j]
        T.copy(C_local, C[by * block_M, bx * block_N])
