# args: --M 96 --N 160 --K 64
# A GEMM epilogue with scalars: scaling, an offset, clamping from both sides, negation, division by a
# constant, and the max of two computed values.
import tilelang.language as T

M = 128
N = 128
K = 64
alpha = 2


@T.prim_func
def scaled(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), D: T.Tensor((M, N), "bfloat16"),
           C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(T.ceildiv(N, 32), T.ceildiv(M, 32)) as (bx, by):
        A_s = T.alloc_shared((32, 32), "bfloat16")
        B_s = T.alloc_shared((32, 32), "bfloat16")
        acc = T.alloc_fragment((32, 32), "float")
        out = T.alloc_fragment((32, 32), "bfloat16")
        T.clear(acc)
        for k in T.Pipelined(T.ceildiv(K, 32), num_stages=2):
            T.copy(A[by * 32, k * 32], A_s)
            T.copy(B[k * 32, bx * 32], B_s)
            T.gemm(A_s, B_s, acc)
        for i, j in T.Parallel(32, 32):
            out[i, j] = T.max(T.min(acc[i, j] * alpha + 0.5, 3.0), -3.0) / 4 + T.max(-D[by * 32 + i, bx * 32 + j], acc[i, j] * 0.25)
        T.copy(out, C[by * 32, bx * 32])
