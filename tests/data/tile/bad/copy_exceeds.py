# expect: 16:40: does not fit A_shared (64x32)
import tilelang.language as T

M = 256
N = 256
K = 128

@T.prim_func
def kern(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(N // 64, M // 64) as (bx, by):
        A_shared = T.alloc_shared((64, 32), "bfloat16")
        B_shared = T.alloc_shared((32, 64), "bfloat16")
        C_local = T.alloc_fragment((64, 64), "float")
        T.clear(C_local)
        for k in T.Pipelined(K // 32, num_stages=2):
            T.copy(A[by * 64, k * 32], A_shared[0:64, 16:48])
            T.copy(B[k * 32, bx * 64], B_shared)
            T.gemm(A_shared, B_shared, C_local)
        T.copy(C_local, C[by * 64, bx * 64])
