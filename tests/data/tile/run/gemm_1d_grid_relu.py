# args: --N 96
# A one-dimensional kernel grid over column blocks, each block the whole height, with a ReLU epilogue.
import tilelang.language as T

M = 64
N = 256
K = 96


@T.prim_func
def gemm_relu(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "float32")):
    with T.Kernel(T.ceildiv(N, 32)) as bx:
        A_s = T.alloc_shared((M, 32), "bfloat16")
        B_s = T.alloc_shared((32, 32), "bfloat16")
        acc = T.alloc_fragment((M, 32), "float32")
        T.clear(acc)
        for ko in T.serial(T.ceildiv(K, 32)):
            T.copy(A[0:M, ko * 32:(ko + 1) * 32], A_s)
            T.copy(B[ko * 32, bx * 32], B_s)
            T.gemm(A_s, B_s, acc)
        for i, j in T.Parallel(M, 32):
            acc[i, j] = T.max(acc[i, j], 0)
        T.copy(acc, C[0, bx * 32])
