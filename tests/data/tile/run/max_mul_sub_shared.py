# args:
# Element-wise into a shared buffer with max, product and difference.
import tilelang.language as T
M = 256
N = 512
@T.prim_func
def add(A: T.Tensor((M, N), "bfloat16"), B: T.Tensor((M, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(T.ceildiv(N, 128), T.ceildiv(M, 64)) as (bx, by):
        A_s = T.alloc_shared((64, 128), "bfloat16")
        B_s = T.alloc_shared((64, 128), "bfloat16")
        C_s = T.alloc_shared((64, 128), "bfloat16")
        T.copy(A[by * 64, bx * 128], A_s)
        T.copy(B[by * 64, bx * 128], B_s)
        for i, j in T.Parallel(64, 128):
            C_s[i, j] = T.max(A_s[i, j], B_s[i, j]) * A_s[i, j] - B_s[i, j]
        T.copy(C_s, C[by * 64, bx * 128])
