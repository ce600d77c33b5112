# args: --M 96 --N 128 --K 160
# C = A^T x B: A is stored K x M (a gradient-style product), read in K x block_M slabs and transposed on the
# core; the K tail (160 = 5 tiles in blocks of 2) is guarded.
import tilelang.language as T

M = 128
N = 128
K = 128


@T.prim_func
def gemm_at(A: T.Tensor((K, M), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
    with T.Kernel(T.ceildiv(N, 64), T.ceildiv(M, 32)) as (bx, by):
        A_s = T.alloc_shared((64, 32), "bfloat16")
        B_s = T.alloc_shared((64, 64), "bfloat16")
        C_l = T.alloc_fragment((32, 64), "float")
        T.clear(C_l)
        for k in T.Pipelined(T.ceildiv(K, 64), num_stages=2):
            T.copy(A[k * 64, by * 32], A_s)
            T.copy(B[k * 64, bx * 64], B_s)
            T.gemm(A_s, B_s, C_l, transpose_A=True)
        T.copy(C_l, C[by * 32, bx * 64])
