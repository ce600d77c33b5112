# args:
# C = exp(A x B * scale) in bfloat16, the product accumulated in float32.
import tilelang
import tilelang.language as T

M = 128
N = 128
K = 64
block = 64
scale = 0.125


@T.prim_func
def gemm_exp(A: T.Buffer((M, K), "bfloat16"), B: T.Buffer((K, N), "bfloat16"), C: T.Buffer((M, N), "bfloat16")):
    with T.Kernel(N // block, M // block) as (bx, by):
        A_shared = T.alloc_shared((block, K), "bfloat16")
        B_shared = T.alloc_shared((K, block), "bfloat16")
        C_local = T.alloc_fragment((block, block), "float32")
        T.copy(A[by * block, 0], A_shared)
        T.copy(B[0, bx * block], B_shared)
        T.gemm(A_shared, B_shared, C_local, clear_accum=True)
        for i, j in T.Parallel(block, block):
            C_local[i, j] = T.exp(C_local[i, j] * scale)
        T.copy(C_local, C[by * block, bx * block])
